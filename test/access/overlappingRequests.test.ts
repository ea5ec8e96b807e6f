/**
 * Several requests for one guest, decided one guest at a time: two requests sharing a resource that
 * end in the same worker cycle (the same end date, or a backlog after an outage) leave the guest
 * without it, and the account action runs once, on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../src/simulator/directorySimulator';
import { botDatabases } from '../support/databases';
import { settleJobs } from '../support/settle';
import { TestClock } from '../support/testClock';
import { invitedRequest, startTestBot, type TestBot, users, waitForState } from '../support/testBot';

const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';
const DAY = 86_400_000;
const REPETITIONS = 5;

for (const database of botDatabases) {
  describe(`two requests for one guest ending together (${database.name})`, function () {
    this.timeout(120_000);

    it(`removes the shared resource exactly once and runs GUEST_END_ACTION once, ${REPETITIONS} times in a row`, async () => {
      for (let round = 0; round < REPETITIONS; round++) {
        const { url, drop } = await database.create();
        const clock = new TestClock();
        const bot: TestBot = await startTestBot({ DATABASE_URL: url, GUEST_END_ACTION: 'disable' }, undefined, { clock: clock.now });
        try {
          const endsAt = new Date(clock.now().getTime() + 10 * DAY).toISOString();
          const guestEmail = `partner${round}@fabrikam.com`;
          const first = await invitedRequest(bot, users.adele, { accessDays: 10, endsAt, guestEmail });
          const second = await invitedRequest(bot, users.adele, { accessDays: 10, endsAt, guestEmail, resourceIds: ['falcon-team'] });
          const guest = first.invited.invitedUserId as string;
          assert.equal(second.invited.invitedUserId, guest);
          const start = bot.app.simulator?.requests.length ?? 0;

          // Both ends are due in the same cycle: the worker runs them side by side.
          clock.advance(10 * DAY + 60_000);
          bot.app.worker.wake();
          await waitForState(bot, first.request.id, 'ended');
          await waitForState(bot, second.request.id, 'ended');
          await settleJobs(bot);

          const calls = ((bot.app.simulator?.requests ?? []).slice(start) as RecordedRequest[]).flatMap(
            (call): Array<{ method: string; path: string; status?: number }> => [...(call.batchItems ?? [call])],
          );
          assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest), `round ${round}: the guest keeps Falcon`);
          assert.equal(
            calls.filter((c) => c.method === 'DELETE' && c.path.includes(`/groups/${FALCON_GROUP}/members/`) && c.status === 204).length,
            1,
            `round ${round}: Falcon removed once`,
          );
          assert.equal(calls.filter((c) => c.method === 'PATCH' && c.path.endsWith(`/users/${guest}`)).length, 1, `round ${round}: the account disabled once`);
          assert.equal(bot.app.simulator?.getUser(guest)?.accountEnabled, false, `round ${round}: the account is disabled`);
        } finally {
          await bot.close();
          await drop();
        }
      }
    });
  });
}
