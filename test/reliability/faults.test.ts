/**
 * Graph throttling and outages on a third of the calls, top-level and inside `$batch`: every
 * request still ends invited, once, and nothing is resent before the `Retry-After` it was given.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../src/simulator';
import { eventually } from '../support/eventually';
import { fileRequest, type TestBot, users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const REQUESTS = 8;

describe('provisioning while Graph throttles and fails a third of the calls', function () {
  this.timeout(90_000);
  const bot = withTestBot({}, { start: 'before' });

  it('invites everyone once, resending nothing before its Retry-After', async () => {
    const simulator = bot.app.simulator as NonNullable<TestBot['app']['simulator']>;
    const filed: Awaited<ReturnType<typeof fileRequest>>[] = [];
    for (let n = 0; n < REQUESTS; n++) filed.push(await fileRequest(bot, users.adele, 10_000, { guestEmail: `partner${n}@fabrikam.com` }));
    const firstFaulted = simulator.requests.length;
    simulator.injectFault({ path: /^\/(invitations|\$batch)$/, status: 429, retryAfterSeconds: 1, times: 1_000, every: 3 });
    simulator.injectFault({ path: /./, status: 503, retryAfterSeconds: 1, times: 1_000, every: 3, inBatch: true });
    for (const { request, cardConversationId } of filed) await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });

    await eventually(
      async () => (await Promise.all(filed.map(({ request }) => bot.requests.get(request.id)))).every((r) => r?.state === 'invited'),
      'every request invited',
      80_000,
    );
    // Everything still due runs before the count, so a late second invitation would be counted too.
    await bot.settle();

    const calls = simulator.requests.slice(firstFaulted);
    const throttled = calls.filter((c) => c.status === 429 || c.status === 503);
    const failedItems = calls.flatMap((c) => (c.batchItems ?? []).filter((item) => item.status === 503).map((item) => ({ call: c, item })));
    assert.ok(throttled.length >= 3 && failedItems.length >= 3, `faults were injected: ${throttled.length} calls, ${failedItems.length} batch items`);

    const early: string[] = [];
    for (const call of throttled) {
      const next = calls.find((c) => c.receivedAt >= call.receivedAt && c !== call && c.method === call.method && c.path === call.path && sameBody(c, call));
      if (next && next.receivedAt - call.receivedAt < (call.retryAfterSeconds ?? 0) * 1000 - 20)
        early.push(`${call.method} ${call.path} resent after ${next.receivedAt - call.receivedAt} ms`);
    }
    for (const { call, item } of failedItems) {
      const next = calls.find(
        (c) => c.receivedAt > call.receivedAt && (c.batchItems ?? []).some((i) => i.path === item.path && JSON.stringify(i.body) === JSON.stringify(item.body)),
      );
      if (next && next.receivedAt - call.receivedAt < 1000 - 20) early.push(`batch item ${item.path} resent after ${next.receivedAt - call.receivedAt} ms`);
    }
    assert.deepEqual(early, [], 'nothing resent before its Retry-After');

    for (let n = 0; n < REQUESTS; n++) {
      const invitations = calls.filter(
        (c) =>
          c.method === 'POST' &&
          c.path.endsWith('/invitations') &&
          c.status === 201 &&
          (c.body as { invitedUserEmailAddress: string }).invitedUserEmailAddress === `partner${n}@fabrikam.com`,
      );
      assert.equal(invitations.length, 1, `partner${n} was invited ${invitations.length} times`);
    }
    console.log(
      `      faults: ${REQUESTS} requests, ${throttled.length} throttled or failed calls, ${failedItems.length} failed batch items, all invited once`,
    );
  });
});

function sameBody(a: RecordedRequest, b: RecordedRequest): boolean {
  return JSON.stringify(a.body) === JSON.stringify(b.body);
}
