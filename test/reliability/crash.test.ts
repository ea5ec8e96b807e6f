/**
 * Exactly once, proven by breaking it: the bot process provisions 50 approved requests against
 * a directory with latency, and is killed with SIGKILL at random moments and restarted. However
 * the kills fall, every request ends invited, each partner is one guest who got at most one
 * invitation email, and each requester got exactly one message with the redeem link. And soon:
 * killed while Graph holds an invitation, the bot restarted with the default settings posts the
 * link within 30 s, the dead process's lease having run out.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { openDatabase } from '../../src/storage/database';
import { requestRepository } from '../support/requestRepository';
import { BotProcess } from '../support/botProcess';
import { seedApprovedRequests } from '../support/approvedRequests';
import { FakeTeamsChannel, TENANT_ID } from '../support/fakeTeamsChannel';

const REQUESTS = 50;
const KILLS = 6;

describe('provisioning while the bot is killed again and again', function () {
  this.timeout(120_000);
  let dir: string;
  let graph: StartedDirectorySimulator;
  let channel: FakeTeamsChannel;
  let bot: BotProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guest-access-crash-'));
    // Every Graph call takes 25 ms, so kills land in the middle of the work.
    graph = await startDirectorySimulator({ latencyMs: 25 });
    channel = new FakeTeamsChannel();
    await channel.start();
  });
  after(async () => {
    await bot?.signal('SIGKILL');
    await graph.close();
    await channel.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const guestOf = (n: number) => `partner${n}@fabrikam.com`;
  const chatOf = (n: number) => `a:requester-chat-${n}`;

  it('invites each partner once and posts each link once, whenever it is killed', async () => {
    const databaseUrl = join(dir, 'bot.db');
    const ids = await seedApprovedRequests(
      databaseUrl,
      channel.url,
      Array.from({ length: REQUESTS }, (_, n) => ({ guestEmail: guestOf(n), chat: chatOf(n), requesterId: `requester-${n}` })),
    );

    bot = new BotProcess(
      {
        DATABASE_URL: databaseUrl,
        DIRECTORY_MODE: 'graph',
        GRAPH_BASE_URL: graph.graphBaseUrl,
        AZURE_TENANT_ID: TENANT_ID,
        // A killed worker's job is taken up again 2 s later rather than 15 s (the default).
        JOB_LEASE_SECONDS: '2',
        LOG_LEVEL: 'info',
      },
      dir,
    );
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    const random = mulberry32(seed);
    await bot.start();
    const killedAt: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const after = 100 + Math.floor(random() * 500);
      await new Promise((resolve) => setTimeout(resolve, after));
      killedAt.push(after);
      await bot.signal('SIGKILL');
      await bot.start();
    }
    const states = await waitUntilAllInvited(databaseUrl, ids, 60_000, () => bot.output);
    assert.equal(await bot.signal('SIGTERM'), 0, 'a clean stop at the end');

    // Each partner is one guest; Microsoft emailed each at most once.
    const invitations = graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
    const problems: string[] = [];
    let emails = 0;
    for (let n = 0; n < REQUESTS; n++) {
      const address = guestOf(n);
      const mine = invitations.filter((r) => (r.body as { invitedUserEmailAddress: string }).invitedUserEmailAddress === address);
      const emailed = mine.filter((r) => (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage).length;
      emails += emailed;
      if (emailed > 1) problems.push(`${address} was emailed ${emailed} times`);
      const filter = encodeURIComponent(`mail eq '${address}'`);
      const guests = ((await (await fetch(`${graph.graphBaseUrl}/v1.0/users?$filter=${filter}`)).json()) as { value: unknown[] }).value;
      if (guests.length !== 1) problems.push(`${address} is ${guests.length} guests`);
      // Exactly one message in the requester's chat carries the link, and it is the link recorded.
      const links = channel.messagesTo(chatOf(n)).filter((m) => m.text?.includes('/simulator/redeem/'));
      if (links.length !== 1) problems.push(`request ${n} got ${links.length} messages with a link`);
      else if (!links[0].text?.includes(states.get(ids[n])?.inviteRedeemUrl ?? '?')) problems.push(`request ${n}'s message has another link than the one recorded`);
    }
    console.log(
      `      crash: ${REQUESTS} requests, ${KILLS} kills (seed ${seed}, after ${killedAt.join(', ')} ms), ${invitations.length} invitation calls, ${emails} emails, ${problems.length} problems`,
    );
    assert.deepEqual(problems, [], `replay with CRASH_SEED=${seed}`);
    assert.ok(emails >= 1, 'invitation emails were sent');
  });
});

describe('a bot killed while inviting, restarted with the default lease', function () {
  this.timeout(120_000);
  const guest = 'partner@fabrikam.com';
  const chat = 'a:requester-chat';
  let dir: string;
  let graph: StartedDirectorySimulator;
  let channel: FakeTeamsChannel;
  let bot: BotProcess;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guest-access-recovery-'));
    // Every Graph call takes 1 s, so the kill lands while Graph holds the invitation.
    graph = await startDirectorySimulator({ latencyMs: 1_000 });
    channel = new FakeTeamsChannel();
    await channel.start();
  });
  after(async () => {
    await bot?.signal('SIGKILL');
    await graph.close();
    await channel.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const invitations = () => graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')).map((r) => r.body as { sendInvitationMessage: boolean });
  const links = () => channel.messagesTo(chat).filter((m) => m.text?.includes('/simulator/redeem/'));

  it('posts the fresh link within 30 s of the restart: one email, one guest, one link message', async () => {
    const databaseUrl = join(dir, 'bot.db');
    const [id] = await seedApprovedRequests(databaseUrl, channel.url, [{ guestEmail: guest, chat, requesterId: 'adele' }]);
    // JOB_LEASE_SECONDS and SEND_INVITATION_EMAIL at their defaults, as a deployed bot runs.
    bot = new BotProcess({ DATABASE_URL: databaseUrl, DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: graph.graphBaseUrl, AZURE_TENANT_ID: TENANT_ID, LOG_LEVEL: 'info' }, dir);
    await bot.start();
    for (const deadline = Date.now() + 30_000; invitations().length === 0; ) {
      if (Date.now() > deadline) throw new Error(`the bot never invited:\n${bot.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await bot.signal('SIGKILL');
    const restartedAt = Date.now();
    await bot.start();
    await channel.waitFor(() => links().length > 0, `the redeem link:\n${bot.output.slice(-3000)}`, 75_000);
    const seconds = (Date.now() - restartedAt) / 1000;
    console.log(`      recovery: the link ${seconds.toFixed(1)} s after the restart, killed while inviting`);
    assert.ok(seconds < 30, `the link came ${seconds.toFixed(1)} s after the restart`);

    // The kill landed before Graph answered: the restarted bot invited again, without an email.
    assert.deepEqual(invitations().map((body) => body.sendInvitationMessage), [true, false]);
    const filter = encodeURIComponent(`mail eq '${guest}'`);
    assert.equal(((await (await fetch(`${graph.graphBaseUrl}/v1.0/users?$filter=${filter}`)).json()) as { value: unknown[] }).value.length, 1, 'one guest');
    const [request] = (await waitUntilAllInvited(databaseUrl, [id], 10_000, () => bot.output)).values();
    assert.equal(links().length, 1, 'one message with the link');
    assert.ok(links()[0].text?.includes(request?.inviteRedeemUrl ?? '?'), 'the link recorded, from the second invitation');
  });
});

async function waitUntilAllInvited(databaseUrl: string, ids: string[], timeoutMs: number, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  const database = await openDatabase(databaseUrl);
  try {
    const requests = requestRepository(database.db);
    for (;;) {
      const all = await Promise.all(ids.map((id) => requests.get(id)));
      // Work due now; the timers of a request's life (a reminder, an expiry) wait far ahead.
      const jobs = await database.db.selectFrom('jobs').select(['status']).where('status', '=', 'queued').where('run_at', '<=', new Date().toISOString()).execute();
      if (all.every((r) => r?.state === 'invited') && jobs.length === 0) return new Map(all.map((r) => [r?.id ?? '', r]));
      if (Date.now() > deadline) {
        const states = all.map((r) => r?.state).reduce<Record<string, number>>((count, state) => ({ ...count, [String(state)]: (count[String(state)] ?? 0) + 1 }), {});
        throw new Error(`not every request was invited in time: ${JSON.stringify(states)}, ${jobs.length} jobs queued\n${output().slice(-3000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await database.close();
  }
}

/** A small seeded random number generator, so a failing run can be replayed (CRASH_SEED). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
