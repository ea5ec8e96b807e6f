/**
 * Someone who never opened the bot's Teams app: Teams refuses the bot a chat with them (403
 * BotNotInConversationRoster), so the bot installs its app for them through Graph and opens the
 * chat again. Through the real bot, the fake Teams channel and the directory simulator, whose
 * sample directory has one such person, Nestor.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import type { RecordedRequest } from '../../src/simulator';
import { type AuthenticatedTestBot, startAuthenticatedTestBot } from '../support/authenticatedTestBot';
import { directoryFileWith } from '../support/directoryFile';
import { nestor } from '../support/ownerCatalog';
import { fileRequest, type TestBot, users, waitForState } from '../support/testBot';
import { requestDraft } from '../support/requestDraft';
import { eventually } from '../support/eventually';
import { withTestBot } from '../support/testBotSession';

const lidia = { id: 'a1b2c3d4-0006-4000-8000-000000000006', displayName: 'Lidia Holloway', address: 'lidia.holloway@contoso.com' };
const nestorAsSponsor = { id: nestor.aadObjectId as string, displayName: 'Nestor Wilke', address: 'nestor.wilke@contoso.com' };

const installs = (bot: TestBot): RecordedRequest[] =>
  (bot.app.simulator?.requests ?? []).filter((r) => r.method === 'POST' && /\/users\/[^/]+\/teamwork\/installedApps$/.test(r.path));
const catalogLookUps = (bot: TestBot): RecordedRequest[] =>
  (bot.app.simulator?.requests ?? []).filter((r) => r.method === 'GET' && r.path.endsWith('/appCatalogs/teamsApps'));

describe('a sponsor who never opened the bot', function () {
  describe('in a tenant that lets the bot install its app', () => {
    const bot = withTestBot();

    it('gets the card in their own chat after one install, and the request goes all the way', async () => {
      assert.equal(bot.app.simulator?.hasTeamsApp(nestorAsSponsor.id), false, 'the sample directory has Nestor without the app');
      const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000, { sponsor: nestorAsSponsor });

      assert.notEqual(cardConversationId, bot.teams.conversationOf(users.adele));
      assert.equal(request.approvalCard?.localTest, false);
      const opened = bot.channel.createdConversations.find((c) => c.id === cardConversationId);
      assert.equal(opened?.parameters.members?.[0]?.id, nestorAsSponsor.id);
      const [install] = installs(bot);
      assert.equal(installs(bot).length, 1);
      assert.equal(install.status, 201);
      assert.match(
        (install.body as Record<string, string>)['teamsApp@odata.bind'],
        /^http:\/\/127\.0\.0\.1:\d+\/simulator\/graph\/v1\.0\/appCatalogs\/teamsApps\/[0-9a-f-]{36}$/,
      );
      assert.equal(install.path, `/simulator/graph/v1.0/users/${nestorAsSponsor.id}/teamwork/installedApps`);
      assert.equal(bot.app.simulator?.hasTeamsApp(nestorAsSponsor.id), true);

      await bot.teams.click(nestor, cardConversationId, 'approve', { requestId: request.id });
      await waitForState(bot, request.id, 'invited');
    });

    it('treats Graph’s 409 (installed already) as installed, and opens the chat again', async () => {
      // Megan has the app, yet Teams refuses her chat until the bot has asked for an install.
      bot.channel.hasApp = (entraId) => entraId !== users.megan.aadObjectId || installs(bot).length > 0;
      const { cardConversationId } = await fileRequest(bot);
      assert.notEqual(cardConversationId, bot.teams.conversationOf(users.adele));
      assert.deepEqual(
        installs(bot).map((r) => r.status),
        [409],
      );
    });
  });

  describe('when Teams still refuses the chat after the install', () => {
    const bot = withTestBot();

    it('waits and tries again when Teams still refuses right after a fresh install (that takes a moment); the local-test fallback is kept for an app installed before (test/approvals/approval.test.ts)', async () => {
      // Teams refuses Nestor's chat whatever Graph says: a fresh install is given time, not taken for a refusal.
      bot.channel.hasApp = (entraId) => entraId !== nestorAsSponsor.id;
      await bot.teams.install(users.adele);
      const draft = requestDraft({ sponsor: nestorAsSponsor, requesterConversationId: bot.teams.conversationOf(users.adele) });
      const request = await bot.requests.create({ ...draft, endsAt: '2027-03-01T00:00:00.000Z' }, { kind: 'user', ...draft.requester });
      const retried = await eventually(async () => {
        const [job] = await bot.app.database.db
          .selectFrom('jobs')
          .selectAll()
          .where('request_id', '=', request.id)
          .where('kind', '=', 'deliverApprovalCard')
          .execute();
        return job && job.attempts >= 1 && job.status === 'queued' && job.last_error ? job : undefined;
      }, 'the card job waiting to try again');
      assert.ok(retried, 'the job is retried, not failed');
      assert.equal((await bot.requests.get(request.id))?.approvalCard, undefined, 'no local-test card after a fresh install');
      assert.deepEqual(
        installs(bot).map((r) => r.status),
        [201],
      );
    });
  });

  describe('several of them', () => {
    const bot = withTestBot({ SIMULATOR_DIRECTORY_FILE: directoryFileWith({ [lidia.id]: { teamsAppInstalled: false } }) });

    it('cost one catalog look-up in all, and one install each', async () => {
      await fileRequest(bot, users.adele, 10_000, { sponsor: nestorAsSponsor, guestEmail: 'kim@fabrikam.com' });
      await fileRequest(bot, users.adele, 10_000, { sponsor: lidia, guestEmail: 'lee@fabrikam.com' });
      assert.equal(catalogLookUps(bot).length, 1);
      assert.deepEqual(
        installs(bot).map((r) => r.status),
        [201, 201],
      );
    });
  });

  describe('when the tenant refuses the install, in a local session', () => {
    const logged: { cause?: string; msg: string }[] = [];
    const bot = withTestBot({}, { logger: () => pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) }) });

    it('falls back to the local-test card, and says why in the log once, not per card', async () => {
      bot.app.simulator?.blockTeamsApp();
      for (const guestEmail of ['kim@fabrikam.com', 'lee@fabrikam.com']) {
        const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000, { sponsor: nestorAsSponsor, guestEmail });
        assert.equal(cardConversationId, bot.teams.conversationOf(users.adele));
        assert.equal(request.approvalCard?.localTest, true);
      }
      assert.deepEqual(
        installs(bot).map((r) => r.status),
        [403, 403],
      );
      const told = logged.filter((line) => line.cause === 'installDenied');
      assert.equal(told.length, 1);
      assert.match(told[0].msg, /TeamsAppInstallation\.ReadWriteSelfForUser\.All/);
    });
  });

  describe('for a real tenant (MicrosoftAppId set)', () => {
    let bot: AuthenticatedTestBot;
    beforeEach(async () => {
      bot = await startAuthenticatedTestBot();
    });
    afterEach(async () => bot.close());

    it('tells the requester, when the install is refused, that the sponsor must open the app, and posts no card', async () => {
      bot.graph.simulator.blockTeamsApp();
      await bot.teams.install(users.adele);
      const request = await bot.requests.create(requestDraft({ sponsor: nestorAsSponsor, requesterConversationId: bot.teams.conversationOf(users.adele) }), {
        kind: 'system',
      });
      bot.app.worker.wake();
      const notice = await bot.channel.waitFor(
        () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes(request.id)),
        'the notice to the requester',
      );
      assert.match(notice.text ?? '', /^I couldn't reach Nestor Wilke in Teams .* never opened the Guest Access app and I wasn't allowed to add it for them/);
      assert.equal(bot.channel.sent.filter((s) => s.activity.attachments?.length).length, 0, 'no card anywhere');
    });

    it('looks the app up in the catalog by the manifest id the package gives it', async () => {
      const { cardConversationId } = await fileRequest(bot, users.adele, 10_000, { sponsor: nestorAsSponsor });
      assert.notEqual(cardConversationId, bot.teams.conversationOf(users.adele));
      const lookUp = bot.graph.simulator.requests.find((r) => r.path.endsWith('/appCatalogs/teamsApps'));
      assert.equal(lookUp?.query.$filter, `externalId eq '${bot.config.bot.appId}'`);
    });

    it('asks the catalog nothing when TEAMS_APP_CATALOG_ID gives the app’s catalog id', async () => {
      const found = await fetch(
        `${bot.graph.graphBaseUrl}/v1.0/appCatalogs/teamsApps?$filter=${encodeURIComponent(`externalId eq '${bot.config.bot.appId}'`)}`,
      );
      const catalogId = ((await found.json()) as { value: { id: string }[] }).value[0].id;
      const configured = await startAuthenticatedTestBot({ TEAMS_APP_CATALOG_ID: catalogId });
      try {
        const { cardConversationId } = await fileRequest(configured, users.adele, 10_000, { sponsor: nestorAsSponsor });
        assert.notEqual(cardConversationId, configured.teams.conversationOf(users.adele));
        const calls = configured.graph.simulator.requests.filter((r) => /appCatalogs|installedApps/.test(r.path)).map((r) => [r.method, r.status]);
        assert.deepEqual(calls, [['POST', 201]]);
      } finally {
        await configured.close();
      }
    });
  });
});
