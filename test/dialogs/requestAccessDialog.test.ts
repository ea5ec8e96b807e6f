/**
 * The request conversation, data-driven as in the Bot Framework samples: what the user types,
 * what they must read back. It runs on the real Graph adapter against the directory simulator
 * over HTTP, and keeps dialog state in the project's own SQLite storage.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { ConversationState } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/mainDialog';
import { RequestAccessDialog } from '../../dialogs/requestAccessDialog';
import { TYPING_AFTER_MS } from '../../dialogs/typingWhileSlow';
import type { Directory } from '../../src/directory/directory';
import { loadCatalog, loadConfig, SAMPLE_CATALOG_FILE } from '../../src/config';
import type { Resource, ResourceCatalog } from '../../src/requests/catalog';
import type { OpenDatabase } from '../../src/storage/database';
import { DialogStateStorage } from '../../src/storage/dialogStateStorage';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { type DirectoryFixture, sample, startDirectoryFixture } from '../directory/directoryFixture';
import { jobRows } from '../support/jobRows';
import { memoryDatabase } from '../support/sqliteMemory';
import { buttonCommands, visibleText } from '../support/visibleText';

interface Person {
  aadObjectId: string;
  name: string;
  locale: string;
}

/** A fixed today, so the end dates the dialog shows can be read back. */
const today = new Date('2026-11-30T10:00:00Z');
const timing = loadConfig({}).timing;
const guestPolicy = { allowedDomains: [], blockedDomains: ['blocked.example'], internalDomains: ['contoso.com'] };

const adele: Person = { aadObjectId: sample.adele, name: 'Adele Vance', locale: 'en-US' };
const diego: Person = { aadObjectId: 'a1b2c3d4-0003-4000-8000-000000000003', name: 'Diego Siciliani', locale: 'es-ES' };

/**
 * One exchange: what the user types, then what each bot message must contain, in order (a
 * fragment, or several fragments of the same message).
 */
type Step = [input: string, ...expected: (string | string[])[]];

interface Conversation {
  name: string;
  as: Person;
  steps: Step[];
}

describe('request dialog', function () {
  let fixture: DirectoryFixture;
  let database: OpenDatabase;
  let requests: SqlRequestRepository;

  before(async () => {
    fixture = await startDirectoryFixture();
  });
  after(async () => fixture.close());

  beforeEach(async () => {
    database = await memoryDatabase();
    requests = requestRepository(database.db, { clock: () => today });
  });
  afterEach(async () => database.close());

  function newClient(
    catalog: ResourceCatalog = loadCatalog(SAMPLE_CATALOG_FILE),
    maxOpenRequests = 10,
    directory: Directory = fixture.directory,
  ): DialogTestClient {
    const dialog = new RequestAccessDialog({
      directory,
      tenantPolicy: fixture.tenantPolicy,
      catalog,
      requests,
      guestPolicy,
      tenantId: sample.tenantId,
      maxOpenRequests,
      timing,
      clock: () => today,
    });
    const state = new ConversationState(new DialogStateStorage(database.db));
    const routerDeps = {
      requests,
      catalog,
      localTestsAllowed: false,
      guestPolicy,
      maxOpenRequests,
      timing,
      clock: () => today,
      directory: fixture.directory,
      tenantPolicy: fixture.tenantPolicy,
    };
    return new DialogTestClient('msteams', new MainDialog(dialog, routerDeps), undefined, [], state);
  }

  /** Sends what the user types and returns every message the bot answered with (typing aside). */
  async function exchange(client: DialogTestClient, who: Person, text: string): Promise<{ messages: Partial<Activity>[]; typed: boolean }> {
    const activity: Partial<Activity> = {
      type: 'message',
      text,
      locale: who.locale,
      from: { id: `29:${who.name}`, name: who.name, aadObjectId: who.aadObjectId },
    };
    const replies: Partial<Activity>[] = [];
    let reply: Partial<Activity> | undefined = await client.sendActivity(activity);
    while (reply) {
      replies.push(reply);
      reply = client.getNextReply();
    }
    return { messages: replies.filter((r) => r.type === 'message'), typed: replies.some((r) => r.type === 'typing') };
  }

  async function play(conversation: Conversation, client = newClient()): Promise<DialogTestClient> {
    for (const [input, ...expected] of conversation.steps) {
      const { messages } = await exchange(client, conversation.as, input);
      const texts = messages.map(visibleText);
      assert.equal(texts.length, expected.length, `after “${input}” the bot said:\n${texts.join('\n---\n')}`);
      expected.forEach((fragments, i) => {
        for (const fragment of [fragments].flat()) {
          assert.ok(texts[i].includes(fragment), `after “${input}”, expected “${fragment}” in:\n${texts[i]}`);
        }
      });
    }
    return client;
  }

  /** Adele's first answers, up to the question a case is about. */
  const UP_TO_RESOURCES: Step[] = [
    ['request', "partner's email address"],
    ['partner@fabrikam.com', 'Which resources'],
  ];
  const UP_TO_SPONSOR: Step[] = [...UP_TO_RESOURCES, ['1', 'For how long'], ['ok', 'Why does'], ['Falcon launch, three months', 'Megan Bowen']];

  const EN_HAPPY_PATH: Step[] = [
    ['request', "What is the partner's email address?"],
    ['Partner@Fabrikam.com', 'Which resources does partner@fabrikam.com need?'],
    ['1, Contoso Expenses', ['For how long does partner@fabrikam.com need this access?', '**ok** for 90 days, until 28 Feb 2027']],
    ['ok', 'Why does partner@fabrikam.com need this access?'],
    ['Joint launch of Falcon in Q1, three months', "I'd ask your manager, **Megan Bowen** (megan.bowen@contoso.com)"],
    ['ok', ['Resources: Project Falcon team, Contoso Expenses', 'Until: 28 Feb 2027 (90 days)', 'Shall I send it to Megan Bowen for approval?']],
    ['yes', 'is waiting for Megan Bowen to approve it'],
  ];

  const ES_HAPPY_PATH: Step[] = [
    ['solicitar', '¿Cuál es la dirección de correo del socio?'],
    ['socio@fabrikam.com', '¿Qué recursos necesita socio@fabrikam.com?'],
    ['2', ['¿Durante cuánto tiempo necesita socio@fabrikam.com este acceso?', 'u **ok** para 30 días', 'como mucho 30 días seguidos']],
    ['45 días', 'Has pedido 45 días, pero lo que has elegido permite como mucho 30', '¿Por qué necesita socio@fabrikam.com este acceso?'],
    ['Revisión de contratos del primer trimestre', 'Se lo pediría a tu responsable, **Patti Fernandez**'],
    ['vale', ['Recursos: Partner extranet site', 'Hasta: 30 dic 2026 (30 días)', '¿Se la envío a Patti Fernandez para que la apruebe?']],
    ['sí', 'está esperando a que Patti Fernandez la apruebe'],
  ];

  const conversations: Conversation[] = [
    { name: 'the happy path, in English', as: adele, steps: EN_HAPPY_PATH },
    { name: 'the happy path, in Spanish', as: diego, steps: ES_HAPPY_PATH },
    {
      name: 'an invalid email address, then a good one',
      as: adele,
      steps: [
        ['request', "partner's email address"],
        ['jordan at fabrikam', "“jordan at fabrikam” doesn't look like an email address"],
        ['partner@fabrikam.com', 'Which resources'],
      ],
    },
    {
      name: 'an invalid email address, in Spanish',
      as: diego,
      steps: [
        ['solicitar', 'dirección de correo del socio'],
        ['socio arroba fabrikam', '«socio arroba fabrikam» no parece una dirección de correo'],
      ],
    },
    {
      name: "an address of the organization's own domain",
      as: adele,
      steps: [
        ['request', "partner's email address"],
        ['megan.bowen@contoso.com', 'is an address of your own organization (contoso\\[.\\]com)'],
      ],
    },
    {
      name: 'a blocked partner domain',
      as: adele,
      steps: [
        ['request', "partner's email address"],
        ['someone@blocked.example', "doesn't allow guests from blocked.example"],
      ],
    },
    {
      name: 'an existing guest is recognised, with the state of their invitation',
      as: adele,
      steps: [
        ['request', "partner's email address"],
        [sample.jordanMail, `${sample.jordanMail} (Jordan Lee (Fabrikam)) is already a guest here and has accepted`, 'Which resources'],
      ],
    },
    {
      name: 'a guest who has not accepted yet',
      as: adele,
      steps: [
        ['request', "partner's email address"],
        [sample.samMail, "hasn't accepted their invitation yet", 'Which resources'],
      ],
    },
    {
      name: 'an unknown resource, then a good answer',
      as: adele,
      steps: [
        ...UP_TO_RESOURCES,
        ['1, hovercraft, 9', "I couldn't find “hovercraft”, “9” in the list"],
        ['falcon-team', 'For how long does partner@fabrikam.com need this access?'],
      ],
    },
    {
      name: 'parts of names, as the prompt invites',
      as: adele,
      steps: [
        ...UP_TO_RESOURCES,
        ['falcon, EXPENSES', 'For how long'],
        ['ok', 'Why does'],
        ['Falcon launch, three months', 'Megan Bowen'],
        ['ok', 'Resources: Project Falcon team, Contoso Expenses'],
      ],
    },
    {
      name: 'a part of several names is asked about, with the candidates, in Spanish',
      as: diego,
      steps: [
        ['solicitar', 'dirección de correo del socio'],
        ['socio@fabrikam.com', '¿Qué recursos necesita'],
        [
          'p',
          [
            'Recursos que contienen «p»',
            '1. **Project Falcon team**',
            '2. **Partner extranet site**',
            '3. **Spring campaign 2027**',
            '4. **Contoso Expenses**',
          ],
        ],
      ],
    },
    {
      name: 'an access period as a number of days, after a past date and an unclear answer',
      as: adele,
      steps: [
        ...UP_TO_RESOURCES,
        ['1', 'For how long'],
        ['2026-11-01', 'That date has passed, or is today'],
        ['next spring', "I didn't understand that as a period"],
        ['14 days', 'Why does'],
        ['Falcon launch, two weeks of testing', 'Megan Bowen'],
        ['ok', 'Until: 14 Dec 2026 (14 days)'],
      ],
    },
    {
      name: 'an access period as an end date, month first in en-US',
      as: adele,
      steps: [
        ...UP_TO_RESOURCES,
        ['1', 'For how long'],
        ['1/15/2027', 'Why does'],
        ['Falcon launch, until mid January', 'Megan Bowen'],
        ['ok', 'Until: 15 Jan 2027 (46 days)'],
      ],
    },
    {
      name: 'help at the access period explains what happens at the end',
      as: adele,
      steps: [...UP_TO_RESOURCES, ['1', 'For how long'], ['help', 'on its end date I remove the guest', 'For how long']],
    },
    {
      name: 'a justification too short for the sponsor',
      as: adele,
      steps: [...UP_TO_RESOURCES, ['1', 'For how long'], ['ok', 'Why does'], ['because', 'at least 10 characters']],
    },
    {
      name: 'the requester as their own sponsor',
      as: adele,
      steps: [...UP_TO_SPONSOR, ['adele.vance@contoso.com', "You can't sponsor your own request"]],
    },
    {
      name: 'a sponsor who is not in the directory',
      as: adele,
      steps: [...UP_TO_SPONSOR, ['nobody@contoso.com', "I couldn't find “nobody@contoso.com” in the directory"]],
    },
    {
      name: 'a guest cannot sponsor',
      as: adele,
      steps: [...UP_TO_SPONSOR, [sample.jordanMail, 'is a guest, not a member of the organization']],
    },
    {
      name: 'another colleague as sponsor',
      as: adele,
      steps: [...UP_TO_SPONSOR, ['Nestor.Wilke@contoso.com', 'Sponsor: Nestor Wilke (nestor.wilke@contoso.com)'], ['no', "OK, I haven't sent anything"]],
    },
    {
      name: 'an unclear answer to the confirmation',
      as: adele,
      steps: [
        ...UP_TO_SPONSOR,
        ['ok', 'Shall I send it'],
        ['maybe later', 'Please reply **yes** to send the request, or **no** to drop it.'],
        ['yes', 'is waiting for Megan Bowen'],
      ],
    },
    {
      name: 'help at a step explains it and asks again',
      as: adele,
      steps: [
        ...UP_TO_RESOURCES,
        ['help', 'Pick what the partner should get from the numbered list', 'Which resources'],
        ['ayuda', 'Pick what the partner should get', 'Which resources'],
      ],
    },
    {
      name: 'help, cancel and unknown text outside a request',
      as: adele,
      steps: [
        ['help', "Here's what I can do"],
        ['cancel', "There's nothing to cancel"],
        ['what is this', "Sorry, I didn't understand “what is this”"],
      ],
    },
    {
      name: 'help and unknown text outside a request, in Spanish',
      as: diego,
      steps: [
        ['ayuda', 'Esto es lo que puedo hacer'],
        ['qué tal', 'Perdona, no he entendido «qué tal»'],
      ],
    },
  ];

  for (const conversation of conversations) {
    it(conversation.name, async () => {
      await play(conversation);
    });
  }

  it('files the request with its approval job when the requester says yes', async () => {
    await play({ name: 'happy path', as: adele, steps: EN_HAPPY_PATH });
    const row = await database.db.selectFrom('access_requests').selectAll().executeTakeFirstOrThrow();
    const request = await requests.get(row.id);
    assert.equal(request?.state, 'pending_approval');
    assert.equal(request?.guestEmail, 'partner@fabrikam.com');
    assert.deepEqual(request?.resourceIds, ['falcon-team', 'expenses-app']);
    assert.equal(request?.sponsor.id, sample.megan);
    assert.equal(request?.requester.id, sample.adele);
    assert.equal(request?.requesterLocale, 'en-US');
    assert.equal(request?.accessDays, 90);
    assert.equal(request?.endsAt, '2027-02-28T10:00:00.000Z');
    const jobs = await jobRows(database.db, row.id);
    assert.deepEqual(
      jobs.map((j) => [j.kind, j.run_at]),
      [
        ['deliverApprovalCard', today.toISOString()],
        // APPROVAL_REMINDER_HOURS (48) and APPROVAL_TIMEOUT_DAYS (7) after filing.
        ['remindApprover', '2026-12-02T10:00:00.000Z'],
        ['expireRequest', '2026-12-07T10:00:00.000Z'],
      ],
    );
  });

  it('files nothing when the requester says no', async () => {
    const steps = EN_HAPPY_PATH.slice(0, -1).concat([['no', "I haven't sent anything"]]);
    await play({ name: 'declined', as: adele, steps });
    assert.equal((await database.db.selectFrom('access_requests').selectAll().execute()).length, 0);
  });

  it('shows no typing when the directory answers at once', async () => {
    const fast = newClient();
    assert.equal((await exchange(fast, adele, 'request')).typed, false, 'no typing when the requester is found at once');
    assert.equal((await exchange(fast, adele, 'partner@fabrikam.com')).typed, false, 'no typing when the guest is checked at once');
  });

  it('shows typing while the directory is slow to answer, before the answer', async () => {
    // Every look-up answers a little after the indicator is due.
    const late = <T>(answer: Promise<T>) => new Promise<T>((done) => setTimeout(() => done(answer), TYPING_AFTER_MS + 100));
    const slowDirectory: Directory = Object.create(fixture.directory, {
      getUser: { value: (id: string) => late(fixture.directory.getUser(id)) },
      findUserByAddress: { value: (address: string) => late(fixture.directory.findUserByAddress(address)) },
      getManager: { value: (id: string) => late(fixture.directory.getManager(id)) },
    }) as Directory;
    const slow = newClient(undefined, undefined, slowDirectory);
    assert.equal((await exchange(slow, adele, 'request')).typed, true, 'typing while it looks the requester up');
    assert.equal((await exchange(slow, adele, 'partner@fabrikam.com')).typed, true, 'typing while it checks the guest');
    assert.equal((await exchange(slow, adele, '1')).typed, false, 'no typing when nothing is looked up');
    assert.equal((await exchange(slow, adele, 'ok')).typed, false, 'no typing when nothing is looked up');
    const sponsorQuestion = await exchange(slow, adele, 'Falcon launch, three months');
    assert.equal(sponsorQuestion.typed, true, 'typing while it looks the manager up');
    assert.ok(visibleText(sponsorQuestion.messages[0]).includes('Megan Bowen'), 'the question is asked once the manager is found');
  });

  it('offers the proposed sponsor and yes/no as card buttons that send what typing would, while typed text keeps working', async () => {
    const client = newClient();
    for (const [input] of EN_HAPPY_PATH.slice(0, 4)) await exchange(client, adele, input);
    const sponsorQuestion = (await exchange(client, adele, EN_HAPPY_PATH[4][0])).messages[0];
    assert.deepEqual(buttonCommands(sponsorQuestion), ['OK']);
    const summary = (await exchange(client, adele, 'ok')).messages[0];
    assert.deepEqual(buttonCommands(summary), ['Yes', 'No']);
    // A card, not text with markdown next to buttons: the facts are fact set rows.
    assert.equal(summary.text, undefined);
    assert.match(JSON.stringify(summary.attachments), /"type":"FactSet"/);
  });

  it('checks the sponsor against the requester who began the request, whoever answers the question', async () => {
    const client = newClient();
    for (const [input] of UP_TO_SPONSOR) await exchange(client, adele, input);
    const megan: Person = { aadObjectId: sample.megan, name: 'Megan Bowen', locale: 'en-US' };
    const { messages } = await exchange(client, megan, 'adele.vance@contoso.com');
    assert.match(messages[0]?.text ?? '', /You can't sponsor your own request/);
  });

  it('files no more than the open-request limit, naming the requests that wait, in either language', async () => {
    const client = newClient(undefined, 2);
    await play({ name: 'first', as: adele, steps: EN_HAPPY_PATH }, client);
    await play({ name: 'second', as: adele, steps: EN_HAPPY_PATH }, client);
    const ids = (await requests.awaitingDecisionFiledBy(sample.adele)).map((r) => r.id);
    await play(
      {
        name: 'third',
        as: adele,
        steps: [['request', `You already have 2 requests waiting for a sponsor's decision (${ids.join(', ')}), as many as one person can have open.`]],
      },
      client,
    );
    await play(
      {
        name: 'tercera',
        as: { ...adele, locale: 'es-ES' },
        steps: [['solicitar', `Ya tienes 2 solicitudes esperando la decisión de un patrocinador (${ids.join(', ')})`]],
      },
      client,
    );
    assert.equal((await database.db.selectFrom('access_requests').selectAll().execute()).length, 2);
  });

  it('refuses someone the directory does not know', async () => {
    await play({
      name: 'stranger',
      as: { aadObjectId: '00000000-0000-4000-8000-00000000dead', name: 'Stranger', locale: 'en-US' },
      steps: [['request', "I couldn't find you in your organization's directory"]],
    });
  });

  describe('a catalog too long for one message', () => {
    // 120 teams with long descriptions: all at once, the question would exceed Teams' 28 KB.
    const longCatalog: ResourceCatalog = {
      resources: Array.from({ length: 120 }, (_, i): Resource => ({
        id: `team-${i + 1}`,
        name: i === 41 ? 'Proyecto Ibérico' : `Project ${i + 1} team`,
        kind: 'team',
        groupId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        description: `Channels, files and meetings of project ${i + 1}. `.repeat(20),
      })),
    };

    it('shows a page at a time, each well under the message size, and “more” turns the pages', async () => {
      const client = newClient(longCatalog);
      await exchange(client, adele, 'request');
      const first = (await exchange(client, adele, 'partner@fabrikam.com')).messages[0].text ?? '';
      assert.ok(Buffer.byteLength(first) < 8_000, `${Buffer.byteLength(first)} bytes`);
      assert.match(first, /^1\. \*\*Project 1 team\*\*/m);
      assert.match(first, /^15\. \*\*Project 15 team\*\*/m);
      assert.doesNotMatch(first, /^16\. /m);
      assert.match(first, /That was 1 to 15 of 120\. Type \*\*more\*\* to see the next ones, or part of a name to search\./);
      const second = (await exchange(client, adele, 'more')).messages[0].text ?? '';
      assert.match(second, /^16\. \*\*Project 16 team\*\*/m);
      assert.match(second, /That was 16 to 30 of 120\./);
      for (let page = 3; page <= 7; page++) await exchange(client, adele, 'más');
      const last = (await exchange(client, adele, 'more')).messages.at(-1)?.text ?? '';
      assert.match(last, /That was 106 to 120 of 120\. Type \*\*more\*\* to start again from the top/);
      assert.match((await exchange(client, adele, 'next')).messages[0].text ?? '', /That was 1 to 15 of 120\./);
    });

    it('takes a part of a name that names one resource, accents and case aside, and lists the candidates of one that names several', async () => {
      await play(
        {
          name: 'search',
          as: adele,
          steps: [
            ['request', "partner's email address"],
            ['partner@fabrikam.com', 'Which resources'],
            ['project 11', ['Resources matching “project 11”:', '11. **Project 11 team**', '110. **Project 110 team**', 'Reply with the numbers you want']],
            ['meetings of project 7.', ['Resources matching “meetings of project 7.”:', '7. **Project 7 team**']],
            ['iberico, 110', 'For how long does partner@fabrikam.com need this access?'],
          ],
        },
        newClient(longCatalog),
      );
    });

    it('says so in Spanish when nothing matches', async () => {
      await play(
        {
          name: 'no match',
          as: diego,
          steps: [
            ['solicitar', 'dirección de correo del socio'],
            ['socio@fabrikam.com', '¿Qué recursos'],
            ['hovercraft', 'No encuentro “hovercraft” en la lista'],
          ],
        },
        newClient(longCatalog),
      );
    });
  });

  describe('an answer longer than its question takes', () => {
    const overLong: Conversation[] = [
      {
        name: 'an address longer than any address can be, then a good one',
        as: adele,
        steps: [
          ['request', "partner's email address"],
          [`${'a'.repeat(245)}@fabrikam.com`, "That's longer than an email address can be (at most 254 characters)"],
          ['partner@fabrikam.com', 'Which resources'],
        ],
      },
      {
        name: 'an address longer than any address can be, in Spanish',
        as: diego,
        steps: [
          ['solicitar', 'dirección de correo del socio'],
          [`${'a'.repeat(245)}@fabrikam.com`, 'Eso es más largo de lo que puede ser una dirección de correo (como mucho 254 caracteres)'],
        ],
      },
      {
        name: 'a list of resources longer than the question takes, then a short one',
        as: adele,
        steps: [
          ...UP_TO_RESOURCES,
          [
            Array.from({ length: 400 }, (_, i) => String((i % 4) + 1)).join(', '),
            "That's too long for a list of resources: I take at most 1000 characters here.",
          ],
          ['1', 'For how long'],
        ],
      },
      {
        name: 'more resources than one request may ask for, in both languages',
        as: adele,
        steps: [
          ...UP_TO_RESOURCES,
          [Array.from({ length: 26 }, (_, i) => String(i + 1)).join(', '), "That's 26 resources, and one request can ask for at most 25."],
          [
            Array.from({ length: 26 }, (_, i) => String(i + 1))
              .join(', ')
              .replace('1, ', 'solicitar, '),
            "That's 26 resources",
          ],
          ['1', 'For how long'],
        ],
      },
      {
        name: 'more resources than one request may ask for, in Spanish',
        as: diego,
        steps: [
          ['solicitar', 'dirección de correo del socio'],
          ['socio@fabrikam.com', '¿Qué recursos'],
          [Array.from({ length: 30 }, (_, i) => `recurso ${i + 1}`).join('; '), 'Son 30 recursos, y una solicitud puede pedir como mucho 25.'],
        ],
      },
      {
        name: 'an access period longer than any period, then a good one',
        as: adele,
        steps: [
          ...UP_TO_RESOURCES,
          ['1', 'For how long'],
          [`30 days${' please'.repeat(14)}`, "That's longer than any period I understand (at most 100 characters). Reply with a number of days (**30**)"],
          ['30', 'Why does'],
        ],
      },
      {
        name: 'a sponsor longer than any address or user name, then the proposed one',
        as: adele,
        steps: [
          ...UP_TO_SPONSOR,
          [`${'m'.repeat(243)}@contoso.com`, "That's longer than an email address or user name can be (at most 254 characters)"],
          ['ok', 'Shall I send it to Megan Bowen'],
        ],
      },
    ];
    for (const conversation of overLong) {
      it(conversation.name, async () => {
        await play(conversation);
      });
    }

    it('lists the candidates of three parts that name several resources, and says how many more there were', async () => {
      const longCatalog: ResourceCatalog = {
        resources: Array.from({ length: 120 }, (_, i): Resource => ({
          id: `team-${i + 1}`,
          name: `Project ${i + 1} team`,
          kind: 'team',
          groupId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        })),
      };
      const client = await play({ name: 'up to resources', as: adele, steps: UP_TO_RESOURCES }, newClient(longCatalog));
      const [reply, ...more] = (await exchange(client, adele, 'project 1, project 2, project 3, project 4, project 5')).messages.map(visibleText);
      assert.equal(more.length, 0);
      for (const part of ['project 1', 'project 2', 'project 3']) assert.ok(reply.includes(`Resources matching “${part}”:`), reply);
      assert.ok(!reply.includes('“project 4”') && !reply.includes('“project 5”'), reply);
      assert.match(reply, /2 more parts of your answer name several resources too: reply with numbers for those as well\.$/);
    });
  });

  describe('what one message costs, against a large catalog', () => {
    const catalogOf = (size: number): ResourceCatalog => ({
      resources: Array.from({ length: size }, (_, i): Resource => ({
        id: `team-${i + 1}`,
        name: `Project ${i + 1} team`,
        kind: 'team',
        groupId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
        description: `Channels, files and meetings of project ${i + 1}.`,
      })),
    });
    const thousand = catalogOf(1000);
    /** About the most a Teams message holds: numbers, names, parts of names and unknown words, over and over. */
    const parts = ['Project 7 team', '12', 'proj', 'nothing here', 'team-500'];
    let teamsMaximum = '';
    for (let i = 0; teamsMaximum.length < 28 * 1024; i++) teamsMaximum += `${parts[i % parts.length]}, `;
    const CPU_BOUND_MS = 50;

    /**
     * The CPU time the turn answering `text` takes, the least of three: a busy machine adds time,
     * it never takes any away. The question must stay open, so every try answers the same one.
     */
    async function leastTurnCpuMs(client: DialogTestClient, text: string): Promise<{ ms: number; reply: string }> {
      let least = Number.POSITIVE_INFINITY;
      let reply = '';
      for (let i = 0; i < 3; i++) {
        const before = process.cpuUsage();
        const { messages } = await exchange(client, adele, text);
        const used = process.cpuUsage(before);
        least = Math.min(least, (used.user + used.system) / 1000);
        reply = messages.map(visibleText).join('\n');
      }
      return { ms: least, reply };
    }

    it(`answers a 28 KB list of resources within ${CPU_BOUND_MS} ms of CPU, saying how long a list may be`, async () => {
      const client = await play({ name: 'up to resources', as: adele, steps: UP_TO_RESOURCES }, newClient(thousand));
      const { ms, reply } = await leastTurnCpuMs(client, teamsMaximum);
      assert.ok(ms <= CPU_BOUND_MS, `${ms.toFixed(1)} ms of CPU`);
      assert.match(reply, /^That's too long for a list of resources: I take at most 1000 characters here\./);
    });

    // Ten times the catalog too: without an index, matching alone took twice the bound there.
    for (const size of [1000, 10_000]) {
      it(`matches the longest list the question takes (25 parts, none a number, id or name) within ${CPU_BOUND_MS} ms of CPU, ${size} resources`, async () => {
        const client = await play({ name: 'up to resources', as: adele, steps: UP_TO_RESOURCES }, newClient(size === 1000 ? thousand : catalogOf(size)));
        // Each part a piece of many names (no shortcut through the index), and one that names nothing.
        const pieces = Array.from({ length: 24 }, (_, i) => `roject ${i + 1}`).join(', ');
        const answer = `${pieces}, ${'x'.repeat(1000 - pieces.length - 2)}`;
        assert.equal(answer.length, 1000);
        const { ms, reply } = await leastTurnCpuMs(client, answer);
        assert.ok(ms <= CPU_BOUND_MS, `${ms.toFixed(1)} ms of CPU`);
        assert.match(reply, /Resources matching “roject 1”/);
        assert.match(reply, /21 more parts of your answer name several resources too/);
      });
    }

    const questions: Array<[string, Step[], RegExp]> = [
      ['no question (the router)', [], /^Sorry, I didn't understand “Project 7 team, 12, proj/],
      ['the guest email', [['request', "partner's email address"]], /^That's longer than an email address can be/],
      ['the access period', [...UP_TO_RESOURCES, ['1', 'For how long']], /^That's longer than any period I understand/],
      ['the justification', [...UP_TO_RESOURCES, ['1', 'For how long'], ['ok', 'Why does']], /^That's a bit long for the approval card/],
      ['the sponsor', UP_TO_SPONSOR, /^That's longer than an email address or user name can be/],
      ['the confirmation', [...UP_TO_SPONSOR, ['ok', 'Shall I send it']], /^Please reply \*\*yes\*\* to send the request/],
    ];
    for (const [question, steps, answer] of questions) {
      it(`answers 28 KB typed at ${question} within ${CPU_BOUND_MS} ms of CPU, and the question stays open`, async () => {
        const client = await play({ name: question, as: adele, steps }, newClient(thousand));
        const { ms, reply } = await leastTurnCpuMs(client, teamsMaximum);
        assert.ok(ms <= CPU_BOUND_MS, `${ms.toFixed(1)} ms of CPU`);
        assert.match(reply, answer);
      });
    }
  });

  describe('cancel works at every step', () => {
    const languages = [
      { as: adele, path: EN_HAPPY_PATH, cancel: 'cancel', reply: 'Cancelled: nothing was sent.' },
      { as: diego, path: ES_HAPPY_PATH, cancel: 'cancelar', reply: 'Cancelado: no se ha enviado nada.' },
    ];
    for (const { as, path, cancel, reply } of languages) {
      // Steps 1..5 each leave a question pending: the email, resources, justification, sponsor, confirmation.
      for (let answered = 1; answered <= 5; answered++) {
        it(`“${cancel}” after ${answered} answer(s) (${as.locale})`, async () => {
          const steps: Step[] = [...path.slice(0, answered), [cancel, reply], ['hello again', as === adele ? 'Sorry' : 'Perdona']];
          await play({ name: 'cancel', as, steps });
          assert.equal((await database.db.selectFrom('access_requests').selectAll().execute()).length, 0);
        });
      }
    }
  });
});
