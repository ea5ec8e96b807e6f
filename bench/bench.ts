/**
 * `npm run bench [-- --quick]`: the bot measured black-box beside a bare echo bot on the same
 * botbuilder, restify, botbuilder-dialogs and adaptivecards-templating (bench/echoBot), both driven
 * over HTTP by the same fake Teams channel. Prints a table and writes bench/results/<date>.json.
 * Measures: message turn p50/p95/p99 of each and the ratio of medians with a bootstrap interval
 * (turns interleaved, alternating who goes first); a card click p50/p99 while every Graph call is
 * 2 s late; Graph round trips per approval for 1, 5 and 19 resources; whole requests a minute at
 * 4 and 16 concurrent requesters with the bot's CPU; idle RSS of both.
 * A script, not a test: its figures depend on the machine.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadCatalog, loadConfig, SAMPLE_DIRECTORY_FILE } from '../src/config';
import { startApp } from '../src/index';
import { freePort } from '../src/server';
import { openDatabase } from '../src/storage/database';
import { SqlRequestRepository } from '../src/storage/sqlRequestRepository';
import { BotProcess } from '../test/support/botProcess';
import { summarizeProfile } from './cpuProfile';
import { FakeTeamsChannel, TENANT_ID, TeamsClient, type TeamsUser } from '../test/support/fakeTeamsChannel';
import { requestDraft } from '../test/support/requestDraft';
import { users } from '../test/support/testBot';

const quick = process.argv.includes('--quick');
const TURNS = quick ? 300 : 2000;
const CLICKS = quick ? 20 : 100;
const ROOT = resolve(__dirname, '../..');
/** Graph's own time for each call in the throughput runs: a fast real tenant's. */
const GRAPH_LATENCY_MS = 50;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), n: sorted.length };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The ratio of medians, with a 95 % bootstrap interval (1,000 resamples). */
function medianRatio(a: readonly number[], b: readonly number[]): { ratio: number; low: number; high: number } {
  const median = (xs: readonly number[]) => percentile([...xs].sort((x, y) => x - y), 50);
  const pick = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(Math.random() * xs.length)]);
  const ratios = Array.from({ length: 1000 }, () => median(pick(a)) / median(pick(b))).sort((x, y) => x - y);
  return { ratio: round(median(a) / median(b)), low: round(percentile(ratios, 2.5)), high: round(percentile(ratios, 97.5)) };
}

function rssMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** The directory simulator in a process of its own (bench/graphServer), every call `latencyMs` late. */
async function startGraph(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist/bench/graphServer.js'), String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
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

async function startEchoBot(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist/bench/echoBot/echoBot.js'), String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready) => child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready()));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** Turns of the bot and the echo bot, interleaved, each pair in alternating order. */
async function messageTurns(channel: FakeTeamsChannel, botUrl: string, echoUrl: string) {
  const bot = new TeamsClient(botUrl, channel);
  const echo = new TeamsClient(echoUrl, channel);
  const user: TeamsUser = users.adele;
  await bot.install(user);
  for (let i = 0; i < 30; i++) await Promise.all([bot.say(user, 'help'), echo.say(user, 'help')]);
  const botMs: number[] = [];
  const echoMs: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    const first = i % 2 === 0;
    if (first) botMs.push(await timed(() => bot.say(user, 'help')));
    echoMs.push(await timed(() => echo.say(user, 'help')));
    if (!first) botMs.push(await timed(() => bot.say(user, 'help')));
  }
  return { bot: summary(botMs), echo: summary(echoMs), ratio: medianRatio(botMs, echoMs) };
}

/** Approve clicks answered while every Graph call takes 2 s: the click must not wait on Graph. */
async function cardClicks(channel: FakeTeamsChannel) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-clicks-'));
  const databaseUrl = join(folder, 'bot.db');
  const bot = new BotProcess({ DATABASE_URL: databaseUrl, SIMULATOR_LATENCY_MS: '2000', LOG_LEVEL: 'info' }, folder);
  await bot.start();
  const database = await openDatabase(databaseUrl);
  try {
    const teams = new TeamsClient(bot.url, channel);
    await teams.install(users.adele);
    const requests = new SqlRequestRepository(database.db);
    const ids: string[] = [];
    for (let i = 0; i < CLICKS; i++) {
      const draft = requestDraft({ guestEmail: `bench${i}@fabrikam.com`, requesterConversationId: teams.conversationOf(users.adele) });
      ids.push((await requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: draft.requester.displayName }, [{ kind: 'deliverApprovalCard' }])).id);
    }
    const deadline = Date.now() + 120_000;
    while ((await Promise.all(ids.map((id) => requests.get(id)))).some((r) => !r?.approvalCard)) {
      if (Date.now() > deadline) throw new Error('the approval cards were not all delivered');
      await new Promise((wait) => setTimeout(wait, 100));
    }
    const clicks: number[] = [];
    for (const id of ids) {
      const card = (await requests.get(id))?.approvalCard;
      clicks.push(await timed(() => teams.click(users.megan, card?.conversationId as string, 'approve', { requestId: id })));
    }
    return summary(clicks);
  } finally {
    await database.close();
    await bot.signal('SIGKILL');
  }
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Whole requests a minute (dialog → card → Approve → link) with `requesters` people asking at
 * once, each in a chat of their own, for `windowMs`; and the cores the bot used meanwhile.
 */
async function throughput(requesters: number, windowMs: number, nodeArgs: readonly string[] = []): Promise<{ requestsPerMinute: number; botCores: number; driverCores: number }> {
  const channel = new FakeTeamsChannel();
  await channel.start();
  const folder = mkdtempSync(join(tmpdir(), 'bench-throughput-'));
  const graph = await startGraph(GRAPH_LATENCY_MS);
  // Limits meant for people would stop a load test: lifted here only.
  const bot = new BotProcess(
    {
      DATABASE_URL: join(folder, 'bot.db'),
      DIRECTORY_MODE: 'graph',
      GRAPH_BASE_URL: graph.url,
      AZURE_TENANT_ID: TENANT_ID,
      LOG_LEVEL: 'info',
      MAX_TURNS_PER_MINUTE: '1000000',
      MAX_OPEN_REQUESTS: '1000000',
      SEND_INVITATION_EMAIL: 'false',
    },
    folder,
    nodeArgs,
  );
  await bot.start();
  const teams = new TeamsClient(bot.url, channel);
  let completed = 0;
  let running = true;
  let next = 0;
  const loop = async (n: number) => {
    const requester: TeamsUser = { ...users.adele, id: `29:adele-${n}` };
    const chat = teams.conversationOf(requester);
    await teams.install(requester);
    while (running) {
      const guest = `bench-${n}-${next++}@fabrikam.com`;
      for (const text of ['request', guest, '1', 'ok', 'Benchmarks the whole request', 'ok', 'yes']) await teams.say(requester, text);
      const sent = await channel.waitFor(() => [...channel.messagesTo(chat)].reverse().find((m) => /Request \*\*(GA-\w{6})\*\* is waiting/.test(m.text ?? '')), 'sent', 30_000);
      const id = /GA-\w{6}/.exec(sent.text ?? '')?.[0] as string;
      const card = await channel.waitFor(() => channel.sent.find((s) => s.conversationId !== chat && JSON.stringify(s.activity.attachments ?? []).includes(id)), 'the card', 30_000);
      await teams.click(users.megan, card.conversationId, 'approve', { requestId: id });
      await channel.waitFor(() => channel.messagesTo(chat).some((m) => (m.text ?? '').includes(`request **${id}**: ${guest} is invited`)), 'the link', 30_000);
      if (running) completed += 1;
    }
  };
  const cpuBefore = cpuSeconds(bot.pid);
  const driverBefore = process.cpuUsage();
  const started = Date.now();
  const loops = Array.from({ length: requesters }, (_, n) => loop(n));
  await new Promise((wait) => setTimeout(wait, windowMs));
  running = false;
  const elapsed = Date.now() - started;
  const cores = (cpuSeconds(bot.pid) - cpuBefore) / (elapsed / 1000);
  const driver = process.cpuUsage(driverBefore);
  const driverCores = (driver.user + driver.system) / 1000 / elapsed;
  await Promise.allSettled(loops);
  // SIGTERM lets a profiled process write its profile as it exits.
  await bot.signal(nodeArgs.length > 0 ? 'SIGTERM' : 'SIGKILL');
  graph.child.kill('SIGKILL');
  await channel.stop();
  return { requestsPerMinute: Math.round((completed * 60_000) / elapsed), botCores: round(cores), driverCores: round(driverCores) };
}

/** Graph round trips an approval costs, for `count` resources (groups). */
async function roundTripsPerApproval(count: number): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-graph-'));
  const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as { groups: Array<{ id: string; displayName: string; members: string[] }> };
  const groups = Array.from({ length: count }, (_, i) => ({ id: `bbbbbbbb-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, displayName: `Bench group ${i + 1}`, members: [] as string[] }));
  seed.groups.push(...groups);
  writeFileSync(join(folder, 'directory.json'), JSON.stringify(seed));
  const catalog = { resources: groups.map((group, i) => ({ id: `bench-${i + 1}`, name: `Bench ${i + 1}`, kind: 'group', groupId: group.id })) };
  writeFileSync(join(folder, 'catalog.json'), JSON.stringify(catalog));
  loadCatalog(join(folder, 'catalog.json'));
  const channel = new FakeTeamsChannel();
  await channel.start();
  const config = loadConfig({ PORT: '0', DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', RESOURCE_CATALOG_FILE: join(folder, 'catalog.json'), SIMULATOR_DIRECTORY_FILE: join(folder, 'directory.json') });
  const app = await startApp(config, pino({ level: 'silent' }));
  try {
    const teams = new TeamsClient(app.url, channel);
    await teams.install(users.adele);
    const requests = new SqlRequestRepository(app.database.db);
    const draft = requestDraft({ resourceIds: catalog.resources.map((r) => r.id), requesterConversationId: teams.conversationOf(users.adele) });
    const { id } = await requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: 'Adele Vance' }, [{ kind: 'deliverApprovalCard' }]);
    app.worker.wake();
    while (!(await requests.get(id))?.approvalCard) await new Promise((wait) => setTimeout(wait, 20));
    const before = app.simulator?.requests.length ?? 0;
    const card = (await requests.get(id))?.approvalCard;
    await teams.click(users.megan, card?.conversationId as string, 'approve', { requestId: id });
    while ((await requests.get(id))?.state !== 'invited') await new Promise((wait) => setTimeout(wait, 20));
    return (app.simulator?.requests ?? []).slice(before).filter((r) => r.path.includes('/graph/')).length;
  } finally {
    await app.close();
    await channel.stop();
  }
}

/** `--profile`: 16 requesters for 20 s with the bot under `--cpu-prof`; prints where its time went. */
async function profile(): Promise<void> {
  const folder = join(ROOT, 'bench/profiles');
  mkdirSync(folder, { recursive: true });
  const before = new Set(readdirSync(folder));
  const result = await throughput(16, 20_000, ['--cpu-prof', `--cpu-prof-dir=${folder}`]);
  const written = readdirSync(folder).find((name) => name.endsWith('.cpuprofile') && !before.has(name));
  if (!written) throw new Error(`the bot wrote no profile into ${folder}`);
  const { totalMs, functions, packages } = summarizeProfile(join(folder, written));
  console.log(`${result.requestsPerMinute} whole requests a minute under the profiler (bot ${result.botCores} cores, driver ${result.driverCores}); ${totalMs} ms of CPU sampled`);
  console.table(packages);
  console.table(functions);
  console.log(`profile: ${join(folder, written)} (open it in Chrome DevTools → Performance, or VS Code)`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--profile')) return profile();
  const channel = new FakeTeamsChannel();
  await channel.start();
  const folder = mkdtempSync(join(tmpdir(), 'bench-'));
  const bot = new BotProcess({ DATABASE_URL: join(folder, 'bot.db'), LOG_LEVEL: 'info' }, folder);
  await bot.start();
  const echo = await startEchoBot();
  const results: Record<string, unknown> = { date: new Date().toISOString(), quick, node: process.version, cpus: (await import('node:os')).cpus().length };
  try {
    await new Promise((settle) => setTimeout(settle, 1000));
    results.idleRssMiB = { bot: rssMiB(bot.pid), echo: rssMiB(echo.child.pid) };
    results.messageTurnMs = await messageTurns(channel, bot.url, echo.url);
  } finally {
    echo.child.kill('SIGKILL');
    await bot.signal('SIGKILL');
  }
  results.cardClickMsAtGraph2s = await cardClicks(channel);
  await channel.stop();
  results.graphRoundTripsPerApproval = { 1: await roundTripsPerApproval(1), 5: await roundTripsPerApproval(5), 19: await roundTripsPerApproval(19) };
  const window = quick ? 20_000 : 60_000;
  results.wholeRequests = { 4: await throughput(4, window), 16: await throughput(16, window) };
  console.table({
    'idle RSS (MiB): bot / echo': JSON.stringify(results.idleRssMiB),
    'message turn ms: bot': JSON.stringify((results.messageTurnMs as { bot: unknown }).bot),
    'message turn ms: echo': JSON.stringify((results.messageTurnMs as { echo: unknown }).echo),
    'turn median ratio (95 % CI)': JSON.stringify((results.messageTurnMs as { ratio: unknown }).ratio),
    'card click ms, Graph 2 s late': JSON.stringify(results.cardClickMsAtGraph2s),
    'Graph round trips per approval (1/5/19 resources)': JSON.stringify(results.graphRoundTripsPerApproval),
    'whole requests a minute (4 / 16 requesters), bot cores': JSON.stringify(results.wholeRequests),
  });
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
