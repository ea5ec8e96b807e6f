/**
 * Generators (fast-check arbitraries) of hostile posts to the bot's /api/messages, for
 * fuzz.test.ts. Every case they produce is one the bot must answer below 500 and that must change
 * nothing: no request, no job, no Graph write. Two rules keep that true however the generators
 * are mixed, and both are enforced on the final case, not left to each generator:
 *
 * - The seeded request's sponsor never appears where she could really decide it: her Entra id is
 *   only kept when the activity also names another tenant or is in a group conversation (see
 *   `couldBeSponsorDecision`). Anywhere else her click would be a legitimate decision.
 * - A message never lands in a conversation another message used, so no sequence of generated
 *   texts can walk the request dialog to its end and file a real request.
 *
 * And the bot is never given an internet address to reply to: `serviceUrl` is the fake Teams
 * channel, another 127.0.0.1 port, or something that is no http(s) URL at all.
 */
import fc from 'fast-check';
import type { TeamsUser } from '../support/fakeTeamsChannel';

/** What the generators aim at: the running bot's surroundings and the state seeded before fuzzing. */
export interface FuzzTargets {
  /** The fake Teams channel (ends with '/'): replies sent there succeed. */
  channelUrl: string;
  /** A 127.0.0.1 URL where nothing listens: replies fail, after the connector's retries. */
  deadServiceUrl: string;
  /** The tenant the bot serves. */
  tenantId: string;
  bot: { id: string; name: string };
  /** The pending request whose sponsor is `sponsor`. */
  seededRequestId: string;
  /** Conversations the bot already knows (the requester's chat, the sponsor's card chat). */
  knownConversationIds: readonly string[];
  requester: TeamsUser;
  sponsor: TeamsUser;
  /** Directory users who are neither requester nor sponsor of anything. */
  others: readonly TeamsUser[];
}

/** One HTTP POST to /api/messages. */
export interface PostCase {
  /** Which generator made it, to read a counterexample at a glance. */
  kind: string;
  /** The Content-Type header; undefined sends none. */
  contentType: string | undefined;
  /** A Content-Encoding header, rarely: the body is never actually encoded. */
  contentEncoding?: string;
  body: string | Uint8Array;
}

type Activity = Record<string, unknown>;
type Path = readonly (string | number)[];

/** Counterexamples can be a megabyte; fast-check prints them through this. */
function printable(postCase: PostCase): PostCase {
  return Object.assign(postCase, {
    [fc.toStringMethod]: () => {
      const text = typeof postCase.body === 'string' ? postCase.body : `<${postCase.body.length} bytes> ${Buffer.from(postCase.body).toString('latin1')}`;
      const shown = text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} chars in all)` : text;
      const encoding = postCase.contentEncoding === undefined ? '' : `, Content-Encoding ${JSON.stringify(postCase.contentEncoding)}`;
      return `${postCase.kind} (Content-Type ${JSON.stringify(postCase.contentType ?? null)}${encoding}): ${shown}`;
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Values

/** Strings people or scripts might send where text is expected. */
const unicodeText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  // Bidirectional overrides, zero-width and control characters, a lone surrogate, a BOM.
  fc.constantFrom('\u202Eevil\u202C', '\u200F\u200E\u200B\u2060', '\u0000\u0001\u001F\u007F', '\uD800', '\uFEFF', '\r\n\r\n', 'a\u0301\u0301\u0301', '🏳️‍🌈👩‍👩‍👧‍👦'),
);

/** Up to `max` characters, cheaply: a short random unit repeated (and cut, maybe mid-surrogate). */
function hugeString(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }), fc.integer({ min, max }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length));
}

/** Addresses the dialog's email check and Graph lookups must survive. */
const strangeEmail = fc.oneof(
  fc.constantFrom(
    `"a'b"@x.com`,
    'a@b@c',
    '@',
    'a@',
    '@fabrikam.com',
    `o'brien@fabrikam.com`,
    `'; DROP TABLE access_requests; --@fabrikam.com`,
    `x' or '1'='1@fabrikam.com`,
    '"much.more unusual"@fabrikam.com',
    'a\u0000b@fabrikam.com',
    'partner\r\nBcc: everyone@contoso.com@fabrikam.com',
    '\u200Fpartner@fabrikam.com',
    'partner@\u202Emoc.mikarbaf',
    'ｐａｒｔｎｅｒ@fabrikam.com',
    'partner@xn--fbrikam-3ya.com',
    'megan.bowen@contoso.com',
    'MEGAN.BOWEN@CONTOSO.COM',
    'adele.vance@contoso.com',
    'partner@fabrikam.com;megan.bowen@contoso.com',
    'x@[127.0.0.1]',
    'user@localhost',
    "$filter=startswith(mail,'a')@fabrikam.com",
    'a%40b@fabrikam.com',
  ),
  fc.emailAddress(),
  fc.tuple(unicodeText, unicodeText).map(([local, domain]) => `${local}@${domain}`),
);

/** Any JSON value, and the primitives that trip up code expecting strings or objects. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      1e308,
      '',
      ' ',
      '0',
      'null',
      'undefined',
      '[object Object]',
      '__proto__',
      'constructor',
      'toString',
    ),
  },
  { weight: 20, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 10, arbitrary: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 4 }) },
  {
    weight: 10,
    arbitrary: fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'id', 'type', 'action', 'tenant', 'length'), fc.jsonValue({ maxDepth: 2 })),
  },
  { weight: 20, arbitrary: unicodeText },
  // Huge strings are costly to send; a few go a long way.
  { weight: 1, arbitrary: hugeString(1_000, 200_000) },
);

const guid = fc.uuid();

// ---------------------------------------------------------------------------------------------
// The parts of an activity

function identities(t: FuzzTargets): fc.Arbitrary<Activity> {
  const directoryPerson = (user: TeamsUser): Activity => ({ id: user.id, name: user.name, aadObjectId: user.aadObjectId });
  const sponsorId = t.sponsor.aadObjectId ?? '';
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(directoryPerson(t.requester)) },
    // Kept only in another tenant or a group conversation; see couldBeSponsorDecision.
    { weight: 3, arbitrary: fc.constant(directoryPerson(t.sponsor)) },
    { weight: 3, arbitrary: fc.constantFrom(...t.others.map(directoryPerson)) },
    // Without an Entra id, unauthenticated on the simulator: the directory's default user.
    {
      weight: 2,
      arbitrary: fc.record({
        id: fc.oneof(fc.constantFrom(t.sponsor.id, t.requester.id, sponsorId), unicodeText),
        name: fc.option(unicodeText, { nil: undefined }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        id: fc.oneof(fc.constantFrom(t.sponsor.id, '29:fuzz'), unicodeText),
        name: fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(t.sponsor.name, 'User', '') },
          { weight: 5, arbitrary: unicodeText },
          { weight: 1, arbitrary: hugeString(1_000, 50_000) },
        ),
        aadObjectId: fc.oneof(
          guid,
          unicodeText,
          // One character off the sponsor's id: not her.
          fc.constantFrom(`${sponsorId.slice(0, -1)}3`, `${sponsorId.slice(0, -1)}`, `${sponsorId}0`, sponsorId.replace(/-/g, '')),
        ),
      }),
    },
  );
}

/** The conversation and channelData together, since the tenant can be named in either. */
function audiences(t: FuzzTargets, conversationId: fc.Arbitrary<string>): fc.Arbitrary<{ conversation: Activity; channelData: Activity | undefined }> {
  const ours = fc.constantFrom(t.tenantId, t.tenantId.toUpperCase());
  const other = fc.oneof(
    guid.filter((id) => id.toLowerCase() !== t.tenantId.toLowerCase()),
    // Near misses of ours are other tenants too.
    fc.constantFrom(` ${t.tenantId}`, `${t.tenantId}\u200B`, t.tenantId.replace(/.$/, '0'), 'common', 'organizations', '00000000-0000-0000-0000-000000000000'),
    unicodeText.filter((id) => id.trim() !== '' && id.toLowerCase() !== t.tenantId.toLowerCase()),
  );
  const absent = fc.constant(undefined);
  const tenants = fc.oneof(
    { weight: 5, arbitrary: fc.record({ conversation: ours, channelData: ours }) },
    { weight: 1, arbitrary: fc.oneof(fc.record({ conversation: ours, channelData: absent }), fc.record({ conversation: absent, channelData: ours })) },
    // None named anywhere, as the Emulator sends.
    { weight: 1, arbitrary: fc.record({ conversation: absent, channelData: absent }) },
    {
      weight: 4,
      arbitrary: fc.oneof(
        fc.record({ conversation: other, channelData: other }),
        fc.record({ conversation: fc.oneof(ours, absent), channelData: other }),
        fc.record({ conversation: other, channelData: fc.oneof(ours, absent) }),
      ),
    },
  );
  const personal = fc.record({
    id: conversationId,
    conversationType: fc.constantFrom<string | undefined>('personal', undefined),
    isGroup: fc.constantFrom<boolean | undefined>(false, undefined),
    name: fc.constantFrom<string | undefined>('', undefined),
  });
  const group = fc
    .record({
      id: fc.oneof(fc.constant('19:fuzz@thread.v2'), conversationId),
      kind: fc.oneof(
        fc.record({
          conversationType: fc.constantFrom<string | undefined>('groupChat', 'channel'),
          isGroup: fc.constantFrom<boolean | undefined>(true, undefined),
        }),
        fc.record({
          conversationType: fc.constantFrom<string | undefined>('personal', 'GroupChat', 'meeting', undefined),
          isGroup: fc.constant<boolean | undefined>(true),
        }),
      ),
    })
    .map(({ id, kind }) => ({ id, ...kind }));
  // Without a tenant in it, channelData may still be there, empty or with an empty tenant.
  const tenantlessChannelData = fc.constantFrom<Activity | undefined>(undefined, undefined, {}, { tenant: {} });
  return fc
    .record({ conversation: fc.oneof({ weight: 3, arbitrary: personal }, { weight: 1, arbitrary: group }), tenants, tenantlessChannelData })
    .map(({ conversation, tenants: named, tenantlessChannelData: bare }) => ({
      conversation: { ...conversation, tenantId: named.conversation },
      channelData: named.channelData === undefined ? bare : { tenant: { id: named.channelData } },
    }));
}

function serviceUrls(t: FuzzTargets): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2000, arbitrary: fc.constant(t.channelUrl) },
    // The fake channel answers 404 here: replies fail at once, without retries.
    { weight: 100, arbitrary: fc.constantFrom(`${t.channelUrl}nowhere/`, t.channelUrl.replace(/\/$/, '')) },
    // Not URLs, or not http(s): the bot must refuse to reply anywhere.
    {
      weight: 100,
      arbitrary: fc.constantFrom(
        '',
        'not a url',
        'ftp://127.0.0.1/',
        'javascript:alert(1)',
        'file:///etc/passwd',
        '//127.0.0.1/',
        'http//127.0.0.1',
        '127.0.0.1:3978',
        'data:text/plain,hi',
        'ws://127.0.0.1/',
      ),
    },
    { weight: 50, arbitrary: unicodeText },
    // Nothing listens there: the connector retries for seconds, so this stays rare.
    { weight: 1, arbitrary: fc.constant(t.deadServiceUrl) },
  );
}

function requestIds(t: FuzzTargets): fc.Arbitrary<unknown> {
  const id = t.seededRequestId;
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(id) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        id.toLowerCase(),
        ` ${id}`,
        `${id} `,
        `${id}\u0000`,
        `\u200F${id}`,
        id.replace('-', ''),
        id.replace('-', '_'),
        `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}`,
        `${id}${id}`,
        `${id}' OR '1'='1`,
        `${id}%`,
        'GA-%',
        'GA-______',
        'GA-000000',
        'GA-',
        '*',
      ),
    },
    { weight: 2, arbitrary: fc.stringMatching(/^GA-[0-9A-Z]{1,8}$/) },
    { weight: 2, arbitrary: unicodeText },
    { weight: 1, arbitrary: hugeString(1_000, 100_000) },
    // Not a string at all, including the right id wrapped in something.
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom([id], { id }, { requestId: id }, 42, null, true), wrongValue) },
  );
}

function invokes(t: FuzzTargets): fc.Arbitrary<Activity> {
  const verb = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom('approve', 'reject', 'refresh') },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Approve',
        'APPROVE',
        ' approve',
        'approve ',
        'reject\u0000',
        'aprobar',
        'cancel',
        'delete',
        'decide',
        '',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
      ),
    },
    { weight: 1, arbitrary: unicodeText },
    { weight: 1, arbitrary: wrongValue },
  );
  const comment = fc.oneof(
    { weight: 5, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: unicodeText },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '[click here](https://evil.example/)',
        '<script>alert(1)</script>',
        '${jndi:ldap://x}',
        '{{requestId}}',
        '**bold** _it_ `code`',
      ),
    },
    { weight: 1, arbitrary: hugeString(1_000, 200_000) },
    { weight: 3, arbitrary: wrongValue },
  );
  const data = fc.oneof(
    { weight: 8, arbitrary: fc.record({ requestId: requestIds(t), comment }, { requiredKeys: [] }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(requestIds(t), fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }))
        .map(([requestId, extra]) => ({ ...extra, requestId })),
    },
    { weight: 1, arbitrary: wrongValue },
  );
  const action = fc.record(
    {
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant('Action.Execute') },
        { weight: 1, arbitrary: fc.constantFrom('Action.Submit', 'action.execute', 'Action.OpenUrl', '') },
        { weight: 1, arbitrary: wrongValue },
      ),
      verb,
      data,
      id: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['type', 'verb'] },
  );
  const adaptiveCardValue = fc.oneof(
    { weight: 10, arbitrary: fc.record({ action, trigger: fc.constantFrom('manual', 'automatic', undefined) }) },
    { weight: 1, arbitrary: wrongValue },
  );
  const otherName = fc.oneof(
    fc.constantFrom(
      'task/fetch',
      'task/submit',
      'composeExtension/query',
      'composeExtension/submitAction',
      'composeExtension/fetchTask',
      'composeExtension/queryLink',
      'composeExtension/selectItem',
      'composeExtension/querySettingUrl',
      'composeExtension/setting',
      'composeExtension/onCardButtonClicked',
      'actionableMessage/executeAction',
      'fileConsent/invoke',
      'signin/verifyState',
      'signin/tokenExchange',
      'signin/failure',
      'tab/fetch',
      'tab/submit',
      'config/fetch',
      'config/submit',
      'healthCheck',
      'application/search',
      'message/submitAction',
      'handoff/action',
      'AdaptiveCard/Action',
      'adaptiveCard/action ',
    ),
    unicodeText,
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ type: fc.constant('invoke'), name: fc.constant('adaptiveCard/action'), value: adaptiveCardValue }) },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant('invoke'), name: otherName, value: fc.oneof(adaptiveCardValue, wrongValue) }, { requiredKeys: ['type'] }),
    },
  );
}

function messages(): fc.Arbitrary<Activity> {
  const text = fc.oneof(
    {
      weight: 20,
      arbitrary: fc.constantFrom(
        'request',
        'help',
        'cancel',
        'solicitar',
        'ayuda',
        'cancelar',
        'REQUEST',
        '¡Ayuda!',
        'request please',
        '<at>Guest Access</at> request',
        '<at>Guest Access</at>',
        'more',
        'yes',
        'ok',
        '1',
      ),
    },
    { weight: 20, arbitrary: strangeEmail },
    { weight: 20, arbitrary: unicodeText },
    {
      weight: 5,
      arbitrary: fc.constantFrom(
        '[x](https://evil.example/)',
        'https://evil.example/phish',
        '<script>alert(1)</script>',
        '\\u0000',
        '%s%s%s%n',
        '{{t}}',
        '$t(admission.otherTenant)',
      ),
    },
    { weight: 1, arbitrary: hugeString(1_000, 200_000) },
    { weight: 5, arbitrary: fc.constantFrom(null, '') },
  );
  return fc.record(
    {
      type: fc.constant('message'),
      text,
      textFormat: fc.constantFrom('plain', 'markdown', 'xml'),
      // A card's Action.Submit arrives as a message with a value.
      value: fc.oneof(fc.constant(undefined), fc.record({ requestId: fc.string(), verb: fc.constantFrom('approve', 'reject') }), wrongValue),
      attachments: fc.oneof(
        fc.constant(undefined),
        fc.constant([]),
        fc.array(
          fc.record({
            contentType: fc.constantFrom('text/html', 'application/vnd.microsoft.card.adaptive', 'image/png'),
            content: wrongValue,
            contentUrl: fc.constant('http://127.0.0.1:1/x'),
          }),
          { maxLength: 2 },
        ),
      ),
    },
    { requiredKeys: ['type'] },
  );
}

function otherActivities(t: FuzzTargets): fc.Arbitrary<Activity> {
  const member = fc.oneof(
    fc.constant(t.bot),
    fc.constant({ id: t.requester.id, aadObjectId: t.requester.aadObjectId }),
    fc.record({ id: fc.string({ minLength: 1 }) }),
  );
  const conversationUpdate = fc.record(
    {
      type: fc.constant('conversationUpdate'),
      membersAdded: fc.oneof(fc.array(member, { maxLength: 3 }), fc.constant(undefined)),
      membersRemoved: fc.oneof(fc.array(member, { maxLength: 2 }), fc.constant(undefined)),
      channelDataEventType: fc.constantFrom(
        undefined,
        'teamMemberAdded',
        'teamMemberRemoved',
        'channelCreated',
        'channelRenamed',
        'channelDeleted',
        'channelRestored',
        'teamRenamed',
        'teamDeleted',
        'teamArchived',
        'teamUnarchived',
        'teamRestored',
        'teamHardDeleted',
        'channelShared',
        'channelUnshared',
        'channelMemberAdded',
      ),
      team: fc.oneof(fc.constant(undefined), fc.record({ id: fc.string(), name: fc.string() }), wrongValue),
    },
    { requiredKeys: ['type'] },
  );
  const reaction = fc.record({
    type: fc.constant('messageReaction'),
    reactionsAdded: fc.oneof(fc.constant(undefined), fc.array(fc.record({ type: fc.constantFrom('like', 'heart') })), wrongValue),
    reactionsRemoved: fc.oneof(fc.constant(undefined), wrongValue),
    replyToId: fc.string(),
  });
  const event = fc.record({
    type: fc.constant('event'),
    name: fc.oneof(
      fc.constantFrom(
        'application/vnd.microsoft.readReceipt',
        'application/vnd.microsoft.meetingStart',
        'application/vnd.microsoft.meetingEnd',
        'application/vnd.microsoft.meetingParticipantJoin',
        'tokens/response',
        'continueConversation',
        'ContinueConversation',
      ),
      unicodeText,
    ),
    value: wrongValue,
  });
  const assorted = fc.record({
    type: fc.oneof(
      fc.constantFrom(
        'typing',
        'installationUpdate',
        'endOfConversation',
        'messageUpdate',
        'messageDelete',
        'invokeResponse',
        'trace',
        'handoff',
        'command',
        'commandResult',
        'contactRelationUpdate',
        'deleteUserData',
        'suggestion',
        'delay',
        'Message',
        'INVOKE',
        'message ',
        'conversationupdate',
      ),
      unicodeText,
    ),
    action: fc.constantFrom(undefined, 'add', 'remove', 'add-upgrade', 'remove-upgrade'),
    name: fc.option(unicodeText, { nil: undefined }),
    value: fc.option(wrongValue, { nil: undefined }),
    channelDataEventType: fc.constantFrom(undefined, 'editMessage', 'undeleteMessage', 'softDeleteMessage'),
  });
  return fc.oneof(conversationUpdate, reaction, event, assorted);
}

function entities(t: FuzzTargets): fc.Arbitrary<readonly unknown[] | undefined> {
  const entity = fc.oneof(
    fc.record({
      type: fc.constantFrom('clientInfo', 'ClientInfo'),
      locale: fc.oneof(fc.constantFrom('es-ES', 'en-US', 'xx'), wrongValue),
      country: fc.string(),
      platform: fc.string(),
      timezone: fc.string(),
    }),
    fc.record(
      {
        type: fc.constantFrom('mention', 'Mention', 'MENTION'),
        mentioned: fc.oneof(fc.constant(t.bot), wrongValue),
        text: fc.oneof(fc.constant(`<at>${t.bot.name}</at>`), wrongValue),
      },
      { requiredKeys: ['type'] },
    ),
    fc.record({ type: unicodeText }),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constant([]) },
    { weight: 3, arbitrary: fc.array(entity, { minLength: 1, maxLength: 3 }) },
  );
}

/**
 * Well-formed activities (the shape a channel sends), with hostile values where the bot reads
 * them. `conversationId` is fresh per activity; see keepDialogsApart.
 */
export function activities(t: FuzzTargets): fc.Arbitrary<Activity> {
  const freshConversation = guid.map((id) => `a:fuzz-${id}`);
  const conversationId = fc.oneof(
    { weight: 6, arbitrary: freshConversation },
    { weight: 2, arbitrary: fc.constantFrom(...t.knownConversationIds) },
    { weight: 1, arbitrary: unicodeText.filter((id) => id.length > 0) },
  );
  const body = fc.oneof({ weight: 5, arbitrary: messages() }, { weight: 4, arbitrary: invokes(t) }, { weight: 2, arbitrary: otherActivities(t) });
  return fc
    .record({
      body,
      from: identities(t),
      audience: audiences(t, conversationId),
      serviceUrl: serviceUrls(t),
      channelId: fc.oneof(
        { weight: 12, arbitrary: fc.constant('msteams') },
        { weight: 3, arbitrary: fc.constantFrom('webchat', 'directline', 'emulator', 'slack', 'MSTEAMS', 'msteams ') },
        { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 64 }) },
      ),
      locale: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom('en-US', 'es-ES', 'es', undefined) },
        { weight: 2, arbitrary: fc.constantFrom('EN-us', 'es_ES', 'zz', '', '__proto__', 'constructor', '../../en', 'en-US\u0000') },
        { weight: 1, arbitrary: fc.option(fc.string({ maxLength: 64 })) },
      ),
      entities: entities(t),
      recipient: fc.oneof(
        { weight: 9, arbitrary: fc.constant(t.bot) },
        { weight: 1, arbitrary: fc.record({ id: fc.string({ minLength: 1, maxLength: 40 }), name: fc.string() }) },
      ),
      id: fc.oneof(guid, fc.string()),
      fresh: freshConversation,
    })
    .map(({ body: { channelDataEventType, team, ...rest }, from, audience, serviceUrl, channelId, locale, entities: entityList, recipient, id, fresh }) => {
      let channelData = audience.channelData;
      if (channelDataEventType !== undefined || team !== undefined) channelData = { ...channelData, eventType: channelDataEventType, team };
      return keepDialogsApart(
        {
          ...rest,
          id,
          timestamp: new Date(0).toISOString(),
          channelId,
          serviceUrl,
          from,
          recipient,
          conversation: audience.conversation,
          channelData,
          locale,
          entities: entityList,
        },
        fresh,
      );
    });
}

// ---------------------------------------------------------------------------------------------
// Breaking well-formed activities

/** Where a mutation may strike: every field the bot or the adapter reads, and the whole activity's top level. */
const MUTATION_PATHS: readonly Path[] = [
  ['type'],
  ['from'],
  ['conversation'],
  ['serviceUrl'],
  ['channelId'],
  ['text'],
  ['value'],
  ['entities'],
  ['channelData'],
  ['locale'],
  ['attachments'],
  ['recipient'],
  ['name'],
  ['membersAdded'],
  ['id'],
  ['timestamp'],
  ['replyToId'],
  ['from', 'id'],
  ['from', 'aadObjectId'],
  ['from', 'name'],
  ['recipient', 'id'],
  ['conversation', 'id'],
  ['conversation', 'tenantId'],
  ['conversation', 'isGroup'],
  ['conversation', 'conversationType'],
  ['channelData', 'tenant'],
  ['channelData', 'tenant', 'id'],
  ['channelData', 'eventType'],
  ['channelData', 'team'],
  ['value', 'action'],
  ['value', 'action', 'type'],
  ['value', 'action', 'verb'],
  ['value', 'action', 'data'],
  ['value', 'action', 'data', 'requestId'],
  ['value', 'action', 'data', 'comment'],
  ['entities', 0],
  ['entities', 0, 'locale'],
  ['membersAdded', 0],
];

/** The four fields the adapter cannot do without, each left out on its own. */
const REQUIRED_FIELDS = ['type', 'from', 'conversation', 'serviceUrl'] as const;

interface Mutation {
  path: Path;
  /** Undefined removes the field. */
  value: unknown;
}

/** A copy of `target` with `value` at `path`; containers missing on the way are created. */
function setAt(target: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const container = (
    Array.isArray(target)
      ? [...(target as unknown[])]
      : typeof target === 'object' && target !== null
        ? { ...(target as Activity) }
        : typeof head === 'number'
          ? []
          : {}
  ) as Record<string | number, unknown>;
  const next = setAt(container[head], rest, value);
  if (next === undefined) delete container[head];
  else container[head] = next;
  return container;
}

function mutations(): fc.Arbitrary<Mutation[]> {
  const mutation = fc.oneof(
    { weight: 3, arbitrary: fc.record({ path: fc.constantFrom(...MUTATION_PATHS), value: wrongValue }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...MUTATION_PATHS), value: fc.constant(undefined) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...REQUIRED_FIELDS.map((field) => [field])), value: fc.constant(undefined) }) },
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 });
}

export function brokenActivities(t: FuzzTargets): fc.Arbitrary<Activity> {
  return fc
    .tuple(activities(t), mutations(), guid)
    .map(([activity, changes, fresh]) =>
      keepDialogsApart(changes.reduce<unknown>((broken, { path, value }) => setAt(broken, path, value), activity) as Activity, `a:fuzz-${fresh}`),
    );
}

// ---------------------------------------------------------------------------------------------
// The two safety rules

/**
 * A message's conversation id made unique (the dialog's state is kept per conversation), unless
 * it is one no turn would accept anyway. Sequences of generated texts such as `request`, an
 * address, `1`, `ok`, `yes` in one conversation would otherwise file a real request.
 */
function keepDialogsApart(activity: Activity, fresh: string): Activity {
  const isMessage = typeof activity.type === 'string' && activity.type.trim().toLowerCase() === 'message';
  const conversation = activity.conversation;
  if (!isMessage || typeof conversation !== 'object' || conversation === null) return activity;
  const id = (conversation as Activity).id;
  if (typeof id !== 'string' || id === '' || id.startsWith('a:fuzz-')) return activity;
  return { ...activity, conversation: { ...conversation, id: `${id}#${fresh}` } };
}

/** Ids compared the loosest way anyone might compare them: no spaces or invisible characters, any case. */
function loosely(value: string): string {
  return value.replace(/[\s\p{Cf}]/gu, '').toLowerCase();
}

/**
 * Whether `body` could be the sponsor legitimately acting in the bot: her Entra id (compared
 * loosely) in a conversation that is not certainly refused. Refused means, strictly, as the bot
 * refuses today: another tenant named in channelData or the conversation, or a group conversation.
 * Such a body would rightly change the seeded request, so it is never generated.
 */
export function couldBeSponsorDecision(body: string | Uint8Array, t: FuzzTargets): boolean {
  let activity: unknown;
  try {
    activity = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return false;
  }
  if (typeof activity !== 'object' || activity === null) return false;
  const { from, conversation, channelData } = activity as {
    from?: { aadObjectId?: unknown };
    conversation?: Activity;
    channelData?: { tenant?: { id?: unknown } };
  };
  const aadObjectId = typeof from === 'object' && from !== null ? from.aadObjectId : undefined;
  if (typeof aadObjectId !== 'string' || loosely(aadObjectId) !== loosely(t.sponsor.aadObjectId ?? '')) return false;
  const chat = typeof conversation === 'object' && conversation !== null ? conversation : {};
  const channelTenant =
    typeof channelData === 'object' && channelData !== null && typeof channelData.tenant === 'object' && channelData.tenant !== null
      ? channelData.tenant.id
      : undefined;
  const otherTenant = [channelTenant, chat.tenantId].some((id) => typeof id === 'string' && loosely(id) !== '' && loosely(id) !== loosely(t.tenantId));
  const group = chat.isGroup === true || chat.conversationType === 'groupChat' || chat.conversationType === 'channel';
  return !(otherTenant || group);
}

/** Whether every http(s) address in `serviceUrl` is on 127.0.0.1, so no reply can leave this machine. */
export function repliesStayLocal(body: string | Uint8Array): boolean {
  let activity: unknown;
  try {
    activity = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch {
    return true;
  }
  const serviceUrl = typeof activity === 'object' && activity !== null ? (activity as Activity).serviceUrl : undefined;
  if (typeof serviceUrl !== 'string') return true;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return true;
  }
  return !['http:', 'https:'].includes(url.protocol) || url.hostname === '127.0.0.1';
}

// ---------------------------------------------------------------------------------------------
// Whole posts

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/json;charset=UTF-8'];
const WRONG_TYPES = [
  undefined,
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'text/html',
  'application/octet-stream',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/json; charset=nonsense',
  'application/vnd.api+json',
  'application/jsonp',
  '*/*',
  'application/*',
  '',
  ';',
  'application/json, text/plain',
];

const jsonPost = (kind: string) => (body: string) => printable({ kind, contentType: 'application/json', body });

/** Bodies that are not JSON, or not a JSON object. */
function malformedBodies(t: FuzzTargets): fc.Arbitrary<PostCase> {
  const truncated = fc
    .tuple(activities(t), fc.nat(), fc.nat())
    .map(([activity, start, length]) => {
      const text = JSON.stringify(activity);
      const cut = start % text.length;
      // A prefix of a JSON object is never JSON; neither, mostly, is one with a slice taken out.
      return length % 2 === 0 ? text.slice(0, cut) : text.slice(0, cut) + text.slice(cut + 1 + (length % 40));
    })
    .map(jsonPost('truncated JSON'));
  const values = fc
    .oneof(
      fc.constantFrom(
        '{}',
        '[]',
        'null',
        '0',
        '-1',
        '1e400',
        '"a string"',
        'true',
        '',
        ' ',
        '{"type":',
        '{"type":"message"',
        '[{"type":"message"}]',
        'NaN',
        'undefined',
        '{"__proto__":{"type":"message"}}',
        '{"constructor":{"prototype":{}}}',
        '\uFEFF{}',
        '{}{}',
        '{"type":"message"}garbage',
      ),
      fc.json({ maxDepth: 3 }),
    )
    .map(jsonPost('JSON that is no activity'));
  const bytes = fc
    .tuple(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(...JSON_TYPES, ...WRONG_TYPES))
    .map(([body, contentType]) => printable({ kind: 'random bytes', contentType, body }));
  return fc.oneof({ weight: 4, arbitrary: truncated }, { weight: 3, arbitrary: values }, { weight: 2, arbitrary: bytes });
}

/** Good and broken activities under content types the endpoint must refuse, or odd encodings. */
function wrongHeaders(t: FuzzTargets): fc.Arbitrary<PostCase> {
  return fc
    .tuple(
      fc.oneof(activities(t), brokenActivities(t)),
      fc.constantFrom(...WRONG_TYPES, ...JSON_TYPES),
      fc.constantFrom(undefined, 'gzip', 'deflate', 'br', 'identity', 'x-fuzz'),
    )
    .map(([activity, contentType, contentEncoding]) => printable({ kind: 'odd headers', contentType, contentEncoding, body: JSON.stringify(activity) }));
}

/** An activity padded to just below or just above the 1 MB the server accepts. */
function sizeLimit(t: FuzzTargets): fc.Arbitrary<PostCase> {
  const limit = 1024 * 1024;
  return fc.tuple(activities(t), fc.integer({ min: -2048, max: 4096 })).map(([activity, delta]) => {
    const empty = Buffer.byteLength(JSON.stringify({ ...activity, text: '' }));
    const padding = Math.max(0, limit + delta - empty);
    return printable({
      kind: delta > 0 ? 'over 1 MB' : 'up to 1 MB',
      contentType: 'application/json',
      body: JSON.stringify({ ...activity, text: 'x'.repeat(padding) }),
    });
  });
}

/**
 * Everything mixed: well-formed activities most (they reach the bot's own code), broken ones,
 * malformed bodies, odd headers, and a few at the size limit.
 */
export function posts(t: FuzzTargets): fc.Arbitrary<PostCase> {
  return fc
    .oneof(
      {
        weight: 400,
        arbitrary: activities(t).map((activity) => printable({ kind: 'activity', contentType: 'application/json', body: JSON.stringify(activity) })),
      },
      {
        weight: 300,
        arbitrary: brokenActivities(t).map((activity) =>
          printable({ kind: 'broken activity', contentType: 'application/json', body: JSON.stringify(activity) ?? '' }),
        ),
      },
      { weight: 150, arbitrary: malformedBodies(t) },
      { weight: 60, arbitrary: wrongHeaders(t) },
      { weight: 4, arbitrary: sizeLimit(t) },
    )
    .filter((post) => !couldBeSponsorDecision(post.body, t) && repliesStayLocal(post.body));
}
