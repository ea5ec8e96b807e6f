/**
 * Upgrading a database filed before several guests could share a request: migration 015 keeps each
 * old request as a request for one guest (its row is its first guest, the request's id its own), so
 * the repository reads, lists and decides it as before, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrations/migrator';
import { botDatabases, unmigratedKysely } from '../support/databases';
import { requestRepository } from '../support/requestRepository';

for (const database of botDatabases) {
  describe(`migration 015 on a database of one-guest requests (${database.name})`, () => {
    it('keeps every request as a request for one guest, read and decided as before', async () => {
      const { url, drop } = await database.create();
      const db = unmigratedKysely(url);
      try {
        const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo('014_inactive_guests');
        assert.equal(migrated.error, undefined);
        for (const [id, state] of [
          ['GA-AAAAAA', 'pending_approval'],
          ['GA-BBBBBB', 'invited'],
        ]) {
          await sql`
            insert into access_requests (id, state, version, tenant_id, requester_id, requester_name, requester_address, requester_locale, requester_conversation_id,
              guest_email, resource_ids, justification, sponsor_id, sponsor_name, sponsor_address, sponsor_locale, approval_local_test, created_at, updated_at)
            values (${id}, ${state}, 1, 't', 'r', 'R', 'r@contoso.com', 'en', 'c', 'kim@fabrikam.com', '["falcon-team"]', 'why', 's', 'S', 's@contoso.com', 'en',
              0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`.execute(db);
        }

        await migrateToLatest(db);

        const rows = await db.selectFrom('access_requests').select(['id', 'request_id', 'guest_number']).orderBy('id').execute();
        assert.deepEqual(rows, [
          { id: 'GA-AAAAAA', request_id: 'GA-AAAAAA', guest_number: 1 },
          { id: 'GA-BBBBBB', request_id: 'GA-BBBBBB', guest_number: 1 },
        ]);
        const requests = requestRepository(db);
        assert.deepEqual(
          (await requests.guestsOfRequest('GA-BBBBBB')).map((g) => [g.id, g.requestId, g.state]),
          [['GA-BBBBBB', 'GA-BBBBBB', 'invited']],
        );
        const decided = await requests.transition({ id: 'GA-AAAAAA', from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
        assert.equal(decided?.state, 'approved');
        const jobs = await db.selectFrom('jobs').select(['kind', 'request_id']).where('request_id', '=', 'GA-AAAAAA').orderBy('kind').execute();
        assert.deepEqual(jobs, [
          { kind: 'provisionGuest', request_id: 'GA-AAAAAA' },
          { kind: 'updateApprovalCard', request_id: 'GA-AAAAAA' },
        ]);
      } finally {
        await db.destroy();
        await drop();
      }
    });
  });
}
