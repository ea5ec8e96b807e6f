/**
 * A load run's CPU per whole request in echo turns of the same sitting: the bot's CPU for one whole
 * request (dialog, card, Approve, link) divided by the echo bot's CPU for one turn under the same
 * concurrency (bench/echoLoad), measured right before. The machine's speed changes about 2× from
 * one day to the next; this ratio does not, so the bench states its targets in it.
 */
import { echoLoad, type EchoLoadResult } from './echoLoad';
import { type LoadOptions, load, type LoadResult } from './load';
import { round } from './readings';

export interface InEchoTurns extends LoadResult {
  /** The echo bot, the same number of clients in a closed loop, measured right before. */
  echo: EchoLoadResult;
  /** The bot's CPU per whole request, in the echo bot's CPU per turn. */
  echoTurnsPerRequest: number;
}

/** The load run `options` describes, with its yardstick measured right before it. */
export async function inEchoTurns(options: LoadOptions): Promise<InEchoTurns> {
  const echo = await echoLoad({ clients: options.requesters, warmUpMs: options.warmUpMs, windowMs: options.windowMs });
  const run = await load(options);
  return { ...run, echo, echoTurnsPerRequest: round(run.botCpuMsPerRequest / echo.cpuMsPerTurn) };
}

/**
 * `runs` load runs, each with its yardstick, the yardstick first and last in turn (so that a
 * machine slowing down during the sitting weighs on both sides alike): each run, and the median.
 */
export async function interleavedEchoTurns(options: LoadOptions, runs = 3): Promise<{ runs: InEchoTurns[]; medianEchoTurnsPerRequest: number }> {
  const results: InEchoTurns[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      results.push(await inEchoTurns(options));
    } else {
      const run = await load(options);
      const echo = await echoLoad({ clients: options.requesters, warmUpMs: options.warmUpMs, windowMs: options.windowMs });
      results.push({ ...run, echo, echoTurnsPerRequest: round(run.botCpuMsPerRequest / echo.cpuMsPerTurn) });
    }
  }
  const sorted = results.map((r) => r.echoTurnsPerRequest).sort((a, b) => a - b);
  return { runs: results, medianEchoTurnsPerRequest: sorted[Math.floor(sorted.length / 2)] };
}
