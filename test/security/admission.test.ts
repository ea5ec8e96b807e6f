/**
 * Who gets in, over HTTP as Teams or a local tool would call: only this machine when the bot runs
 * unauthenticated, only our tenant, only personal chats; and bodies that are no activity get 400.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { TENANT_ID } from '../support/fakeTeamsChannel';
import { fileRequest, users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const OTHER_TENANT = '0badf00d-0000-4000-8000-000000000bad';

/** A POST with the Host header a browser would send for a page at `host` (fetch will not set it). */
function postWithHost(url: string, host: string | undefined, body: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = host === undefined ? { 'content-type': contentType } : { host, 'content-type': contentType };
    const req = httpRequest(url, { method: 'POST', headers, setHost: host !== undefined }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('who the bot serves', function () {
  const bot = withTestBot();

  const storedRows = async () => ({
    requests: await bot.app.database.db.selectFrom('access_requests').selectAll().execute(),
    references: await bot.app.database.db.selectFrom('conversation_references').selectAll().execute(),
    dialogs: await bot.app.database.db.selectFrom('dialog_state').selectAll().execute(),
  });

  describe('when unauthenticated', () => {
    it('answers 403 to a request addressed to any name but a loopback one (DNS rebinding)', async () => {
      const messages = `${bot.app.url}/api/messages`;
      for (const host of ['evil.example', 'evil.example:3978', '127.0.0.1.nip.io', '10.0.0.5:3978']) {
        const { status, body } = await postWithHost(messages, host, '{}');
        assert.equal(status, 403, host);
        assert.match(body, /answers only requests addressed to 127\.0\.0\.1, localhost or \[::1\]/);
      }
      // Without a Host header at all, Node's HTTP server answers 400 before the bot sees anything.
      assert.equal((await postWithHost(messages, undefined, '{}')).status, 400);
      const redeemPage = await postWithHost(`${bot.app.url}/simulator/graph/v1.0/invitations`, 'attacker.example', '{}');
      assert.equal(redeemPage.status, 403, 'the simulator too');
      for (const host of ['127.0.0.1', `127.0.0.1:${bot.app.port}`, `localhost:${bot.app.port}`, `LOCALHOST`, `[::1]:${bot.app.port}`]) {
        assert.equal((await postWithHost(messages, host, '{}')).status, 400, `${host} gets through to the activity check`);
      }
    });

    it('refuses a form or text post, which a web page could send cross-site, before reading it', async () => {
      const form = 'type=message&text=request&channelId=msteams&from[id]=x&conversation[id]=c&recipient[id]=b&serviceUrl=http://127.0.0.1:1/';
      const { status, body } = await postWithHost(`${bot.app.url}/api/messages`, '127.0.0.1', form, 'application/x-www-form-urlencoded');
      assert.equal(status, 415);
      assert.match(body, /must be posted as application\/json/);
      assert.equal((await postWithHost(`${bot.app.url}/api/messages`, '127.0.0.1', '{"type":"message"}', 'text/plain')).status, 415);
    });
  });

  it('answers a body without the fields of an activity with 400 and a short reason, never 500', async () => {
    const valid = {
      type: 'message',
      text: 'help',
      channelId: 'msteams',
      serviceUrl: bot.channel.url,
      from: { id: '29:x' },
      recipient: { id: '28:bot' },
      conversation: { id: 'a:1' },
    };
    const cases: [unknown, RegExp][] = [
      [{}, /activity\.type/],
      [{ ...valid, type: undefined }, /activity\.type/],
      [{ ...valid, from: undefined }, /activity\.from/],
      [{ ...valid, conversation: undefined }, /activity\.conversation/],
      [{ ...valid, serviceUrl: undefined }, /activity\.serviceUrl/],
      [{ ...valid, serviceUrl: 'not a url' }, /activity\.serviceUrl/],
      [{ ...valid, from: { id: 42 } }, /activity\.from\.id/],
      [{ ...valid, text: { evil: true } }, /activity\.text/],
      [{ ...valid, entities: [{ mentioned: {} }] }, /activity\.entities\.0\.type/],
      [{ ...valid, entities: [{ type: 'mention', text: '<at>Bot</at>' }] }, /activity\.entities\.0\.mentioned: a mention/],
      [{ ...valid, id: true }, /activity\.id/],
      [{ ...valid, id: '\ud800' }, /activity\.id: must be printable ASCII/],
      [{ ...valid, conversation: { id: 'a:é' } }, /activity\.conversation\.id: must be printable ASCII/],
      [{ ...valid, conversation: { id: '   ' } }, /activity\.conversation\.id: must not be blank/],
      [null, /the body/],
      ['a string', /the body/],
    ];
    for (const [body, reason] of cases) {
      const response = await fetch(`${bot.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = (await response.json()) as { error: { code: string; message: string } };
      assert.equal(answer.error.code, 'BadRequest');
      assert.match(answer.error.message, reason);
    }
    assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);
  });

  // Each of these was found by the fuzz test (fuzz.test.ts) and once failed a turn or the process.
  it('refuses a compressed body, which would otherwise throw out of the process', async () => {
    const response = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: '{"not":"gzip"}',
    });
    assert.equal(response.status, 415);
    assert.match(((await response.json()) as { error: { message: string } }).error.message, /without Content-Encoding/);
    assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);
  });

  it('answers an invoke it does not offer with 400, not the SDK’s 501', async () => {
    for (const [activity, code] of [
      [{ type: 'invoke', name: 'task/fetch', value: {} }, 'NotSupported'],
      [{ type: 'invoke', value: {} }, 'NotSupported'],
      [{ type: 'invoke', name: 'adaptiveCard/action', value: 'approve' }, 'BadRequest'],
    ] as const) {
      const response = await bot.teams.post(users.adele, activity);
      assert.equal(response.status, 400, JSON.stringify(activity));
      assert.equal(((await response.json()) as { value: { code: string } }).value.code, code);
    }
  });

  it('reads a locale that is not a string as English instead of failing the turn', async () => {
    const response = await bot.teams.post(
      users.adele,
      { type: 'message', text: 'help', locale: undefined, entities: [{ type: 'clientInfo', locale: 5 }] },
      'a:odd-locale',
    );
    assert.equal(response.status, 200);
    assert.match(bot.channel.messagesTo('a:odd-locale').at(-1)?.text ?? '', /request/i);
  });

  it('refuses another tenant in a short sentence, in the person’s language, storing nothing', async () => {
    const before = await storedRows();
    const foreign = (user: typeof users.diego, text: string) =>
      bot.teams.post(user, {
        type: 'message',
        text,
        channelData: { tenant: { id: OTHER_TENANT } },
        conversation: { id: `a:foreign-${user.id}`, conversationType: 'personal', tenantId: OTHER_TENANT, isGroup: false, name: '' },
      });
    assert.equal((await foreign(users.diego, 'solicitar')).status, 200);
    assert.equal((await foreign(users.adele, 'request')).status, 200);
    assert.deepEqual(
      bot.channel.messagesTo('a:foreign-29:diego').map((m) => m.text),
      ['Lo siento, solo atiendo a las personas de la organización para la que me configuraron, así que aquí no puedo ayudarte.'],
    );
    assert.deepEqual(
      bot.channel.messagesTo('a:foreign-29:adele').map((m) => m.text),
      ["Sorry, I only work for the people of the organization I was set up for, so I can't help you here."],
    );
    assert.deepEqual(await storedRows(), before);
  });

  it('refuses an activity whose conversation names another tenant, even with ours in channelData', async () => {
    await bot.teams.post(users.adele, {
      type: 'message',
      text: 'request',
      conversation: { id: 'a:mixed', conversationType: 'personal', tenantId: OTHER_TENANT, isGroup: false, name: '' },
    });
    assert.match(bot.channel.messagesTo('a:mixed')[0]?.text ?? '', /^Sorry, I only work for the people of the organization/);
  });

  it('does not let another tenant’s click decide, or see, a request', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const response = await bot.teams.post(
      users.megan,
      {
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'approve', data: { requestId: request.id } } },
        channelData: { tenant: { id: OTHER_TENANT } },
      },
      cardConversationId,
    );
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      statusCode: 200,
      type: 'application/vnd.microsoft.activity.message',
      value: "Sorry, I only work for the people of the organization I was set up for, so I can't help you here.",
    });
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });

  it('answers in a group chat or a channel only that it works in a personal chat, and does nothing else', async () => {
    const before = await storedRows();
    for (const [conversation, user, expected] of [
      [
        { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID, name: '' },
        users.adele,
        /^I only work in a personal chat/,
      ],
      [
        { id: '19:channel@thread.tacv2', conversationType: 'channel', isGroup: true, tenantId: TENANT_ID, name: '' },
        users.diego,
        /^Solo funciono en un chat personal/,
      ],
    ] as const) {
      await bot.teams.post(user, { type: 'message', text: 'request', conversation }, conversation.id);
      await bot.teams.post(user, { type: 'message', text: 'megan.bowen@contoso.com', conversation }, conversation.id);
      const replies = bot.channel.messagesTo(conversation.id).map((m) => m.text ?? '');
      assert.equal(replies.length, 2, replies.join(' | '));
      for (const reply of replies) assert.match(reply, expected);
    }
    // Added to a group chat: one answer, then nothing more.
    await bot.teams.post(
      users.adele,
      {
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:guest-access-bot', name: 'Guest Access' }],
        conversation: { id: '19:new@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID, name: '' },
      },
      '19:new@thread.v2',
    );
    assert.equal(bot.channel.messagesTo('19:new@thread.v2').length, 1);
    assert.deepEqual(await storedRows(), before, 'no dialog state, no reference, no request');
  });

  it('stores a conversation reference only under an Entra object id', async () => {
    // Web Chat lets a caller set from.id to anything, such as a sponsor's object id.
    await bot.teams.post({ id: users.megan.aadObjectId, name: 'Not Megan' }, { type: 'message', text: 'help', channelId: 'webchat' }, 'a:webchat-1');
    const stored = await bot.app.database.db.selectFrom('conversation_references').select(['conversation_id', 'user_id']).execute();
    // Unauthenticated on the simulator, a caller without an Entra id is the simulated default user, Adele.
    assert.deepEqual(stored, [{ conversation_id: 'a:webchat-1', user_id: users.adele.aadObjectId }]);
  });
});
