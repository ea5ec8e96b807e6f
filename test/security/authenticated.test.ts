/**
 * The bot as it runs for a real tenant (MicrosoftAppId set), over HTTP with real token
 * validation: only callers with a channel token for this bot get in, only Teams activities of our
 * tenant are served, the simulator is not served at all, and the whole flow still works.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import sinon from 'sinon';
import { APP_ID, type AuthenticatedTestBot, startAuthenticatedTestBot } from '../support/authenticatedTestBot';
import { OUTBOUND_TOKEN } from '../support/botFrameworkLogin';
import { TeamsClient } from '../support/fakeTeamsChannel';
import { fileRequest, users } from '../support/testBot';

describe('an authenticated bot', function () {
  let bot: AuthenticatedTestBot;
  beforeEach(async () => {
    bot = await startAuthenticatedTestBot();
  });
  afterEach(async () => bot.close());

  const adeleChat = () => bot.teams.conversationOf(users.adele);
  const stored = async () => ({
    references: await bot.app.database.db.selectFrom('conversation_references').select(['conversation_id', 'user_id']).execute(),
    dialogs: (await bot.app.database.db.selectFrom('dialog_state').selectAll().execute()).length,
    requests: (await bot.app.database.db.selectFrom('access_requests').selectAll().execute()).length,
  });
  /** A client that signs what it posts its own way. */
  const signedBy = (authorize: (serviceUrl: string) => string | undefined) =>
    new TeamsClient(bot.app.url, bot.channel, (activity) => authorize(activity.serviceUrl ?? ''));

  it('answers 401 to an activity without a valid channel token, and reads nothing', async () => {
    const before = await stored();
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const attempts: [string, TeamsClient][] = [
      ['no token', signedBy(() => undefined)],
      ['not a token', signedBy(() => 'Bearer not-a-jwt')],
      ['for another bot', signedBy((serviceurl) => `Bearer ${bot.login.mint({ aud: 'another-bot-app-id', serviceurl })}`)],
      ['for another serviceUrl', signedBy(() => `Bearer ${bot.login.mint({ aud: APP_ID, serviceurl: 'https://smba.trafficmanager.net/amer/' })}`)],
      ['from another issuer', signedBy((serviceurl) => `Bearer ${bot.login.mint({ aud: APP_ID, serviceurl, iss: 'https://sts.windows.net/evil/' })}`)],
      ['expired', signedBy((serviceurl) => `Bearer ${bot.login.mint({ aud: APP_ID, serviceurl, exp: Math.floor(Date.now() / 1000) - 3600 })}`)],
      ['signed with another key', signedBy((serviceurl) => `Bearer ${bot.login.mint({ aud: APP_ID, serviceurl }, otherKey)}`)],
    ];
    // The SDK prints every rejected token to stderr; keep the test's output readable.
    const printed = sinon.stub(console, 'error');
    try {
      for (const [what, client] of attempts) {
        const response = await client.say(users.adele, 'request');
        assert.equal(response.status, 401, what);
      }
    } finally {
      printed.restore();
    }
    assert.deepEqual(bot.channel.sent, [], 'no reply to anyone');
    assert.deepEqual(await stored(), before);
  });

  it('serves a Teams user of our tenant with a valid token, and calls Teams with its own token', async () => {
    await bot.teams.install(users.adele);
    assert.equal((await bot.teams.say(users.adele, 'request')).status, 200);
    assert.match(bot.channel.messagesTo(adeleChat()).at(-1)?.text ?? '', /^What is the partner's email address\?/);
    assert.ok(bot.channel.authorizations.length > 0);
    assert.ok(
      bot.channel.authorizations.every((header) => header === `Bearer ${OUTBOUND_TOKEN}`),
      JSON.stringify(bot.channel.authorizations),
    );
  });

  it('refuses Web Chat and Direct Line, where a caller picks their own from.id, even with a valid token', async () => {
    for (const channelId of ['webchat', 'directline']) {
      const conversationId = `a:${channelId}-1`;
      // Posing as the sponsor, whose object id is on every card's refresh.userIds.
      const response = await bot.teams.post(
        { id: users.megan.aadObjectId, name: 'Megan Bowen', aadObjectId: users.megan.aadObjectId },
        { type: 'message', text: 'request', channelId },
        conversationId,
      );
      assert.equal(response.status, 200, channelId);
      assert.deepEqual(
        bot.channel.messagesTo(conversationId).map((m) => m.text),
        ['Sorry, I only work in Microsoft Teams. Open Guest Access in Teams to ask for guest access.'],
      );
    }
    assert.deepEqual(await stored(), { references: [], dialogs: 0, requests: 0 });
  });

  it('refuses a Teams activity that names no tenant', async () => {
    await bot.teams.post(
      users.diego,
      { type: 'message', text: 'solicitar', channelData: {}, conversation: { id: 'a:no-tenant', conversationType: 'personal', isGroup: false, name: '' } },
      'a:no-tenant',
    );
    assert.deepEqual(
      bot.channel.messagesTo('a:no-tenant').map((m) => m.text),
      ['Lo siento, solo atiendo a las personas de la organización para la que me configuraron, así que aquí no puedo ayudarte.'],
    );
    assert.deepEqual(await stored(), { references: [], dialogs: 0, requests: 0 });
  });

  it('stores where to reach someone only under their Entra object id, never under a Teams id', async () => {
    await bot.teams.install({ id: '29:no-entra-id', name: 'Nobody' });
    await bot.teams.install(users.adele);
    assert.deepEqual((await stored()).references, [{ conversation_id: adeleChat(), user_id: users.adele.aadObjectId }]);
  });

  it('does not serve the directory simulator: Graph is another service', async () => {
    for (const path of ['/simulator/graph/v1.0/users', '/simulator/redeem/anything']) {
      assert.equal((await fetch(`${bot.app.url}${path}`)).status, 404, path);
    }
  });

  it('takes a request from card to redeem link, with Graph at its own address', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const { status, body } = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    assert.equal(status, 200);
    assert.match(JSON.stringify(body.value), /Approved by Megan Bowen/);
    const notice = await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat()).find((m) => m.text?.includes('is invited')), 'the redeem link');
    assert.match(notice.text ?? '', new RegExp(`${bot.graph.graphBaseUrl.replace('/graph', '')}/redeem/`));
    const invitations = bot.graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
    assert.equal(invitations.length, 1);
  });
});
