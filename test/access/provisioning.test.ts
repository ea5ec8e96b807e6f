/**
 * After approval, against the simulated directory over HTTP: failures leave the request honest
 * and the requester told, a retried job never invites twice, and authenticated runs never show
 * a sponsor's card to anyone else.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadCatalog, loadConfig, SAMPLE_CATALOG_FILE, SAMPLE_DIRECTORY_FILE } from '../../src/config';
import { createJobHandlers } from '../../src/jobHandlers';
import { JobWorker } from '../../src/jobs/worker';
import { JobQueue } from '../../src/storage/jobQueue';
import { SqlGivenAccess } from '../../src/storage/sqlGivenAccess';
import { requestRepository } from '../support/requestRepository';
import { DeliveryError, type Messenger } from '../../src/messaging/messenger';
import { type DirectoryFixture, startDirectoryFixture } from '../directory/directoryFixture';
import { eventually } from '../support/eventually';
import { requestDraft } from '../support/requestDraft';
import { memoryDatabase } from '../support/sqliteMemory';
import { fileRequest, startTestBot, type TestBot, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { isTenantSettingsRead } from '../support/tenantSettingsReads';

describe('provisioning', function () {
  describe('when the directory refuses part of the access', () => {
    let bot: TestBot;
    let dir: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'catalog-'));
      const catalog = loadCatalog(SAMPLE_CATALOG_FILE);
      // The operator's catalog names a group that no longer exists in Entra.
      const broken = { resources: catalog.resources.map((r) => (r.id === 'falcon-team' ? { ...r, groupId: '00000000-0000-4000-8000-0000000000aa' } : r)) };
      writeFileSync(join(dir, 'catalog.json'), JSON.stringify(broken));
      bot = await startTestBot({ RESOURCE_CATALOG_FILE: join(dir, 'catalog.json') });
    });
    after(async () => {
      await bot.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('marks the request failed, takes back what it had given, tells the requester and the sponsor why with the request id, and updates the card', async () => {
      const { request, cardConversationId } = await fileRequest(bot);
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      const failed = await waitForState(bot, request.id, 'failed');
      assert.equal(failed.failureReason, 'grantsFailed');
      assert.equal(failed.inviteRedeemUrl, undefined, 'the link of a request that gives nothing is not kept');
      const guest = failed.invitedUserId as string;
      // Contoso Expenses (its group) was granted in the same batch as the missing group: it is taken back.
      const recorded = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'grantsRecorded');
      assert.deepEqual(recorded?.detail?.givenByBot, ['expenses-app'], 'Expenses was given before the failure');
      await eventually(
        () => !bot.app.simulator?.groupMembers('c0ffee00-0004-4000-8000-00000000c004').includes(guest),
        'Expenses given before the failure taken back',
      );
      const takenBack = await eventually(
        async () => (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'accessTakenBack'),
        'the take-back audited',
      );
      assert.deepEqual(takenBack.detail?.removed, ['expenses-app']);
      const notice = await bot.channel.waitFor(
        () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes("couldn't complete it")),
        'the failure notice',
      );
      assert.equal(
        notice.text,
        `Megan Bowen approved request **${request.id}**, but I couldn't complete it for partner@fabrikam.com: the guest was invited, but some of the access couldn't be granted, so I've taken back what had been given: this request gives them nothing. IT can see the details in the bot's log; quote the request id when you contact them.`,
      );
      await bot.channel.waitFor(
        () =>
          bot.channel.updates.find((u) =>
            JSON.stringify(u.activity).includes(
              "Approved by Megan Bowen, but it couldn't be completed: the guest was invited, but some of the access couldn't be granted, so I've taken back what had been given",
            ),
          ),
        'the card update',
      );
      const sponsorNotice = await bot.channel.waitFor(
        () => bot.channel.messagesTo(cardConversationId).find((m) => m.text?.includes('which you approved')),
        "the sponsor's notice",
      );
      assert.equal(
        sponsorNotice.text,
        `Request **${request.id}** from Adele Vance for partner@fabrikam.com, which you approved, couldn't be completed: the guest was invited, but some of the access couldn't be granted, so I've taken back what had been given: this request gives them nothing. I've told Adele Vance.`,
      );
      const trail = await bot.requests.auditTrail(request.id);
      const event = trail.find((e) => e.action === 'failed');
      assert.match(String(event?.detail?.error), /group .*falcon-team/);
    });
  });

  describe('when the guest policy changed after the request was filed', () => {
    // The request below was filed while fabrikam.com was allowed; IT has blocked it since.
    const bot = withTestBot({ BLOCKED_GUEST_DOMAINS: 'fabrikam.com' }, { start: 'before' });

    for (const [requester, requesterText, sponsorText] of [
      [
        users.adele,
        "Megan Bowen approved request **{id}**, but I didn't invite partner@fabrikam.com, because your organization's guest policy has changed since you asked: your organization no longer allows guests from fabrikam\\[.\\]com. If you think that's wrong, ask IT and quote the request id.",
        "Request **{id}** from Adele Vance for partner@fabrikam.com, which you approved, couldn't be completed: your organization no longer allows guests from fabrikam\\[.\\]com. I've told Adele Vance.",
      ],
      [
        users.diego,
        'Megan Bowen aprobó la solicitud **{id}**, pero no he invitado a partner@fabrikam.com porque la política de invitados de tu organización ha cambiado desde que lo pediste: tu organización ya no permite invitados de fabrikam\\[.\\]com. Si crees que es un error, habla con TI e indica el identificador de la solicitud.',
        "Request **{id}** from Diego Siciliani for partner@fabrikam.com, which you approved, couldn't be completed: your organization no longer allows guests from fabrikam\\[.\\]com. I've told Diego Siciliani.",
      ],
    ] as const) {
      it(`invites nobody, fails the request with the reason, and tells the requester (${requester.locale}) and the sponsor in plain words`, async () => {
        const before = bot.app.simulator?.requests.length ?? 0;
        const { request, cardConversationId } = await fileRequest(bot, requester);
        await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
        const failed = await waitForState(bot, request.id, 'failed');
        assert.equal(failed.failureReason, 'domainBlocked');
        assert.equal(failed.invitedUserId, undefined);
        const writes = (bot.app.simulator?.requests.slice(before) ?? []).filter((r) => r.method !== 'GET');
        assert.deepEqual(writes, [], 'nothing written to the directory');
        const toRequester = await bot.channel.waitFor(
          () => bot.channel.messagesTo(bot.teams.conversationOf(requester)).find((m) => m.text?.includes(request.id) && /policy|política/.test(m.text)),
          "the requester's notice",
        );
        assert.equal(toRequester.text, requesterText.replace('{id}', request.id));
        const toSponsor = await bot.channel.waitFor(
          () => bot.channel.messagesTo(cardConversationId).find((m) => m.text?.includes(request.id)),
          "the sponsor's notice",
        );
        assert.equal(toSponsor.text, sponsorText.replace('{id}', request.id));
        const event = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'failed');
        assert.match(String(event?.detail?.error), /no longer allows this guest \(domainBlocked, domain fabrikam\.com\)/);
      });
    }
  });

  describe('for a partner the directory did not know when the request was filed', () => {
    let bot: TestBot;
    let dir: string;
    // Nineteen groups and the sponsor are twenty grants: Graph's limit for one $batch.
    const groupIds = Array.from({ length: 19 }, (_, i) => `bbbbbbbb-0000-4000-8000-${String(i + 1).padStart(12, '0')}`);
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'round-trips-'));
      const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as { groups: Array<{ id: string; displayName: string; members: string[] }> };
      seed.groups.push(...groupIds.map((id, i) => ({ id, displayName: `Partner group ${i + 1}`, members: [] })));
      writeFileSync(join(dir, 'directory.json'), JSON.stringify(seed));
      const catalog = { resources: groupIds.map((groupId, i) => ({ id: `group-${i + 1}`, name: `Partner group ${i + 1}`, kind: 'group', groupId })) };
      writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
      bot = await startTestBot({ RESOURCE_CATALOG_FILE: join(dir, 'catalog.json'), SIMULATOR_DIRECTORY_FILE: join(dir, 'directory.json') });
    });
    after(async () => {
      await bot.close();
      rmSync(dir, { recursive: true, force: true });
    });

    for (const [count, guestEmail] of [
      [1, 'one.group@fabrikam.com'],
      [19, 'nineteen.groups@fabrikam.com'],
    ] as const) {
      it(`approves with ${count} resource${count === 1 ? '' : 's'} in three Graph round trips after the tenant's settings: the look-up, the invitation, then one $batch of every grant`, async () => {
        const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
        const resourceIds = groupIds.slice(0, count).map((_, i) => `group-${i + 1}`);
        const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000, { guestEmail, resourceIds });
        const before = simulator.requests.length;
        await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
        const invited = await waitForState(bot, request.id, 'invited');
        // The jobs that follow (the link to the requester, the card) must not ask Graph anything either.
        await bot.channel.waitFor(
          () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes(invited.inviteRedeemUrl as string)),
          'the redeem link',
        );
        await bot.channel.waitFor(
          () =>
            bot.channel.updates.find(
              (u) => u.activityId === invited.approvalCard?.activityId && JSON.stringify(u.activity).includes('The invitation is ready'),
            ),
          'the card update',
        );

        const allCalls = simulator.requests.slice(before).filter((r) => r.path.includes('/graph/'));
        assert.equal(
          allCalls.filter(isTenantSettingsRead).length,
          4,
          "the tenant's allow/deny list, the partner's organization, its and the default cross-tenant settings",
        );
        const graphCalls = allCalls.filter((r) => !isTenantSettingsRead(r));
        assert.deepEqual(
          graphCalls.map((r) => `${r.method} ${r.path}`),
          // The look-up tells whether the invitation creates the account: only then may the bot remove it.
          ['GET /simulator/graph/v1.0/users', 'POST /simulator/graph/v1.0/invitations', 'POST /simulator/graph/v1.0/$batch'],
          'one look-up, one invitation, one batch',
        );
        // The invitation made the account and recorded its sponsor with it: no second write for that.
        assert.equal(graphCalls[2]?.batchItems?.length, count, 'every group in the one batch');
        assert.ok(!graphCalls[2]?.batchItems?.some((item) => item.path.includes('/sponsors/')), 'no sponsors/$ref for an account the invitation made');
        for (const groupId of groupIds.slice(0, count)) assert.ok(simulator.groupMembers(groupId).includes(invited.invitedUserId as string), `in ${groupId}`);
        assert.deepEqual(simulator.sponsorsOf(invited.invitedUserId as string), [users.megan.aadObjectId]);
      });
    }
  });

  describe('when the directory is briefly down', () => {
    const bot = withTestBot({}, { start: 'before' });

    it('retries the job, and the retry does not invite twice', async function () {
      this.timeout(20_000);
      const { request, cardConversationId } = await fileRequest(bot);
      // The grants fail once with a 500 the Graph client does not retry itself.
      bot.app.simulator?.injectFault({ method: 'POST', path: /^\/\$batch$/, status: 500, times: 1 });
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      const invited = await waitForState(bot, request.id, 'invited');
      const invitations = bot.app.simulator?.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')) ?? [];
      assert.equal(invitations.length, 1);
      const batches = bot.app.simulator?.requests.filter((r) => r.path.endsWith('/$batch')) ?? [];
      assert.equal(batches.length, 2, 'the failed batch and its retry');
      const jobs = await bot.app.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'provisionGuest').execute();
      assert.deepEqual(
        jobs.map((j) => [j.status, j.attempts]),
        [['done', 2]],
      );
      assert.ok(invited.invitedUserId);
    });
  });

  describe('when Graph creates the invitation but its answer is lost', () => {
    const bot = withTestBot({}, { start: 'before' });

    it('invites again without an email: one guest, one email, one message with a working link', async function () {
      this.timeout(20_000);
      const { request, cardConversationId } = await fileRequest(bot);
      const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
      // A gateway timeout after Graph did the work: the bot cannot know the guest was invited.
      simulator.injectFault({ method: 'POST', path: /^\/invitations$/, status: 504, times: 1, afterProcessing: true });
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      const invited = await waitForState(bot, request.id, 'invited');

      const invitations = simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
      assert.deepEqual(
        invitations.map((r) => (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage),
        [true, false],
        'the Graph client did not resend it; the job resumed without an email',
      );
      const filter = encodeURIComponent("mail eq 'partner@fabrikam.com'");
      const found = (await (await fetch(`${bot.app.url}/simulator/graph/v1.0/users?$filter=${filter}`)).json()) as { value: { id: string }[] };
      assert.deepEqual(
        found.value.map((u) => u.id),
        [invited.invitedUserId],
        'exactly one guest',
      );
      const adeleChat = bot.teams.conversationOf(users.adele);
      const links = () => bot.channel.messagesTo(adeleChat).filter((m) => m.text?.includes('/simulator/redeem/'));
      await bot.channel.waitFor(() => links().length > 0, 'the redeem link');
      assert.equal(links().length, 1);
      assert.ok(links()[0].text?.includes(invited.inviteRedeemUrl as string), 'the link recorded is the one posted');
      assert.doesNotMatch(links()[0].text ?? '', /Microsoft has also emailed/);
      // Project Falcon is a team: Teams may be slow to show it.
      assert.match(links()[0].text ?? '', /Teams can take up to 48 hours to show them a team they've been added to\./);
      const redeemPage = await fetch(invited.inviteRedeemUrl as string);
      assert.equal(redeemPage.status, 200, 'the fresh link works');
    });
  });

  describe('in Spanish', () => {
    const bot = withTestBot({}, { start: 'before' });

    it('hands the redeem link back in the requester’s language', async () => {
      const { request, cardConversationId } = await fileRequest(bot, users.diego);
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      const notice = await bot.channel.waitFor(
        () => bot.channel.messagesTo(bot.teams.conversationOf(users.diego)).find((m) => m.text?.includes('está invitado')),
        'the Spanish notice',
      );
      assert.match(notice.text ?? '', new RegExp(`^Megan Bowen aprobó la solicitud \\*\\*${request.id}\\*\\*: partner@fabrikam\\.com está invitado\\.`));
      assert.match(notice.text ?? '', /Cuando la acepte, podrá abrir:/);
      assert.match(notice.text ?? '', /Teams puede tardar hasta 48 horas en mostrarles un equipo al que se les ha añadido\./);
    });
  });

  describe('with authentication on', () => {
    let fixture: DirectoryFixture;
    before(async () => {
      fixture = await startDirectoryFixture();
    });
    after(async () => fixture.close());

    it('never shows the card to the requester when the sponsor cannot be reached; it tells them instead', async () => {
      const database = await memoryDatabase();
      try {
        const queue = new JobQueue(database.db);
        const requests = requestRepository(database.db);
        const posted: { conversationId: string; activity: Partial<Activity> }[] = [];
        // Teams' answer when the sponsor does not have the app: nowhere to open a chat.
        const messenger: Messenger = {
          post: async (conversationId, activity) => {
            posted.push({ conversationId, activity });
            return 'act-1';
          },
          update: async () => undefined,
          personalConversationWith: async () => Promise.reject(new DeliveryError('Forbidden', { transient: false, unreachable: true, status: 403 })),
        };
        const worker = new JobWorker(
          queue,
          createJobHandlers({
            requests,
            given: new SqlGivenAccess(database.db),
            queue,
            catalog: loadCatalog(SAMPLE_CATALOG_FILE),
            directory: fixture.directory,
            tenantPolicy: fixture.tenantPolicy,
            messenger,
            sendInvitationEmail: false,
            guestPolicy: { allowedDomains: [], blockedDomains: [], internalDomains: [] },
            localTestsAllowed: false,
            redemption: { firstCheckMs: 60_000 },
            timing: loadConfig({}).timing,
            sponsorCheck: loadConfig({}).sponsorCheck,
            guestEndAction: 'none',
            inactiveGuestDays: 0,
            directorySimulated: true,
            clock: () => new Date(),
          }),
          pino({ level: 'silent' }),
        );
        const request = await requests.create(
          requestDraft({ requesterConversationId: 'a:adele', guestEmail: 'kim@fabrikam.com', resourceIds: ['falcon-team'] }),
          { kind: 'system' },
        );
        await worker.drain();
        assert.equal(posted.filter((p) => p.activity.attachments).length, 0, 'no card anywhere');
        assert.equal(posted.length, 1);
        assert.equal(posted[0].conversationId, 'a:adele');
        assert.match(
          posted[0].activity.text ?? '',
          new RegExp(`^I couldn't reach Megan Bowen in Teams to ask them to approve request \\*\\*${request.id}\\*\\*`),
        );
        assert.equal((await requests.get(request.id))?.state, 'pending_approval', 'it still waits for the sponsor');
      } finally {
        await database.close();
      }
    });
  });

  describe('a sponsor who installs the app later', () => {
    const bot = withTestBot({ MicrosoftAppId: '' }, { start: 'before' });

    it('gets the cards that waited for them as soon as the app is installed', async () => {
      const request = await bot.requests.create(requestDraft({ requesterConversationId: 'a:nowhere', resourceIds: ['falcon-team'] }), { kind: 'system' });
      await bot.teams.install(users.megan);
      const card = await bot.channel.waitFor(() => bot.channel.sent.find((s) => s.activity.attachments?.length), 'the waiting card');
      assert.equal(card.conversationId, bot.teams.conversationOf(users.megan));
      assert.match(JSON.stringify(card.activity.attachments?.[0].content), new RegExp(request.id));
    });
  });
});
