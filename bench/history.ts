/**
 * `--history`: is the bot as fast with a deployment's history as on an empty database? The same
 * 16-requester load as `--load` on an empty database and on a copy of the seeded one (100,000 past
 * requests in every state, 20,000 guests waiting to accept: bench/historySeed), interleaved so
 * both see the same machine, with the echo yardstick of the sitting; then one cycle of each
 * periodic check on both (bench/historyCycles).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { echoLoad, type EchoLoadResult } from './echoLoad';
import { type CycleWork, cyclesOn } from './historyCycles';
import { historyCopy, historyTemplate } from './historySeed';
import { load, type LoadOptions, type LoadResult } from './load';
import { round } from './readings';

type Run = LoadResult & { database: 'empty' | 'seeded'; echoTurnsPerRequest: number };

export interface HistoryResult {
  /** Seconds the template took to seed (0: today's was reused). */
  seedSeconds: number;
  echo: EchoLoadResult;
  runs: Run[];
  /** Each seeded run's rate over the empty run beside it; the target is ≥ 0.9. */
  rateRatios: number[];
  medianRateRatio: number;
  /** The same for the bot's CPU per whole request (1 is no dearer). */
  cpuPerRequestRatios: number[];
  /** One cycle of each check, a watcher tick (15 s) after the copy was caught up. */
  cycles: { empty: Record<string, CycleWork>; seeded: Record<string, CycleWork> };
}

/** `pairs` pairs of runs, the empty one first in every other pair. */
export async function historyRuns(timing: Pick<LoadOptions, 'windowMs' | 'warmUpMs'>, pairs = 3, log = console.log): Promise<HistoryResult> {
  log('the seeded database: reused if made today, else seeded now (a few minutes)');
  const { file: template, seedSeconds } = await historyTemplate(log);
  const echo = await echoLoad({ clients: 16, ...timing });
  const run = async (database: Run['database']): Promise<Run> => {
    let databaseUrl: string | undefined;
    if (database === 'seeded') {
      databaseUrl = join(mkdtempSync(join(tmpdir(), 'bench-history-')), 'bot.db');
      await historyCopy(template, databaseUrl);
    }
    log(`  16 requesters, ${database} database`);
    const result = await load({ requesters: 16, ...timing, databaseUrl });
    return { ...result, database, echoTurnsPerRequest: round(result.botCpuMsPerRequest / echo.cpuMsPerTurn) };
  };
  const runs: Run[] = [];
  const rateRatios: number[] = [];
  const cpuPerRequestRatios: number[] = [];
  for (let i = 0; i < pairs; i++) {
    const order: Array<Run['database']> = i % 2 === 0 ? ['empty', 'seeded'] : ['seeded', 'empty'];
    const pair: Run[] = [];
    for (const database of order) pair.push(await run(database));
    const empty = pair.find((r) => r.database === 'empty') as Run;
    const seeded = pair.find((r) => r.database === 'seeded') as Run;
    runs.push(...pair);
    rateRatios.push(round(seeded.requestsPerMinute / empty.requestsPerMinute));
    cpuPerRequestRatios.push(round(seeded.botCpuMsPerRequest / empty.botCpuMsPerRequest));
  }
  const cycles = await cycleComparison(template);
  const sorted = [...rateRatios].sort((a, b) => a - b);
  return { seedSeconds, echo, runs, rateRatios, medianRateRatio: sorted[Math.floor(sorted.length / 2)], cpuPerRequestRatios, cycles };
}

/** One cycle of each check on an empty database and on a caught-up copy of the seeded one. */
export async function cycleComparison(template: string): Promise<HistoryResult['cycles']> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-cycles-'));
  const seeded = join(folder, 'seeded.db');
  await historyCopy(template, seeded);
  const tick = () => new Date(Date.now() + 15_000);
  return { empty: await cyclesOn(join(folder, 'empty.db'), tick()), seeded: await cyclesOn(seeded, tick()) };
}
