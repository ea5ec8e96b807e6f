/**
 * Exactly once, proven by breaking it: the bot process provisions 50 approved requests against
 * a directory with latency, and is killed with SIGKILL at random moments and restarted. However
 * the kills fall, every request ends invited, each partner is one guest who got at most one
 * invitation email, and each requester got exactly one message with the redeem link. And soon:
 * killed while Graph holds an invitation, the bot restarted with the default settings posts the
 * link within 30 s, the dead process's lease having run out.
 */
import assert from 'node:assert/strict';
import { withBotProcesses } from '../support/botProcesses';

const REQUESTS = 50;
const KILLS = 6;

describe('provisioning while the bot is killed again and again', function () {
  this.timeout(120_000);
  // Every Graph call takes 25 ms, so kills land in the middle of the work.
  const processes = withBotProcesses('all', { graph: { latencyMs: 25 } });

  const guestOf = (n: number) => `partner${n}@fabrikam.com`;
  const chatOf = (n: number) => `a:requester-chat-${n}`;

  it('invites each partner once and posts each link once, whenever it is killed', async () => {
    const ids = await processes.seed(Array.from({ length: REQUESTS }, (_, n) => ({ guestEmail: guestOf(n), chat: chatOf(n), requesterId: `requester-${n}` })));

    // A killed worker's job is taken up again 2 s later rather than 15 s (the default).
    const bot = processes.process({ JOB_LEASE_SECONDS: '2' });
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
    const states = await processes.waitForStates(ids, 'invited');
    await processes.settled();
    assert.equal(await bot.signal('SIGTERM'), 0, 'a clean stop at the end');

    // Each partner is one guest; Microsoft emailed each at most once.
    const problems: string[] = [];
    let emails = 0;
    for (let n = 0; n < REQUESTS; n++) {
      const address = guestOf(n);
      const emailed = processes.emailsTo(address);
      emails += emailed;
      if (emailed > 1) problems.push(`${address} was emailed ${emailed} times`);
      const guests = await processes.guestsWith(address);
      if (guests !== 1) problems.push(`${address} is ${guests} guests`);
      // Exactly one message in the requester's chat carries the link, and it is the link recorded.
      const links = processes.linksIn(chatOf(n));
      if (links.length !== 1) problems.push(`request ${n} got ${links.length} messages with a link`);
      else if (!links[0].text?.includes(states.get(ids[n])?.inviteRedeemUrl ?? '?'))
        problems.push(`request ${n}'s message has another link than the one recorded`);
    }
    console.log(
      `      crash: ${REQUESTS} requests, ${KILLS} kills (seed ${seed}, after ${killedAt.join(', ')} ms), ${processes.invitations().length} invitation calls, ${emails} emails, ${problems.length} problems`,
    );
    assert.deepEqual(problems, [], `replay with CRASH_SEED=${seed}`);
    assert.ok(emails >= 1, 'invitation emails were sent');
  });
});

describe('a bot killed while inviting, restarted with the default lease', function () {
  this.timeout(120_000);
  // Every Graph call takes 1 s, so the kill lands while Graph holds the invitation.
  const processes = withBotProcesses('all', { graph: { latencyMs: 1_000 } });
  const guest = 'partner@fabrikam.com';
  const chat = 'a:requester-chat';

  it('posts the fresh link within 30 s of the restart: one email, one guest, one link message', async () => {
    const [id] = await processes.seed([{ guestEmail: guest, chat, requesterId: 'adele' }]);
    // JOB_LEASE_SECONDS and SEND_INVITATION_EMAIL at their defaults, as a deployed bot runs.
    const bot = processes.process();
    await bot.start();
    for (const deadline = Date.now() + 30_000; processes.invitations().length === 0;) {
      if (Date.now() > deadline) throw new Error(`the bot never invited:\n${bot.output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await bot.signal('SIGKILL');
    const restartedAt = Date.now();
    await bot.start();
    await processes.channel.waitFor(() => processes.linksIn(chat).length > 0, `the redeem link:\n${bot.output.slice(-3000)}`, 75_000);
    const seconds = (Date.now() - restartedAt) / 1000;
    console.log(`      recovery: the link ${seconds.toFixed(1)} s after the restart, killed while inviting`);
    assert.ok(seconds < 30, `the link came ${seconds.toFixed(1)} s after the restart`);

    // The kill landed before Graph answered: the restarted bot invited again, without an email.
    assert.deepEqual(
      processes.invitations().map((body) => body.sendInvitationMessage),
      [true, false],
    );
    assert.equal(await processes.guestsWith(guest), 1, 'one guest');
    const request = (await processes.waitForStates([id], 'invited', 10_000)).get(id);
    await processes.settled(10_000);
    assert.equal(processes.linksIn(chat).length, 1, 'one message with the link');
    assert.ok(processes.linksIn(chat)[0].text?.includes(request?.inviteRedeemUrl ?? '?'), 'the link recorded, from the second invitation');
  });
});

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
