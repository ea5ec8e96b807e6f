/**
 * The whole-request load runs: requesters each in a chat of their own going through the dialog,
 * the card, Approve and the link against one or more bot processes, with Graph (the simulator) in
 * a process of its own; what they complete a minute and the CPU each side used (several
 * processes and PostgreSQL: bench/processes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BotProcess } from '../test/support/botProcess';
import { FakeTeamsChannel, TENANT_ID, TeamsClient, type TeamsUser } from '../test/support/fakeTeamsChannel';
import { users } from '../test/support/testBot';
import { Arrivals } from './arrivals';
import { benchSponsor } from './benchSponsors';
import { capCpu } from './cpuCap';
import { cpuSeconds, machineBusySeconds, round, rssMiB } from './readings';

export const ROOT = resolve(__dirname, '../..');

/**
 * Limits meant for people (30 turns a minute, 10 open requests) would stop a load test, and a
 * turn skipped by the limiter costs next to nothing, which would flatter the bot: lifted for
 * every bot the bench starts, and only there.
 */
export const LIFTED_LIMITS = { MAX_TURNS_PER_MINUTE: '1000000', MAX_OPEN_REQUESTS: '1000000' };
/**
 * Graph's documented limits (invitations, directory writes) are Microsoft's, not ours: the
 * simulator enforces them in every bench run, as a real tenant would, unless `--no-graph-limits`.
 */
export const GRAPH_LIMITS_ON = !process.argv.includes('--no-graph-limits');
/** The setting that makes an in-process simulator enforce them. */
export const SIMULATED_GRAPH_LIMITS = { SIMULATOR_RATE_LIMITS: String(GRAPH_LIMITS_ON) };
/** Graph's own time for each call in the throughput runs: a fast real tenant's. */
export const GRAPH_LATENCY_MS = 50;

export interface LoadResult {
  requestsPerMinute: number;
  /** The bot's CPU for one whole request, in milliseconds (see echoTurns for it in units of the day). */
  botCpuMsPerRequest: number;
  /** CPU the bot processes used, in cores (all of them together). */
  botCores: number;
  /** CPU the driver (the fake Teams channel and the requesters) used. */
  driverCores: number;
  /** CPU the whole machine was busy with (bots, driver, Graph, PostgreSQL), of `cpus` cores. */
  machineCores: number;
  rssMiB?: Array<{ atS: number; MiB: number }>;
  idleAfterMiB?: number;
  /** Requesters whose request went unanswered (see the warning and the bots' logs). */
  requestersStopped?: number;
}

/** The directory simulator in a process of its own (bench/graphServer), every call `latencyMs` late. */
export async function startGraph(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist/bench/graphServer.js'), String(latencyMs), String(GRAPH_LIMITS_ON)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((ready) => {
    let said = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      const found = /graph at (\S+)/.exec(said);
      if (found) ready(found[1]);
    });
  });
  return { url, child };
}

export interface LoadOptions {
  requesters: number;
  windowMs: number;
  /** Load before the counting starts, so that a run measures a warm server rather than its first seconds. */
  warmUpMs: number;
  /** Bot processes sharing the database; the requesters are dealt out among them. */
  processes?: number;
  /** Default: a fresh SQLite file. */
  databaseUrl?: string;
  nodeArgs?: readonly string[];
  /** Each bot process capped at this share of one core (see cpuCap). */
  coresEach?: number;
  /** Sample the bot's RSS this often, and once more `idleAfterMs` after the load stops. */
  rssEveryMs?: number;
  idleAfterMs?: number;
}

/**
 * Whole requests a minute (dialog → card → Approve → link) with `requesters` people asking at
 * once, each in a chat of their own, for `windowMs`; and the cores each side used meanwhile.
 * Graph is the simulator in a process of its own, every call GRAPH_LATENCY_MS late.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const channel = new FakeTeamsChannel({ keepHistory: false });
  await channel.start();
  const arrivals = new Arrivals(channel);
  const folder = mkdtempSync(join(tmpdir(), 'bench-load-'));
  const graph = await startGraph(GRAPH_LATENCY_MS);
  const env = {
    DATABASE_URL: options.databaseUrl ?? join(folder, 'bot.db'),
    DIRECTORY_MODE: 'graph',
    GRAPH_BASE_URL: graph.url,
    AZURE_TENANT_ID: TENANT_ID,
    LOG_LEVEL: 'info',
    ...LIFTED_LIMITS,
    SEND_INVITATION_EMAIL: 'false',
  };
  const bots = Array.from({ length: options.processes ?? 1 }, () => new BotProcess(env, folder, options.nodeArgs));
  // One after the other: the first migrates the database.
  for (const bot of bots) await bot.start();
  const caps =
    options.coresEach === undefined
      ? []
      : bots.map((bot, i) => capCpu(bot.pid as number, options.coresEach as number, `guest-access-bench-${process.pid}-${i}`));
  const cannot = caps.find((cap) => 'cannot' in cap);
  if (cannot && 'cannot' in cannot) {
    for (const bot of bots) await bot.signal('SIGKILL');
    for (const cap of caps) if ('release' in cap) cap.release();
    graph.child.kill('SIGKILL');
    await channel.stop();
    throw new CannotCap(cannot.cannot);
  }
  const clients = bots.map((bot) => new TeamsClient(bot.url, channel));
  let completed = 0;
  let running = true;
  let next = 0;
  const loop = async (n: number) => {
    const teams = clients[n % clients.length];
    const requester: TeamsUser = { ...users.adele, id: `29:adele-${n}` };
    const sponsor = benchSponsor(n);
    const chat = teams.conversationOf(requester);
    await teams.install(requester);
    while (running) {
      const guest = `bench-${n}-${next++}@fabrikam.com`;
      // Each requester names a sponsor of their own (see benchSponsors).
      for (const text of ['request', guest, '1', 'ok', 'Benchmarks the whole request', sponsor.mail, 'yes']) await teams.say(requester, text);
      const id = /GA-\w{6}/.exec((await arrivals.next(`waiting:${chat}`)).activity.text ?? '')?.[0] as string;
      const card = await arrivals.next(`card:${id}`);
      await teams.click(sponsor, card.conversationId, 'approve', { requestId: id });
      await arrivals.next(`link:${id}`);
      if (running) completed += 1;
    }
  };
  const cpu = () => bots.reduce((sum, bot) => sum + cpuSeconds(bot.pid), 0);
  const loadStarted = Date.now();
  const rssMiB: Array<{ atS: number; MiB: number }> = [];
  const sample = () => rssMiB.push({ atS: Math.round((Date.now() - loadStarted) / 1000), MiB: firstBotRssMiB(bots) });
  const sampler = options.rssEveryMs ? setInterval(sample, options.rssEveryMs) : undefined;
  if (sampler) sample();
  // A requester whose request got no answer stops and is counted; the others go on.
  const failures: unknown[] = [];
  const loops = Array.from({ length: options.requesters }, (_, n) => loop(n).catch((error: unknown) => void failures.push(error)));
  // Counted from when the bot has warmed up (its code compiled, its caches filled), as a server runs.
  await new Promise((wait) => setTimeout(wait, options.warmUpMs));
  completed = 0;
  const cpuBefore = cpu();
  const machineBefore = machineBusySeconds();
  const driverBefore = process.cpuUsage();
  const started = Date.now();
  await new Promise((wait) => setTimeout(wait, options.windowMs));
  running = false;
  if (sampler) {
    clearInterval(sampler);
    sample();
  }
  const elapsed = Date.now() - started;
  const botCores = (cpu() - cpuBefore) / (elapsed / 1000);
  const machineCores = (machineBusySeconds() - machineBefore) / (elapsed / 1000);
  const driver = process.cpuUsage(driverBefore);
  const driverCores = (driver.user + driver.system) / 1000 / elapsed;
  await Promise.all(loops);
  if (failures.length > 0) console.warn(`${failures.length} of ${options.requesters} requesters stopped early; the first: ${String(failures[0])}`);
  let idleAfterMiB: number | undefined;
  if (options.idleAfterMs) {
    await new Promise((wait) => setTimeout(wait, options.idleAfterMs));
    idleAfterMiB = firstBotRssMiB(bots);
  }
  // SIGTERM lets a profiled process write its profile as it exits.
  for (const bot of bots) await bot.signal(options.nodeArgs?.length ? 'SIGTERM' : 'SIGKILL');
  for (const cap of caps) if ('release' in cap) cap.release();
  // The bots' logs stay beside their database, to read when a requester stopped early.
  bots.forEach((bot, i) => writeFileSync(join(folder, `bot-${i}.log`), bot.output));
  if (failures.length > 0) console.warn(`the bots' logs: ${folder}`);
  graph.child.kill('SIGKILL');
  await channel.stop();
  return {
    requestsPerMinute: Math.round((completed * 60_000) / elapsed),
    botCpuMsPerRequest: completed > 0 ? round((botCores * elapsed) / completed) : 0,
    ...(failures.length > 0 ? { requestersStopped: failures.length } : {}),
    botCores: round(botCores),
    driverCores: round(driverCores),
    machineCores: round(machineCores),
    ...(options.rssEveryMs ? { rssMiB } : {}),
    ...(idleAfterMiB !== undefined ? { idleAfterMiB } : {}),
  };
}

/** The first bot's RSS (the soak runs one). */
function firstBotRssMiB(bots: readonly BotProcess[]): number {
  return rssMiB(bots[0].pid);
}

/** This machine cannot cap a process's CPU (see cpuCap). */
export class CannotCap extends Error {}
