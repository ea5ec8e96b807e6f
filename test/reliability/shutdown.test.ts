/**
 * SIGTERM during a slow provisioning: the bot stops within SHUTDOWN_GRACE_SECONDS and exits 0,
 * releasing the job it could not finish; restarted, it completes the request once.
 */
import assert from 'node:assert/strict';
import { withBotProcesses } from '../support/botProcesses';

const CHAT = 'a:requester-chat';

describe('stopping the bot with SIGTERM', function () {
  this.timeout(60_000);
  // Every Graph call takes 1.5 s: the job in hand cannot finish within a 1 s grace.
  const processes = withBotProcesses('all', { graph: { latencyMs: 1_500 } });

  it('exits 0 within the grace, and the restarted bot completes the request once', async () => {
    const [id] = await processes.seed([{ guestEmail: 'partner@fabrikam.com', chat: CHAT, requesterId: 'adele' }]);
    const bot = processes.process({ SHUTDOWN_GRACE_SECONDS: '1' });
    await bot.start();
    // Provisioning is under way: the invitation is with Graph.
    await processes.channel.waitFor(() => processes.channel.messagesTo(CHAT).length > 0, 'the status message');
    const stopping = Date.now();
    assert.equal(await bot.signal('SIGTERM'), 0, bot.output.slice(-2000));
    const tookMs = Date.now() - stopping;
    assert.ok(tookMs < 3_000, `stopped in ${tookMs} ms, more than the 1 s grace allows`);
    assert.match(bot.output, /released it for another worker/);

    // The released job is claimed again at once by the restarted bot.
    await bot.start();
    await processes.channel.waitFor(() => processes.linksIn(CHAT).length > 0, 'the redeem link', 30_000);
    // Whatever else was due runs before the stop, so a second link or invitation would be counted below.
    await processes.settled(30_000);
    assert.equal(await bot.signal('SIGTERM'), 0);

    const { state, invitedEvents } = await processes.read(async (requests) => ({
      state: (await requests.get(id))?.state,
      invitedEvents: (await requests.auditTrail(id)).filter((e) => e.toState === 'invited').length,
    }));
    assert.equal(state, 'invited');
    assert.equal(invitedEvents, 1);
    const emails = processes.emailsTo('partner@fabrikam.com');
    assert.ok(emails <= 1, `${emails} invitation emails`);
    assert.equal(processes.linksIn(CHAT).length, 1);
  });
});
