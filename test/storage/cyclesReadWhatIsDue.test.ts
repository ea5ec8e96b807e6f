/**
 * The periodic checks (the sweeper, the redemption watcher's, sponsor check's and inactivity check's
 * claims) read what is due, not the history: every statement of a cycle is answered from an index
 * by due time or by recent change, never by reading a whole table or every request in a state.
 * A deployment keeps every request it ever filed; without this, each cycle's cost grew with them
 * (issue 25: a sweep read every request in each state and its audit trail). SQLite's query plans
 * are asked of the statements a cycle really runs; PostgreSQL chooses its plans from its
 * statistics, so there the indexes are checked to exist.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, sql, SqliteDialect } from 'kysely';
import Database from 'libsql';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { Sweeper } from '../../src/jobs/sweeper';
import { openDatabase } from '../../src/storage/database';
import type { Schema } from '../../src/storage/schema';
import { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { withStatementCache } from '../../src/storage/statementCache';
import { testDatabases } from '../support/databases';
import { requestDraft } from '../support/requestDraft';

const DAY = 86_400_000;

describe('periodic checks read what is due, not the history (SQLite plans)', () => {
  let file: string;
  let db: Kysely<Schema>;
  let statements: Array<{ sql: string; parameters: readonly unknown[] }>;

  beforeEach(async () => {
    file = join(mkdtempSync(join(tmpdir(), 'cycles-')), 'bot.db');
    await (await openDatabase(file)).close();
    statements = [];
    db = new Kysely<Schema>({
      dialect: new SqliteDialect({ database: withStatementCache(new Database(file)) }),
      log: (event) => void statements.push({ sql: event.query.sql, parameters: event.query.parameters }),
    });
  });
  afterEach(async () => db.destroy());

  /** Every plan line of the statements `cycle` ran, read on a connection of its own. */
  async function planOf(cycle: () => Promise<unknown>): Promise<string[]> {
    statements = [];
    await cycle();
    const planner = new Database(file, { readonly: true });
    try {
      return statements
        .filter(({ sql }) => !/^(begin|commit|rollback)/.test(sql))
        .flatMap(({ sql, parameters }) =>
          (planner.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(parameters as unknown[])) as Array<{ detail: string }>).map((row) => row.detail),
        );
    } finally {
      planner.close();
    }
  }

  /** A plan line that reads a whole table, or every request in a state or job of a status (an index on that alone used). */
  function unbounded(plan: readonly string[]): string[] {
    return plan.filter((line) => /^SCAN (?!(\d+ )?CONSTANT ROW)/.test(line) || /USING INDEX \w+ \((state|status)=\?\)$/.test(line));
  }

  // The inactivity check on, so that accepting sets its due time too.
  const config = loadConfig({ INACTIVE_GUEST_DAYS: '30' });
  const repository = () => new SqlRequestRepository(db, { followUp: config });

  /**
   * Something due for each check, so that each cycle's claim runs too: a guest invited and one who
   * accepted 40 days ago (their checks long due), the second's card update lost (the sweeper's to queue).
   */
  beforeEach(async () => {
    const then = new Date(Date.now() - 40 * DAY);
    const past = new SqlRequestRepository(db, { followUp: config, clock: () => then });
    for (const state of ['invited', 'accepted'] as const) {
      const { id } = await past.create(requestDraft({ guestEmail: `${state}@fabrikam.com` }), { kind: 'system' });
      await past.transition({ id, from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
      await past.transition({ id, from: 'approved', to: 'invited', actor: { kind: 'system' }, patch: { invitedUserId: `${state}-guest` } });
      if (state === 'accepted') await past.transition({ id, from: 'invited', to: 'accepted', actor: { kind: 'system' } });
    }
    await db.deleteFrom('jobs').execute();
  });

  it("a sweep reads the changes made since the retention's cutoff, from the audit events by state and time", async () => {
    let queued = 0;
    const plan = await planOf(async () => ({ queued } = await new Sweeper(db, 'sqlite', pino({ level: 'silent' }), { retentionMs: 60 * DAY }).sweep()));
    assert.ok(queued > 0, 'the sweep found the lost work');
    assert.deepEqual(unbounded(plan), [], plan.join('\n'));
    assert.ok(
      plan.some((line) => /audit_events_state_at/.test(line)),
      plan.join('\n'),
    );
  });

  it("the sponsor check's claim reads the requests whose check is due, by due time", async () => {
    let claimed = 0;
    const plan = await planOf(async () => ({ length: claimed } = await repository().claimSponsorChecks(new Date(), 1000, new Date(Date.now() + DAY))));
    assert.equal(claimed, 2);
    assert.deepEqual(unbounded(plan), [], plan.join('\n'));
  });

  it("the redemption watcher's and the inactivity check's claims read the due requests, by state and due time", async () => {
    const claimed: number[] = [];
    const plan = [
      ...(await planOf(async () => claimed.push((await repository().claimRedemptionChecks(new Date(), 300, () => new Date(Date.now() + DAY))).length))),
      ...(await planOf(async () => claimed.push((await repository().claimActivityChecks(new Date(), 300, new Date(Date.now() + DAY))).length))),
    ];
    assert.deepEqual(claimed, [1, 1]);
    assert.deepEqual(unbounded(plan), [], plan.join('\n'));
  });
});

for (const target of testDatabases.filter((t) => t.name === 'PostgreSQL')) {
  describe(`periodic checks' indexes on ${target.name}`, () => {
    it('has the index of audit events by state and time the sweeper reads from (migration 016)', async () => {
      const database = await target.open();
      try {
        const found = await sql<{
          indexname: string;
        }>`select indexname from pg_indexes where tablename = 'audit_events' and indexdef like '%(to_state, at)%'`.execute(database.db);
        assert.deepEqual(
          found.rows.map((row) => row.indexname),
          ['audit_events_state_at'],
        );
      } finally {
        await database.close();
      }
    });
  });
}
