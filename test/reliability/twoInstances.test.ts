/**
 * Two bot processes on one PostgreSQL database, as two App Service instances run: concurrent
 * clicks on both decide once, approvals spread over both are each provisioned once, a job that
 * runs lease after lease stays with its live holder, and a worker stalled past its lease neither
 * invites a second time nor fails the request.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { openDatabase } from '../../src/storage/database';
import { requestRepository } from '../support/requestRepository';
import { seedApprovedRequests } from '../support/approvedRequests';
import { BotProcess } from '../support/botProcess';
import { FakeTeamsChannel, TeamsClient, TENANT_ID } from '../support/fakeTeamsChannel';
import { requestDraft } from '../support/requestDraft';
import { users } from '../support/testBot';

const postgresUrl = process.env.TEST_DATABASE_URL;

(postgresUrl ? describe : describe.skip)('two bot processes on one PostgreSQL database', function () {
  this.timeout(120_000);
  let dir: string;
  let graph: StartedDirectorySimulator;
  let channel: FakeTeamsChannel;
  let databaseUrl: string;
  let dropSchema: () => Promise<void>;
  let bots: BotProcess[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guest-access-two-'));
    channel = new FakeTeamsChannel();
    await channel.start();
    // A schema of its own, so the shared test database is not touched outside it.
    const schema = `two_${randomBytes(6).toString('hex')}`;
    const admin = new Pool({ connectionString: postgresUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const scoped = new URL(postgresUrl as string);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = scoped.toString();
    dropSchema = async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    };
    bots = [];
  });
  afterEach(async () => {
    await Promise.all(bots.map((bot) => bot.signal('SIGKILL')));
    await graph?.close();
    await channel.stop();
    await dropSchema();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A bot process on the shared database; `env` adds or overrides settings. */
  function botProcess(env: Record<string, string> = {}): BotProcess {
    const bot = new BotProcess({ DATABASE_URL: databaseUrl, DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: graph.graphBaseUrl, AZURE_TENANT_ID: TENANT_ID, LOG_LEVEL: 'info', ...env }, dir);
    bots.push(bot);
    return bot;
  }

  const emailsTo = (address: string) =>
    graph.simulator.requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/invitations') && (r.body as { invitedUserEmailAddress: string; sendInvitationMessage: boolean }).invitedUserEmailAddress === address && (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage,
    ).length;
  const guestsWith = async (address: string) =>
    ((await (await fetch(`${graph.graphBaseUrl}/v1.0/users?$filter=${encodeURIComponent(`mail eq '${address}'`)}`)).json()) as { value: unknown[] }).value.length;
  const linksIn = (chat: string) => channel.messagesTo(chat).filter((m) => m.text?.includes('/simulator/redeem/')).length;

  async function waitForStates(ids: readonly string[], state: string, timeoutMs = 60_000): Promise<void> {
    const database = await openDatabase(databaseUrl);
    try {
      const requests = requestRepository(database.db);
      for (const deadline = Date.now() + timeoutMs; ; ) {
        const states = await Promise.all(ids.map(async (id) => (await requests.get(id))?.state));
        if (states.every((s) => s === state)) return;
        if (Date.now() > deadline) throw new Error(`not all ${state}: ${JSON.stringify(states)}\n${bots.map((b) => b.output.slice(-1500)).join('\n---\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await database.close();
    }
  }

  async function auditOf(id: string) {
    const database = await openDatabase(databaseUrl);
    try {
      return await requestRepository(database.db).auditTrail(id);
    } finally {
      await database.close();
    }
  }

  it('decides once when the sponsor’s 20 clicks land on both at the same moment, and invites once', async () => {
    graph = await startDirectorySimulator();
    const [a, b] = [botProcess(), botProcess()];
    await Promise.all([a.start(), b.start()]);
    const database = await openDatabase(databaseUrl);
    let id: string;
    try {
      ({ id } = await requestRepository(database.db).create(requestDraft(), { kind: 'system' }));
    } finally {
      await database.close();
    }
    const clients = [new TeamsClient(a.url, channel), new TeamsClient(b.url, channel)];
    const clicks = await Promise.all(Array.from({ length: 20 }, (_, n) => clients[n % 2].click(users.megan, 'a:megan-card', 'approve', { requestId: id })));
    assert.deepEqual([...new Set(clicks.map((c) => c.status))], [200]);
    await waitForStates([id], 'invited');
    const trail = await auditOf(id);
    assert.equal(trail.filter((e) => e.toState === 'approved').length, 1, 'one decision');
    assert.equal(trail.filter((e) => e.toState === 'invited').length, 1);
    assert.equal(emailsTo('partner@fabrikam.com'), 1);
    assert.equal(await guestsWith('partner@fabrikam.com'), 1);
  });

  it('provisions each of 50 approvals spread over both exactly once', async () => {
    graph = await startDirectorySimulator({ latencyMs: 10 });
    const seeds = Array.from({ length: 50 }, (_, n) => ({ guestEmail: `partner${n}@fabrikam.com`, chat: `a:chat-${n}`, requesterId: `requester-${n}` }));
    const ids = await seedApprovedRequests(databaseUrl, channel.url, seeds);
    await Promise.all([botProcess().start(), botProcess().start()]);
    await waitForStates(ids, 'invited');
    const problems: string[] = [];
    for (const [n, seed] of seeds.entries()) {
      if (emailsTo(seed.guestEmail) !== 1) problems.push(`${seed.guestEmail}: ${emailsTo(seed.guestEmail)} emails`);
      if ((await guestsWith(seed.guestEmail)) !== 1) problems.push(`${seed.guestEmail}: not one guest`);
      if (linksIn(seed.chat) !== 1) problems.push(`request ${n}: ${linksIn(seed.chat)} link messages`);
      if ((await auditOf(ids[n])).filter((e) => e.toState === 'invited').length !== 1) problems.push(`request ${n}: not invited once`);
    }
    assert.deepEqual(problems, []);
  });

  it('leaves a job with its live holder through lease after lease while the other polls: done once', async () => {
    // Every Graph call takes 3 s, longer than a 2 s lease, and the job makes two: only renewals keep it.
    graph = await startDirectorySimulator({ latencyMs: 3_000 });
    const [id] = await seedApprovedRequests(databaseUrl, channel.url, [{ guestEmail: 'partner@fabrikam.com', chat: 'a:chat', requesterId: 'adele' }]);
    const holder = botProcess({ JOB_LEASE_SECONDS: '2' });
    await holder.start();
    await channel.waitFor(() => channel.messagesTo('a:chat').length > 0, 'the status message: the job is claimed');
    const claimedAt = Date.now();
    const other = botProcess({ JOB_LEASE_SECONDS: '2' });
    await other.start();
    await waitForStates([id], 'invited', 60_000);
    const leases = (Date.now() - claimedAt) / 2_000;
    assert.ok(leases >= 3, `the job ran ${leases.toFixed(1)} leases, too few to prove anything`);
    await channel.waitFor(() => linksIn('a:chat') > 0, 'the link');

    const database = await openDatabase(databaseUrl);
    try {
      const job = await database.db.selectFrom('jobs').select(['status', 'attempts']).where('request_id', '=', id).where('kind', '=', 'provisionGuest').executeTakeFirstOrThrow();
      assert.deepEqual({ status: job.status, attempts: Number(job.attempts) }, { status: 'done', attempts: 1 }, 'claimed once, never taken over');
    } finally {
      await database.close();
    }
    const invitations = graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
    assert.equal(invitations.length, 1, 'invited once');
    assert.equal(emailsTo('partner@fabrikam.com'), 1);
    assert.equal(linksIn('a:chat'), 1);
    for (const bot of [holder, other]) assert.doesNotMatch(bot.output, /lease (lost|was taken over)|no longer held|could not renew/);
  });

  it('lets a worker stalled past its lease change nothing: no second email, no failure', async () => {
    // Every Graph call takes 2 s; a lease lasts 1 s unless renewed.
    graph = await startDirectorySimulator({ latencyMs: 2_000 });
    const [id] = await seedApprovedRequests(databaseUrl, channel.url, [{ guestEmail: 'partner@fabrikam.com', chat: 'a:chat', requesterId: 'adele' }]);
    const stalled = botProcess({ JOB_LEASE_SECONDS: '1' });
    await stalled.start();
    await channel.waitFor(() => channel.messagesTo('a:chat').length > 0, 'the status message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The process stops dead in the middle of inviting: no renewals, no writes.
    process.kill(stalled.pid as number, 'SIGSTOP');
    try {
      await botProcess({ JOB_LEASE_SECONDS: '1' }).start();
      await waitForStates([id], 'invited', 30_000);
    } finally {
      process.kill(stalled.pid as number, 'SIGCONT');
    }
    // Give the stalled worker time to wake, read Graph's answer and try to record it.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const trail = await auditOf(id);
    assert.deepEqual(trail.filter((e) => e.toState).map((e) => e.toState), ['pending_approval', 'approved', 'invited']);
    assert.ok(emailsTo('partner@fabrikam.com') <= 1);
    assert.equal(await guestsWith('partner@fabrikam.com'), 1);
    assert.equal(linksIn('a:chat'), 1);
    assert.match(stalled.output, /lease (lost|was taken over)|no longer held/);
  });
});

if (!postgresUrl) console.warn('Two-instance tests SKIPPED: TEST_DATABASE_URL is not set (bash .ci/run sets it to the local server).');
