/**
 * Upgrading a database whose requests were granted before the bot kept what it gave: migration
 * 010 brings it in from their audit trail, so their end of access still takes away what the bot
 * added, and only that, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrations/migrator';
import { botDatabases, unmigratedKysely } from '../support/databases';

const GUEST = 'b7c8d9e0-0000-4000-8000-0000000000aa';

for (const database of botDatabases) {
  describe(`migration 010 on a database granted before it (${database.name})`, () => {
    it('records as the bot’s what its grants added, and whose account its invitation created', async () => {
      const { url, drop } = await database.create();
      const db = unmigratedKysely(url);
      try {
        const migrated = await new Migrator({ db, provider: migrationProvider }).migrateTo('009_requests_by_person_and_guest');
        assert.equal(migrated.error, undefined);
        const row = (id: string, state: string, existingGuest: string | null = null) => sql`
          insert into access_requests (id, state, version, tenant_id, requester_id, requester_name, requester_address, requester_locale, requester_conversation_id,
            guest_email, resource_ids, justification, sponsor_id, sponsor_name, sponsor_address, sponsor_locale, invited_user_id, approval_local_test, existing_guest, created_at, updated_at)
          values (${id}, ${state}, 3, 't', 'r', 'R', 'r@contoso.com', 'en', 'c', 'kim@fabrikam.com', '["falcon-team","partner-extranet","expenses-app"]', 'why', 's', 'S', 's@contoso.com', 'en',
            ${GUEST}, 0, ${existingGuest}, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`;
        const granted = (id: string, to: string, grants: string[], extra = {}) => sql`
          insert into audit_events (request_id, at, actor_kind, action, from_state, to_state, detail)
          values (${id}, '2026-01-02T00:00:00.000Z', 'system', ${to}, 'approved', ${to}, ${JSON.stringify({ invitedUserId: GUEST, grants: grants.map((result, i) => ({ kind: i < 3 ? 'group' : 'sponsor', result })), ...extra })})`;
        // Invited by the bot: Falcon and Expenses added, the extranet there already.
        await row('GA-AAAAAA', 'invited').execute(db);
        await granted('GA-AAAAAA', 'invited', ['granted', 'alreadyPresent', 'granted', 'granted']).execute(db);
        // A later request for the same guest, found accepted: nothing it gave, not its account.
        await row('GA-BBBBBB', 'accepted', '{"state":"Accepted"}').execute(db);
        await granted('GA-BBBBBB', 'accepted', ['alreadyPresent', 'alreadyPresent', 'alreadyPresent', 'granted'], { alreadyGuest: true }).execute(db);

        await migrateToLatest(db);

        const grants = await db.selectFrom('guest_grants').select(['guest_id', 'resource_id', 'state', 'request_id']).orderBy('resource_id').execute();
        assert.deepEqual(grants, [
          { guest_id: GUEST, resource_id: 'expenses-app', state: 'given', request_id: 'GA-AAAAAA' },
          { guest_id: GUEST, resource_id: 'falcon-team', state: 'given', request_id: 'GA-AAAAAA' },
        ]);
        const created = await db.selectFrom('access_requests').select(['id', 'created_guest_account']).orderBy('id').execute();
        assert.deepEqual(created, [
          { id: 'GA-AAAAAA', created_guest_account: 1 },
          { id: 'GA-BBBBBB', created_guest_account: 0 },
        ]);
      } finally {
        await db.destroy();
        await drop();
      }
    });
  });
}
