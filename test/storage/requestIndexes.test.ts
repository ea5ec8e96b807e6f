/**
 * The questions asked of requests on every request and at every end of access are answered from
 * an index, on SQLite and PostgreSQL, rather than by reading every request a person ever filed.
 */
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { OpenDatabase } from '../../src/storage/database';
import { testDatabases } from '../support/databases';

for (const target of testDatabases) {
  describe(`request indexes on ${target.name}`, () => {
    let database: OpenDatabase;
    beforeEach(async () => {
      database = await target.open();
    });
    afterEach(async () => database.close());

    /** The SQLite plan for `where`, or the PostgreSQL index on `columns`. */
    async function indexFor(where: string, columns: string): Promise<string> {
      if (database.kind === 'sqlite') {
        const plan = await sql<{ detail: string }>`explain query plan select id from access_requests where ${sql.raw(where)}`.execute(database.db);
        return plan.rows.map((row) => row.detail).join(' | ');
      }
      const found = await sql<{
        indexname: string;
      }>`select indexname from pg_indexes where tablename = 'access_requests' and indexdef like ${`%(${columns})%`}`.execute(database.db);
      return found.rows.map((row) => row.indexname).join(' | ');
    }

    it("finds a requester's undecided requests without reading all they filed", async () => {
      const found = await indexFor(`requester_id = 'megan-id' and state in ('pending_approval', 'pending_owner_approval')`, 'requester_id, state');
      assert.match(found, /access_requests_requester_state/, found);
    });

    it("finds a guest's other requests without reading every request", async () => {
      const found = await indexFor(`invited_user_id = 'guest-id' and id != 'GA-X' and state in ('approved', 'invited', 'accepted')`, 'invited_user_id');
      assert.match(found, /access_requests_guest/, found);
    });
  });
}
