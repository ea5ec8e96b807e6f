/**
 * The inactivity watcher's due times on the requests table (migration 014_inactive_guests), the
 * same on SQLite and PostgreSQL: set by the acceptance only when INACTIVE_GUEST_DAYS is on,
 * cleared when the request stops being accepted, claimed by one of two instances asking at once,
 * read again when a reading is recorded, and given to guests who accepted before it was turned on.
 */
import assert from 'node:assert/strict';
import type { OpenDatabase } from '../../src/storage/database';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { loadConfig } from '../../src/config';
import { testDatabases } from '../support/databases';
import { grantedRequest, MEGAN } from '../support/requestStates';
import { requestRepository } from '../support/requestRepository';

const DAY = 86_400_000;

for (const target of testDatabases) {
  describe(`inactive guest checks on ${target.name}`, function () {
    this.timeout(20_000);
    let database: OpenDatabase;
    let now: Date;
    /** Two instances of the bot on one database, with the check on (30 days). */
    let one: SqlRequestRepository;
    let other: SqlRequestRepository;

    beforeEach(async () => {
      database = await target.open();
      now = new Date('2027-01-01T00:00:00.000Z');
      const followUp = loadConfig({ INACTIVE_GUEST_DAYS: '30' });
      one = requestRepository(database.db, { followUp, clock: () => now });
      other = requestRepository(database.db, { followUp, clock: () => now });
    });
    afterEach(async () => database.close());

    it('gives an accepted request its first read one period after the acceptance, and clears it when the access ends', async () => {
      const accepted = await grantedRequest(one, 'accepted');
      assert.equal(accepted.activityCheckAt, new Date(now.getTime() + 30 * DAY).toISOString());
      const ended = await one.transition({ id: accepted.id, from: 'accepted', to: 'ended', actor: MEGAN });
      assert.equal(ended?.activityCheckAt, undefined);
      const row = await database.db.selectFrom('access_requests').select('activity_check_at').where('id', '=', accepted.id).executeTakeFirstOrThrow();
      assert.equal(row.activity_check_at, null, 'a request no longer accepted costs the check nothing');
    });

    it('gives none with the check off, and none to a guest who must accept again', async () => {
      const off = requestRepository(database.db, { followUp: loadConfig({}), clock: () => now });
      assert.equal((await grantedRequest(off, 'accepted')).activityCheckAt, undefined);
      const watched = await grantedRequest(one, 'accepted');
      const reset = await one.transition({ id: watched.id, from: 'accepted', to: 'invited', actor: MEGAN });
      assert.equal(reset?.activityCheckAt, undefined);
    });

    it('lets one of two instances claim each due read, moving it to the retry time', async () => {
      const ids: string[] = [];
      for (let n = 0; n < 6; n++) ids.push((await grantedRequest(one, 'accepted')).id);
      now = new Date(now.getTime() + 31 * DAY);
      const retryAt = new Date(now.getTime() + 3_600_000);
      const [a, b] = await Promise.all([one.claimActivityChecks(now, 300, retryAt), other.claimActivityChecks(now, 300, retryAt)]);
      assert.deepEqual([...a, ...b].map((r) => r.id).sort(), [...ids].sort(), 'each claimed once, by one of them');
      assert.ok([...a, ...b].every((r) => r.activityCheckAt === retryAt.toISOString()));
      assert.deepEqual(await one.claimActivityChecks(now, 300, retryAt), [], 'nothing due until the retry');
    });

    it('records a reading only while the request is accepted, unaudited, and gives unwatched accepted requests a read now', async () => {
      const accepted = await grantedRequest(one, 'accepted');
      const audited = (await one.auditTrail(accepted.id)).length;
      await one.recordSignInReading(accepted.id, { lastSignInAt: '2027-01-10T00:00:00.000Z', activityCheckAt: '2027-02-09T00:00:00.000Z' });
      const read = await one.get(accepted.id);
      assert.equal(read?.lastSignInAt, '2027-01-10T00:00:00.000Z');
      assert.equal(read?.activityCheckAt, '2027-02-09T00:00:00.000Z');
      assert.equal((await one.auditTrail(accepted.id)).length, audited, 'a reading is not a change anybody made');

      // Accepted before the check was on: no read, until the watcher's first cycle gives one.
      const before = await grantedRequest(requestRepository(database.db, { followUp: loadConfig({}), clock: () => now }), 'accepted');
      assert.equal(await one.watchActivityOfUnwatched(now), 1);
      assert.equal((await one.get(before.id))?.activityCheckAt, now.toISOString());
      assert.equal(await one.watchActivityOfUnwatched(now), 0);
    });

    it('keeps the question, its card and its answer, and changes it only while it is the same question', async () => {
      const accepted = await grantedRequest(one, 'accepted');
      const askedAt = now.toISOString();
      await one.changeIf({
        id: accepted.id,
        states: ['accepted'],
        patch: { inactivityQuestion: { askedAt } },
        actor: { kind: 'system' },
        action: 'inactiveGuestFound',
      });
      const keep = () =>
        one.changeIf({
          id: accepted.id,
          states: ['accepted'],
          onlyWhile: [
            { field: 'inactivityAskedAt', equals: askedAt },
            { field: 'inactivityAnswer', equals: null },
          ],
          patch: { inactivityQuestion: { askedAt, cardId: 'card-1', answer: 'kept' } },
          actor: MEGAN,
          action: 'inactiveGuestKept',
        });
      assert.deepEqual((await keep())?.inactivityQuestion, { askedAt, cardId: 'card-1', answer: 'kept' });
      assert.equal(await keep(), undefined, 'answered once');
    });
  });
}
