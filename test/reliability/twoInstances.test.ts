/**
 * Two bot processes on one PostgreSQL database, as two App Service instances run: concurrent
 * clicks on both decide once, approvals spread over both are each provisioned once, a job that
 * runs lease after lease stays with its live holder, and a worker stalled past its lease neither
 * invites a second time nor fails the request.
 */
import assert from 'node:assert/strict';
import { withBotProcesses } from '../support/botProcesses';
import { describeOnPostgres } from '../support/databases';
import { TeamsClient } from '../support/fakeTeamsChannel';
import { requestDraft } from '../support/requestDraft';
import { users } from '../support/testBot';

describeOnPostgres('two bot processes on one PostgreSQL database', function (postgres) {
  this.timeout(120_000);
  // A schema of its own for each test, so the shared test database is not touched outside it.
  const processes = withBotProcesses('each', { database: postgres });

  const linksIn = (chat: string) => processes.linksIn(chat).length;
  const auditOf = (id: string) => processes.read((requests) => requests.auditTrail(id));

  it('decides once when the sponsor’s 20 clicks land on both at the same moment, and invites once', async () => {
    await processes.startGraph();
    const [a, b] = [processes.process(), processes.process()];
    await Promise.all([a.start(), b.start()]);
    const { id } = await processes.read((requests) => requests.create(requestDraft(), { kind: 'system' }));
    const clients = [new TeamsClient(a.url, processes.channel), new TeamsClient(b.url, processes.channel)];
    const clicks = await Promise.all(Array.from({ length: 20 }, (_, n) => clients[n % 2].click(users.megan, 'a:megan-card', 'approve', { requestId: id })));
    assert.deepEqual([...new Set(clicks.map((c) => c.status))], [200]);
    await processes.waitForStates([id], 'invited');
    await processes.settled();
    const trail = await auditOf(id);
    assert.equal(trail.filter((e) => e.toState === 'approved').length, 1, 'one decision');
    assert.equal(trail.filter((e) => e.toState === 'invited').length, 1);
    assert.equal(processes.emailsTo('partner@fabrikam.com'), 1);
    assert.equal(await processes.guestsWith('partner@fabrikam.com'), 1);
  });

  it('provisions each of 50 approvals spread over both exactly once', async () => {
    await processes.startGraph({ latencyMs: 10 });
    const seeds = Array.from({ length: 50 }, (_, n) => ({ guestEmail: `partner${n}@fabrikam.com`, chat: `a:chat-${n}`, requesterId: `requester-${n}` }));
    const ids = await processes.seed(seeds);
    await Promise.all([processes.process().start(), processes.process().start()]);
    await processes.waitForStates(ids, 'invited');
    await processes.settled();
    const problems: string[] = [];
    for (const [n, seed] of seeds.entries()) {
      if (processes.emailsTo(seed.guestEmail) !== 1) problems.push(`${seed.guestEmail}: ${processes.emailsTo(seed.guestEmail)} emails`);
      if ((await processes.guestsWith(seed.guestEmail)) !== 1) problems.push(`${seed.guestEmail}: not one guest`);
      if (linksIn(seed.chat) !== 1) problems.push(`request ${n}: ${linksIn(seed.chat)} link messages`);
      if ((await auditOf(ids[n])).filter((e) => e.toState === 'invited').length !== 1) problems.push(`request ${n}: not invited once`);
    }
    assert.deepEqual(problems, []);
  });

  it('leaves a job with its live holder through lease after lease while the other polls: done once', async () => {
    // Every Graph call takes 3 s, longer than a 2 s lease, and the job makes two: only renewals keep it.
    await processes.startGraph({ latencyMs: 3_000 });
    const [id] = await processes.seed([{ guestEmail: 'partner@fabrikam.com', chat: 'a:chat', requesterId: 'adele' }]);
    const holder = processes.process({ JOB_LEASE_SECONDS: '2' });
    await holder.start();
    await processes.channel.waitFor(() => processes.channel.messagesTo('a:chat').length > 0, 'the status message: the job is claimed');
    const claimedAt = Date.now();
    const other = processes.process({ JOB_LEASE_SECONDS: '2' });
    await other.start();
    await processes.waitForStates([id], 'invited', 60_000);
    const leases = (Date.now() - claimedAt) / 2_000;
    assert.ok(leases >= 3, `the job ran ${leases.toFixed(1)} leases, too few to prove anything`);
    await processes.channel.waitFor(() => linksIn('a:chat') > 0, 'the link');
    await processes.settled();

    const job = await processes.read((_, db) =>
      db.selectFrom('jobs').select(['status', 'attempts']).where('request_id', '=', id).where('kind', '=', 'provisionGuest').executeTakeFirstOrThrow(),
    );
    assert.deepEqual({ status: job.status, attempts: Number(job.attempts) }, { status: 'done', attempts: 1 }, 'claimed once, never taken over');
    assert.equal(processes.invitations().length, 1, 'invited once');
    assert.equal(processes.emailsTo('partner@fabrikam.com'), 1);
    assert.equal(linksIn('a:chat'), 1);
    for (const bot of [holder, other]) assert.doesNotMatch(bot.output, /lease (lost|was taken over)|no longer held|could not renew/);
  });

  it('lets a worker stalled past its lease change nothing: no second email, no failure', async () => {
    // Every Graph call takes 2 s; a lease lasts 1 s unless renewed.
    await processes.startGraph({ latencyMs: 2_000 });
    const [id] = await processes.seed([{ guestEmail: 'partner@fabrikam.com', chat: 'a:chat', requesterId: 'adele' }]);
    const stalled = processes.process({ JOB_LEASE_SECONDS: '1' });
    await stalled.start();
    await processes.channel.waitFor(() => processes.channel.messagesTo('a:chat').length > 0, 'the status message');
    await new Promise((resolve) => setTimeout(resolve, 300));
    // The process stops dead in the middle of inviting: no renewals, no writes.
    process.kill(stalled.pid as number, 'SIGSTOP');
    try {
      await processes.process({ JOB_LEASE_SECONDS: '1' }).start();
      await processes.waitForStates([id], 'invited', 30_000);
    } finally {
      process.kill(stalled.pid as number, 'SIGCONT');
    }
    // The stalled worker wakes, reads Graph's answer and tries to record it. Stopped, it finishes
    // the job in hand first: once it has exited, it has done all it will ever do.
    assert.equal(await stalled.signal('SIGTERM'), 0, stalled.output.slice(-2000));
    await processes.settled();
    const trail = await auditOf(id);
    assert.deepEqual(
      trail.filter((e) => e.toState).map((e) => e.toState),
      ['pending_approval', 'approved', 'invited'],
    );
    assert.ok(processes.emailsTo('partner@fabrikam.com') <= 1);
    assert.equal(await processes.guestsWith('partner@fabrikam.com'), 1);
    assert.equal(linksIn('a:chat'), 1);
    assert.match(stalled.output, /lease (lost|was taken over)|no longer held/);
  });
});
