/**
 * `npm run bench -- --side-by-side <baseline checkout> [<other checkout>…]`: this checkout's bot,
 * each other checkout's (built with `npx tsc -b`) and the echo bot, run AT THE SAME TIME, each in
 * processes of its own with 16 requesters (the echo bot 16 clients), six rounds; per round, each
 * bot's CPU per whole request divided by the baseline's. On a machine that other work keeps busy
 * (the echo bot's CPU per turn moved 2.4× within one sitting on 2026-12-06), runs one after the
 * other differ by more than a change's effect; side by side, every bot sees the same machine at
 * every moment, so the ratio of one round is the change's effect. Each bot gets a smaller share
 * of the machine than alone, so its absolute figures are not those of `--load`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { EchoLoadResult } from './echoLoad';
import { type LoadResult, ROOT } from './load';
import { round } from './readings';

const ROUNDS = 6;
const OPTIONS = { requesters: 16, warmUpMs: 8_000, windowMs: 30_000 };

/** Runs `exported(options)` of a checkout's `dist/bench/<file>` in a process of its own: what it resolves to. */
function runIn<T>(checkout: string, file: string, exported: string, options: object): Promise<T> {
  const script = `require(${JSON.stringify(join(checkout, 'dist/bench', file))}).${exported}(${JSON.stringify(options)}).then((r) => console.log(JSON.stringify(r)))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  child.stdout.on('data', (chunk: Buffer) => (said += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(said.trim().split('\n').at(-1) as string) as T) : reject(new Error(`${checkout}: exit ${code}`)),
    ),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function sideBySide(baseline: string, others: readonly string[]): Promise<Record<string, unknown>> {
  const checkouts = [baseline, ROOT, ...others];
  const rounds: Array<{ runs: LoadResult[]; echo: EchoLoadResult }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [echo, ...runs] = await Promise.all([
      runIn<EchoLoadResult>(ROOT, 'echoLoad.js', 'echoLoad', { clients: OPTIONS.requesters, warmUpMs: OPTIONS.warmUpMs, windowMs: OPTIONS.windowMs }),
      ...checkouts.map((checkout) => runIn<LoadResult>(checkout, 'load.js', 'load', OPTIONS)),
    ]);
    rounds.push({ runs, echo });
    console.log(`round ${i + 1}: ${runs.map((run) => run.botCpuMsPerRequest).join(' / ')} ms a request; echo ${echo.cpuMsPerTurn} ms a turn`);
  }
  const byCheckout = checkouts.map((checkout, c) => {
    const ratios = rounds.map(({ runs }) => runs[c].botCpuMsPerRequest / runs[0].botCpuMsPerRequest);
    return {
      checkout,
      medianRatioToBaseline: round(median(ratios)),
      roundsBelowBaseline: ratios.filter((ratio) => ratio < 1).length,
      medianEchoTurnsPerRequest: round(median(rounds.map(({ runs, echo }) => runs[c].botCpuMsPerRequest / echo.cpuMsPerTurn))),
      medianRequestsPerMinute: median(rounds.map(({ runs }) => runs[c].requestsPerMinute)),
    };
  });
  return { options: OPTIONS, rounds: ROUNDS, byCheckout, perRound: rounds };
}
