/**
 * PostgreSQL and several bot processes (issue 25, part 3): PostgreSQL's rate beside SQLite's in the
 * same sitting, two processes on one database as they come, and whether capped processes do the
 * work of as many: two at 0.4 of a core each, three at 0.3 (see cpuCap). A capped run gives each
 * process enough requesters that its core share, not Graph's latency, is the limit: with too few,
 * every run would make what the requesters' waiting allows and the scaling would read 1.
 */
import { postgresSchemaUrl } from '../test/support/databases';
import { CannotCap, load, type LoadOptions, type LoadResult } from './load';
import { round } from './readings';

type Timing = Pick<LoadOptions, 'windowMs' | 'warmUpMs'>;

/** The uncapped runs: as many requesters as the SQLite load runs have. */
const REQUESTERS = 16;
/**
 * Requesters per capped process. One whole request waits about 3 s on Graph (50 ms a call) and the
 * fake Teams, so each requester asks about 20 a minute; 32 of them offer a process several times
 * what 0.3 or 0.4 of a core can answer.
 */
export const REQUESTERS_PER_CAPPED_PROCESS = 32;

/** Issue 25's targets: n capped processes do at least `target` times the work of one. */
export const CAPPED_RUNS = [
  { processes: 2, coresEach: 0.4, target: 1.85 },
  { processes: 3, coresEach: 0.3, target: 2.6 },
] as const;

/** PostgreSQL must make at least this share of SQLite's rate, one process each, in the same sitting. */
export const POSTGRES_TARGET = 0.9;

export interface PostgresBesideSqlite {
  /** In the order they ran: SQLite, PostgreSQL, PostgreSQL, SQLite (a machine slowing down weighs on both alike). */
  runs: Array<{ database: 'sqlite' | 'postgres' } & LoadResult>;
  /** PostgreSQL's requests a minute over SQLite's, each summed over its two runs. */
  rateRatio: number;
  /** The bot's CPU per whole request on SQLite over PostgreSQL's: the rate each would make were the bot's core the limit. */
  cpuRatio: number;
}

/** Two runs of each, interleaved; skipped, with the reason, without a PostgreSQL server. */
export async function postgresBesideSqlite(timing: Timing): Promise<PostgresBesideSqlite | { skipped: string }> {
  const runs: PostgresBesideSqlite['runs'] = [];
  for (const database of ['sqlite', 'postgres', 'postgres', 'sqlite'] as const) {
    if (database === 'sqlite') {
      runs.push({ database, ...(await load({ requesters: REQUESTERS, ...timing })) });
      continue;
    }
    const run = await onPostgres((databaseUrl) => load({ requesters: REQUESTERS, ...timing, databaseUrl }));
    if ('skipped' in run) return run;
    runs.push({ database, ...run });
  }
  const sum = (database: string, pick: (run: LoadResult) => number) => runs.filter((r) => r.database === database).reduce((s, r) => s + pick(r), 0);
  return {
    runs,
    rateRatio: round(sum('postgres', (r) => r.requestsPerMinute) / sum('sqlite', (r) => r.requestsPerMinute)),
    cpuRatio: round(sum('sqlite', (r) => r.botCpuMsPerRequest) / sum('postgres', (r) => r.botCpuMsPerRequest)),
  };
}

/** One process and then two on one PostgreSQL database, as they come: on 2 cores the second shares what the first left. */
export async function uncappedPair(timing: Timing): Promise<Record<string, unknown>> {
  const runs: Record<number, LoadResult> = {};
  for (const processes of [1, 2]) {
    const run = await onPostgres((databaseUrl) => load({ requesters: REQUESTERS, ...timing, processes, databaseUrl }));
    if ('skipped' in run) return run;
    runs[processes] = run;
  }
  return { ...runs, scaling: round(runs[2].requestsPerMinute / runs[1].requestsPerMinute) };
}

export interface CappedScaling {
  processes: number;
  coresEach: number;
  target: number;
  one: LoadResult;
  several: LoadResult;
  /** What `processes` did over what one did. */
  scaling: number;
}

/** Each of CAPPED_RUNS: one capped process, then `processes` of them, on PostgreSQL. */
export async function cappedScaling(timing: Timing): Promise<CappedScaling[] | { skipped: string }> {
  const results: CappedScaling[] = [];
  for (const { processes, coresEach, target } of CAPPED_RUNS) {
    const capped = (count: number) =>
      onPostgres((databaseUrl) => load({ requesters: REQUESTERS_PER_CAPPED_PROCESS * count, ...timing, processes: count, coresEach, databaseUrl }));
    try {
      const one = await capped(1);
      if ('skipped' in one) return one;
      const several = await capped(processes);
      if ('skipped' in several) return several;
      // A window too short for one capped process to finish a request (`--quick`) gives no scaling: 0.
      const scaling = one.requestsPerMinute > 0 ? round(several.requestsPerMinute / one.requestsPerMinute) : 0;
      results.push({ processes, coresEach, target, one, several, scaling });
    } catch (error) {
      if (error instanceof CannotCap) return { skipped: error.message };
      throw error;
    }
  }
  return results;
}

/** `run` against a schema of its own on the PostgreSQL server, dropped afterwards. */
async function onPostgres<T>(run: (databaseUrl: string) => Promise<T>): Promise<T | { skipped: string }> {
  const database = await postgresSchema();
  if ('skipped' in database) return database;
  try {
    return await run(database.url);
  } finally {
    await database.drop();
  }
}

/**
 * A schema of its own on the PostgreSQL server (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
 * the local server); the reason instead when there is none.
 */
async function postgresSchema(): Promise<{ url: string; drop(): Promise<void> } | { skipped: string }> {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
  try {
    return await postgresSchemaUrl(url, 'bench');
  } catch (error) {
    return { skipped: `no PostgreSQL at ${new URL(url).host} (${(error as Error).message}); set BENCH_DATABASE_URL` };
  }
}
