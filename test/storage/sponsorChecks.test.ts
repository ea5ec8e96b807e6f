/**
 * Migration 013 and the sponsor check's claims, on SQLite and PostgreSQL: requests that gave access
 * before the upgrade are checked at the first cycle; two instances claiming at once share the due
 * requests and never read one twice; ended requests lose their due time; of two takeovers at once,
 * one wins.
 */
import assert from 'node:assert/strict';
import { Migrator, sql } from 'kysely';
import { loadConfig } from '../../src/config';
import { migrateToLatest, migrationProvider } from '../../src/storage/migrations/migrator';
import { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { openDatabase } from '../../src/storage/database';
import { botDatabases, unmigratedKysely } from '../support/databases';
import { grantedRequest } from '../support/requestStates';

const HOUR = 3_600_000;

for (const database of botDatabases) {
  describe(`the sponsor check's storage (${database.name})`, () => {
    it('migration 013 makes every request that gives access due, and no other', async () => {
      const { url, drop } = await database.create();
      const db = unmigratedKysely(url);
      try {
        assert.equal((await new Migrator({ db, provider: migrationProvider }).migrateTo('011_extension_stages')).error, undefined);
        const row = (id: string, state: string) => sql`
          insert into access_requests (id, state, version, tenant_id, requester_id, requester_name, requester_address, requester_locale, requester_conversation_id,
            guest_email, resource_ids, justification, sponsor_id, sponsor_name, sponsor_address, sponsor_locale, approval_local_test, created_at, updated_at)
          values (${id}, ${state}, 3, 't', 'r', 'R', 'r@contoso.com', 'en', 'c', 'kim@fabrikam.com', '["falcon-team"]', 'why', 's', 'S', 's@contoso.com', 'en',
            0, '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`;
        for (const [id, state] of [
          ['GA-AAAAAA', 'invited'],
          ['GA-BBBBBB', 'accepted'],
          ['GA-CCCCCC', 'ended'],
          ['GA-DDDDDD', 'pending_approval'],
        ]) {
          await row(id, state).execute(db);
        }
        await migrateToLatest(db);
        const due = await db.selectFrom('access_requests').select(['id', 'sponsor_check_at']).orderBy('id').execute();
        assert.deepEqual(due, [
          { id: 'GA-AAAAAA', sponsor_check_at: '2026-01-02T00:00:00.000Z' },
          { id: 'GA-BBBBBB', sponsor_check_at: '2026-01-02T00:00:00.000Z' },
          { id: 'GA-CCCCCC', sponsor_check_at: null },
          { id: 'GA-DDDDDD', sponsor_check_at: null },
        ]);
      } finally {
        await db.destroy();
        await drop();
      }
    });

    it('shares due checks between two instances claiming at once, clears ended ones, and lets one of two takeovers win', async () => {
      const { url, drop } = await database.create();
      const opened = await openDatabase(url);
      // A second pool on the same database stands for another instance (SQLite in memory has one connection).
      const other = url === ':memory:' ? opened : await openDatabase(url);
      const config = loadConfig({});
      const now = new Date();
      const first = new SqlRequestRepository(opened.db, { followUp: config, clock: () => now });
      const second = new SqlRequestRepository(other.db, { followUp: config, clock: () => now });
      try {
        const ids: string[] = [];
        for (let n = 0; n < 30; n++) ids.push((await grantedRequest(first, n % 2 ? 'accepted' : 'invited')).id);
        const ended = ids.pop() as string;
        await opened.db.updateTable('access_requests').set({ state: 'ended' }).where('id', '=', ended).execute();
        const later = new Date(now.getTime() + 25 * HOUR);
        const next = new Date(later.getTime() + 24 * HOUR);
        const [a, b] = await Promise.all([first.claimSponsorChecks(later, 1_000, next), second.claimSponsorChecks(later, 1_000, next)]);
        const claimed = [...a, ...b].map((r) => r.id).sort();
        assert.deepEqual(claimed, [...ids].sort(), 'every due request once, by one instance or the other');
        assert.ok(claimed.every((id) => id !== ended));
        assert.equal((await first.get(ended))?.sponsorCheckAt, undefined, 'an ended request loses its due time');
        assert.deepEqual(await first.claimSponsorChecks(later, 1_000, next), [], 'nothing due until the next interval');

        // The sponsor leaves; two take over at the same moment: one wins.
        const [id] = ids;
        const leftAt = later.toISOString();
        await first.changeIf({
          id,
          states: ['invited', 'accepted'],
          onlyWhile: [{ field: 'sponsorLeftAt', equals: null }],
          patch: { sponsorLeftAt: leftAt },
          actor: { kind: 'system' },
          action: 'sponsorLeft',
        });
        const takeOver = (repository: SqlRequestRepository, who: string) =>
          repository.changeIf({
            id,
            states: ['invited', 'accepted'],
            onlyWhile: [{ field: 'sponsorLeftAt', equals: leftAt }],
            patch: { sponsor: { id: who, displayName: who, address: `${who}@contoso.com` }, sponsorLeftAt: undefined },
            actor: { kind: 'user', id: who, displayName: who },
            action: 'sponsorTakenOver',
          });
        const outcomes = await Promise.all([takeOver(first, 'x'), takeOver(second, 'y')]);
        assert.equal(outcomes.filter(Boolean).length, 1, 'one takeover wins');
        const winner = outcomes.find(Boolean)?.sponsor.id;
        assert.equal((await first.get(id))?.sponsor.id, winner);
        assert.equal((await first.auditTrail(id)).filter((e) => e.action === 'sponsorTakenOver').length, 1);
      } finally {
        if (other !== opened) await other.close();
        await opened.close();
        await drop();
      }
    });
  });
}
