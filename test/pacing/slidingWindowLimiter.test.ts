/**
 * The limiter on a clock the test owns: calls under a key go at the documented pace, in the
 * order they came, a 429's hold is kept, and a caller who will not wait long is told how long.
 */
import assert from 'node:assert/strict';
import { belowLimits, PaceTooSlow, SlidingWindowLimiter } from '../../src/pacing/slidingWindowLimiter';
import { TEAMS_CONVERSATION_LIMITS } from '../../src/messaging/pacedMessenger';

function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms), at: () => now };
}

describe('sliding window limiter', () => {
  it('lets 60 cards to one conversation through in order, never more than Teams allows in any window', async () => {
    const time = fakeTime();
    const limiter = new SlidingWindowLimiter(belowLimits(TEAMS_CONVERSATION_LIMITS), time);
    const sent: { card: number; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 60 }, async (_, card) => {
        await limiter.take('megan');
        sent.push({ card, at: time.at() });
      }),
    );
    assert.deepEqual(
      sent.map((s) => s.card),
      Array.from({ length: 60 }, (_, i) => i),
      'in the order they came',
    );
    for (const { perMs, max } of TEAMS_CONVERSATION_LIMITS) {
      for (const { at } of sent) {
        const inWindow = sent.filter((s) => s.at >= at && s.at < at + perMs).length;
        assert.ok(inWindow <= max, `${inWindow} sends in ${perMs} ms from ${at} (Teams allows ${max})`);
      }
    }
    // 54 in the first 30 s (a tenth below 60), the rest once the window moves on.
    assert.equal(sent.filter((s) => s.at < 30_000).length, 54);
    assert.ok(sent[59].at < 40_000, `the last went at ${sent[59].at} ms`);
  });

  it('keeps other conversations apart: one busy chat does not slow another', async () => {
    const time = fakeTime();
    const limiter = new SlidingWindowLimiter(belowLimits(TEAMS_CONVERSATION_LIMITS), time);
    for (let i = 0; i < 6; i++) await limiter.take('megan');
    assert.ok(limiter.waitMs('megan') > 0);
    assert.equal(limiter.waitMs('diego'), 0);
  });

  it('holds a key for a 429’s Retry-After, with up to a fifth more at random', async () => {
    const time = fakeTime();
    const limiter = new SlidingWindowLimiter([{ perMs: 1_000, max: 100 }], { ...time, random: () => 0.5 });
    limiter.holdFor('megan', 10_000);
    assert.equal(limiter.waitMs('megan'), 11_000);
    await limiter.take('megan');
    assert.equal(time.at(), 11_000);
  });

  it('tells a caller who will not wait that long how long it would be, and counts nothing', async () => {
    const time = fakeTime();
    const limiter = new SlidingWindowLimiter([{ perMs: 30_000, max: 1 }], time);
    await limiter.take('megan');
    await assert.rejects(limiter.take('megan', 5_000), (error: unknown) => error instanceof PaceTooSlow && error.waitMs === 30_000);
    assert.equal(limiter.waitMs('megan'), 30_000, 'the refused call was not counted');
  });
});
