/**
 * What one cycle of each periodic check costs on a database: the redemption watcher's, the sponsor
 * check's (both DueCheckLoops) and the sweeper's (storage/missingWork). Each runs once, in this
 * process, on its own connection that counts the SQL statements and the rows they return, against
 * a directory that counts the Graph round trips it would make (300 people a round trip, as
 * directory/graphDirectory batches them). SQLite does not tell how many rows a statement read, so
 * each statement's query plan is asked too: a `SCAN` of a table reads all of it.
 */
import { Kysely, type KyselyPlugin, SqliteDialect } from 'kysely';
import Database from 'libsql';
import pino from 'pino';
import { RedemptionWatcher } from '../src/access/redemptionWatcher';
import { SponsorWatcher } from '../src/approvals/sponsorWatcher';
import { loadConfig } from '../src/config';
import type { AccountState, Directory, RedemptionState } from '../src/directory/directory';
import { Sweeper } from '../src/jobs/sweeper';
import { openDatabase } from '../src/storage/database';
import type { Schema } from '../src/storage/schema';
import { SqlRequestRepository } from '../src/storage/sqlRequestRepository';
import { withStatementCache } from '../src/storage/statementCache';
import { round } from './readings';

/** One cycle's work. */
export interface CycleWork {
  /** What the cycle found to do: checks claimed, or jobs the sweeper queued. */
  due: number;
  statements: number;
  rowsReturned: number;
  graphRoundTrips: number;
  ms: number;
  /** Plan lines of its statements that read a whole table or index (`SCAN`); none is the goal. */
  scans: string[];
  /** Every plan line of its statements, once: which index each search used. */
  plan: string[];
  /** Its three slowest statements, to see where a slow cycle's time goes. */
  slowest: Array<{ ms: number; sql: string }>;
}

const GRAPH_IDS_PER_ROUND_TRIP = 300;

/** Every cycle once on `file` (a migrated SQLite file), as if it ran at `at`. */
export async function cyclesOn(file: string, at: Date): Promise<Record<'redemptionWatcher' | 'sponsorCheck' | 'sweeper', CycleWork>> {
  await (await openDatabase(file)).close();
  const raw = new Database(file);
  raw.exec('PRAGMA busy_timeout = 5000');
  // Plans are asked on a connection of their own: an EXPLAIN left open would hold the cycles' transactions.
  const planner = new Database(file, { readonly: true });
  const counted = { statements: 0, rows: 0, sql: [] as Array<{ sql: string; parameters: readonly unknown[]; ms: number }> };
  const counter: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      counted.rows += args.result.rows.length;
      return args.result;
    },
  };
  const db = new Kysely<Schema>({
    // As the bot opens it (storage/database).
    dialect: new SqliteDialect({ database: withStatementCache(raw) }),
    plugins: [counter],
    log: (event) => {
      counted.statements += 1;
      counted.sql.push({ sql: event.query.sql, parameters: event.query.parameters, ms: event.queryDurationMillis });
    },
  });
  const config = loadConfig({});
  const logger = pino({ level: 'silent' });
  const graph = { roundTrips: 0 };
  const directory = countingDirectory(graph);
  const requests = new SqlRequestRepository(db, { followUp: config, clock: () => at });
  const clock = () => at;
  const cycles = {
    redemptionWatcher: async () =>
      (await new RedemptionWatcher({ requests, directory, settings: config.redemption, timing: config.timing, logger, clock }).checkDue()).checked,
    sponsorCheck: async () => (await new SponsorWatcher({ requests, directory, settings: config.sponsorCheck, logger, clock }).checkDue()).checked,
    sweeper: async () => (await new Sweeper(db, 'sqlite', logger, { retentionMs: config.jobs.retentionMs }).sweep(at)).queued,
  };
  const work = {} as Record<keyof typeof cycles, CycleWork>;
  try {
    for (const [name, cycle] of Object.entries(cycles) as Array<[keyof typeof cycles, () => Promise<number>]>) {
      Object.assign(counted, { statements: 0, rows: 0, sql: [] });
      graph.roundTrips = 0;
      const started = performance.now();
      const due = await cycle();
      const ms = round(performance.now() - started);
      const scans = new Set<string>();
      const lines = new Set<string>();
      for (const { sql, parameters } of counted.sql) {
        if (sql.startsWith('begin') || sql.startsWith('commit') || sql.startsWith('rollback')) continue;
        const plan = planner.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(parameters as unknown[])) as Array<{ detail: string }>;
        for (const { detail } of plan) lines.add(detail);
        for (const { detail } of plan) if (/^SCAN (?!(\d+ )?CONSTANT ROW)/.test(detail)) scans.add(detail);
      }
      work[name] = {
        due,
        statements: counted.statements,
        rowsReturned: counted.rows,
        graphRoundTrips: graph.roundTrips,
        ms,
        scans: [...scans],
        plan: [...lines],
        slowest: [...counted.sql]
          .sort((a, b) => b.ms - a.ms)
          .slice(0, 3)
          .map((statement) => ({ ms: round(statement.ms), sql: statement.sql.replace(/\s+/g, ' ').slice(0, 160) })),
      };
    }
  } finally {
    await db.destroy();
    planner.close();
  }
  return work;
}

/** Everyone still waiting and still there, at the cost of the round trips Graph would take. */
function countingDirectory(graph: { roundTrips: number }): Directory {
  const ask = <T>(ids: readonly string[], value: T): Map<string, T> => {
    graph.roundTrips += Math.ceil(ids.length / GRAPH_IDS_PER_ROUND_TRIP);
    return new Map(ids.map((id) => [id, value]));
  };
  return {
    redemptionStates: async (ids: readonly string[]) => ask<RedemptionState>(ids, { state: 'PendingAcceptance' }),
    accountStates: async (ids: readonly string[]) => ask<AccountState>(ids, 'enabled'),
    lastSignIns: async (ids: readonly string[]) => ask(ids, {}),
  } as unknown as Directory;
}
