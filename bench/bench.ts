/**
 * `npm run bench [-- --quick]`: the bot measured black-box beside a bare echo bot on the same
 * botbuilder, restify, botbuilder-dialogs and adaptivecards-templating (bench/echoBot), both driven
 * over HTTP by the same fake Teams channel. Prints a table and writes bench/results/<date>.json
 * and .svg. Measures: message turn p50/p95/p99 of each and the ratio of medians with a bootstrap
 * interval (turns interleaved, alternating who goes first); a card click p50/p99 while every Graph
 * call is 2 s late; Graph round trips per approval for 1, 5 and 19 resources and per watcher cycle
 * for 40 waiting guests; whole requests a minute at 4 and 16 requesters on SQLite, and at 16 on
 * PostgreSQL with one and with two bot processes, as they come and each capped to a share of a
 * core, with the CPU of each side (bench/load.ts) and, for the SQLite runs, the bot's CPU per
 * whole request in echo turns of the same sitting (bench/echoTurns.ts); idle RSS of both, and the
 * bot's RSS through a soak at steady load.
 * `--profile` runs the load under `--cpu-prof` and prints where the bot's time goes; `--turns`,
 * `--load` (SQLite), `--postgres`, `--pacing`, `--soak` and `--guests` run only that part, and
 * `--echo-turns` three runs of 16 requesters interleaved with their yardstick; `--side-by-side
 * <baseline>` this checkout against another at the same time (bench/sideBySide); `--history` the same
 * load on an empty database and on one with 100,000 past requests (bench/history); `--catalog` the
 * resources question with 1,000 resources beside 4 (bench/catalogTurns). Graph's documented
 * limits are enforced by the simulator in every run (`--no-graph-limits` switches them off).
 * A script, not a test: its figures depend on the machine.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadCatalog, loadConfig, SAMPLE_DIRECTORY_FILE } from '../src/config';
import { startApp } from '../src/index';
import { openDatabase } from '../src/storage/database';
import { SqlRequestRepository } from '../src/storage/sqlRequestRepository';
import { BotProcess } from '../test/support/botProcess';
import { FakeTeamsChannel, TeamsClient, type TeamsUser } from '../test/support/fakeTeamsChannel';
import { requestDraft } from '../test/support/requestDraft';
import { users } from '../test/support/testBot';
import { type BenchResults, benchChart } from './benchChart';
import { startEchoBot } from './echoLoad';
import { type InEchoTurns, inEchoTurns, interleavedEchoTurns } from './echoTurns';
import { summarizeProfile } from './cpuProfile';
import { GRAPH_LATENCY_MS, LIFTED_LIMITS, load, type LoadResult, ROOT, SIMULATED_GRAPH_LIMITS } from './load';
import { type CappedScaling, cappedScaling, type PostgresBesideSqlite, postgresBesideSqlite, uncappedPair } from './processes';
import { catalogTurns } from './catalogTurns';
import { historyRuns } from './history';
import { sideBySide } from './sideBySide';
import { approvalBurst, cardsToOneSponsor } from './pacing';
import { cpuSeconds, round, rssMiB } from './readings';

const quick = process.argv.includes('--quick');
const TURNS = quick ? 300 : 2000;
const CLICKS = quick ? 10 : 100;
/** Approvals timed from the click to the redeem link one at a time, with nothing else queued. */
const ALONE = quick ? 1 : 10;
/** Load before each whole-request run counts (see load), and how long it counts. */
const WARM_UP_MS = quick ? 2_000 : 10_000;
const LOAD_TIMING = { warmUpMs: WARM_UP_MS, windowMs: quick ? 6_000 : 60_000 };
/** Approvals decided at once, and cards sent to one sponsor, against Microsoft's documented limits. */
const BURST = quick ? 300 : 1000;
const CARDS_TO_ONE = quick ? 30 : 100;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p99: round(percentile(sorted, 99)), n: sorted.length };
}

/** The ratio of medians, with a 95 % bootstrap interval (1,000 resamples). */
function medianRatio(a: readonly number[], b: readonly number[]): { ratio: number; low: number; high: number } {
  const median = (xs: readonly number[]) =>
    percentile(
      [...xs].sort((x, y) => x - y),
      50,
    );
  const pick = (xs: readonly number[]) => Array.from({ length: xs.length }, () => xs[Math.floor(Math.random() * xs.length)]);
  const ratios = Array.from({ length: 1000 }, () => median(pick(a)) / median(pick(b))).sort((x, y) => x - y);
  return { ratio: round(median(a) / median(b)), low: round(percentile(ratios, 2.5)), high: round(percentile(ratios, 97.5)) };
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Turns of the bot and the echo bot, interleaved, each pair in alternating order. */
async function messageTurns(channel: FakeTeamsChannel, botUrl: string, echoUrl: string, pids: { bot?: number; echo?: number }) {
  const bot = new TeamsClient(botUrl, channel);
  const echo = new TeamsClient(echoUrl, channel);
  const user: TeamsUser = users.adele;
  await bot.install(user);
  for (let i = 0; i < 30; i++) await Promise.all([bot.say(user, 'help'), echo.say(user, 'help')]);
  const botMs: number[] = [];
  const echoMs: number[] = [];
  const cpuBefore = { bot: cpuSeconds(pids.bot), echo: cpuSeconds(pids.echo) };
  for (let i = 0; i < TURNS; i++) {
    const first = i % 2 === 0;
    if (first) botMs.push(await timed(() => bot.say(user, 'help')));
    echoMs.push(await timed(() => echo.say(user, 'help')));
    if (!first) botMs.push(await timed(() => bot.say(user, 'help')));
  }
  // Every turn must have been answered: a turn the bot skipped would be timed as a fast one.
  const answers = channel.messagesTo(bot.conversationOf(user)).filter((m) => m.text).length;
  if (answers < 2 * (TURNS + 30)) throw new Error(`only ${answers} of ${2 * (TURNS + 30)} turns were answered`);
  // CPU a turn costs each process: steadier than the latency from run to run, so it shows a change's effect sooner.
  const cpuMsPerTurn = {
    bot: round(((cpuSeconds(pids.bot) - cpuBefore.bot) * 1000) / TURNS),
    echo: round(((cpuSeconds(pids.echo) - cpuBefore.echo) * 1000) / TURNS),
  };
  return { bot: summary(botMs), echo: summary(echoMs), ratio: medianRatio(botMs, echoMs), cpuMsPerTurn };
}

/** Approve clicks answered while every Graph call takes 2 s: the click must not wait on Graph. */
async function cardClicks(channel: FakeTeamsChannel) {
  const folder = mkdtempSync(join(tmpdir(), 'bench-clicks-'));
  const databaseUrl = join(folder, 'bot.db');
  const bot = new BotProcess(
    { DATABASE_URL: databaseUrl, SIMULATOR_LATENCY_MS: '2000', LOG_LEVEL: 'info', ...LIFTED_LIMITS, ...SIMULATED_GRAPH_LIMITS },
    folder,
  );
  await bot.start();
  const database = await openDatabase(databaseUrl);
  try {
    const teams = new TeamsClient(bot.url, channel);
    await teams.install(users.adele);
    const requests = new SqlRequestRepository(database.db, { followUp: loadConfig({}) });
    // CLICKS approvals clicked one after another (a burst), then ALONE more, each clicked alone
    // once the work before it is done: how long one person waits for the link.
    const ids: string[] = [];
    for (let i = 0; i < CLICKS + ALONE; i++) {
      const draft = requestDraft({ guestEmail: `bench${i}@fabrikam.com`, requesterConversationId: teams.conversationOf(users.adele) });
      ids.push((await requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: draft.requester.displayName })).id);
    }
    const deadline = Date.now() + 180_000;
    while ((await Promise.all(ids.map((id) => requests.get(id)))).some((r) => !r?.approvalCard)) {
      if (Date.now() > deadline) throw new Error('the approval cards were not all delivered');
      await new Promise((wait) => setTimeout(wait, 100));
    }
    // When each redeem link reaches the requester, heard as it arrives.
    const linkAt = new Map<string, number>();
    channel.listeners.add(({ activity }) => {
      const link = /request \*\*(GA-\w{6})\*\*: \S+ is invited/.exec(activity.text ?? '');
      if (link && !linkAt.has(link[1])) linkAt.set(link[1], performance.now());
    });
    const clickedAt = new Map<string, number>();
    const click = async (id: string) => {
      const card = (await requests.get(id))?.approvalCard;
      clickedAt.set(id, performance.now());
      return timed(() => teams.click(users.megan, card?.conversationId as string, 'approve', { requestId: id }));
    };
    const burst = ids.slice(0, CLICKS);
    const clicks: number[] = [];
    for (const id of burst) clicks.push(await click(id));
    await channel.waitFor(() => burst.every((id) => linkAt.has(id)), 'every redeem link', 180_000);
    const linkAfter = (id: string) => (linkAt.get(id) as number) - (clickedAt.get(id) as number);
    for (const id of ids.slice(CLICKS)) {
      await click(id);
      await channel.waitFor(() => linkAt.has(id), 'the redeem link', 60_000);
    }
    return {
      click: summary(clicks),
      approveToLinkMs: summary(ids.slice(CLICKS).map(linkAfter)),
      burstLastLinkMs: round(Math.max(...burst.map(linkAfter))),
    };
  } finally {
    await database.close();
    await bot.signal('SIGKILL');
  }
}

/** Graph round trips an approval costs, for `count` resources (groups) and `guests` guests in the one request. */
async function roundTripsPerApproval(count: number, guests = 1): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-graph-'));
  const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as { groups: Array<{ id: string; displayName: string; members: string[] }> };
  const groups = Array.from({ length: count }, (_, i) => ({
    id: `bbbbbbbb-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    displayName: `Bench group ${i + 1}`,
    members: [] as string[],
  }));
  seed.groups.push(...groups);
  writeFileSync(join(folder, 'directory.json'), JSON.stringify(seed));
  const catalog = { resources: groups.map((group, i) => ({ id: `bench-${i + 1}`, name: `Bench ${i + 1}`, kind: 'group', groupId: group.id })) };
  writeFileSync(join(folder, 'catalog.json'), JSON.stringify(catalog));
  loadCatalog(join(folder, 'catalog.json'));
  const channel = new FakeTeamsChannel();
  await channel.start();
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'silent',
    RESOURCE_CATALOG_FILE: join(folder, 'catalog.json'),
    SIMULATOR_DIRECTORY_FILE: join(folder, 'directory.json'),
    ...SIMULATED_GRAPH_LIMITS,
  });
  const app = await startApp(config, pino({ level: 'silent' }));
  try {
    const teams = new TeamsClient(app.url, channel);
    await teams.install(users.adele);
    const requests = new SqlRequestRepository(app.database.db, { followUp: config });
    const draft = requestDraft({
      resourceIds: catalog.resources.map((r) => r.id),
      requesterConversationId: teams.conversationOf(users.adele),
      // A partner's team: every guest new to the directory, so each is looked up, invited and granted.
      moreGuests: Array.from({ length: guests - 1 }, (_, n) => ({ guestEmail: `teammate${n + 2}@fabrikam.com` })),
    });
    const { id } = await requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: 'Adele Vance' });
    app.worker.wake();
    while (!(await requests.get(id))?.approvalCard) await new Promise((wait) => setTimeout(wait, 20));
    const before = app.simulator?.requests.length ?? 0;
    const card = (await requests.get(id))?.approvalCard;
    await teams.click(users.megan, card?.conversationId as string, 'approve', { requestId: id });
    while (!(await requests.guestsOfRequest(id)).every((guest) => guest.state === 'invited')) await new Promise((wait) => setTimeout(wait, 20));
    return (app.simulator?.requests ?? []).slice(before).filter((r) => r.path.includes('/graph/')).length;
  } finally {
    await app.close();
    await channel.stop();
  }
}

/** `--guests`: the round trips of one approval for a request of 1, 5 and 20 guests, each given 2 resources. */
async function roundTripsForGuests(): Promise<Record<number, number>> {
  return { 1: await roundTripsPerApproval(2, 1), 5: await roundTripsPerApproval(2, 5), 20: await roundTripsPerApproval(2, 20) };
}

/** `--profile`: 16 requesters for 20 s with the bot under `--cpu-prof`; prints where its time went. */
async function profile(): Promise<void> {
  const folder = join(ROOT, 'bench/profiles');
  mkdirSync(folder, { recursive: true });
  const before = new Set(readdirSync(folder));
  const result = await load({ requesters: 16, windowMs: 20_000, warmUpMs: WARM_UP_MS, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${folder}`] });
  const written = readdirSync(folder).find((name) => name.endsWith('.cpuprofile') && !before.has(name));
  if (!written) throw new Error(`the bot wrote no profile into ${folder}`);
  const { totalMs, functions, packages } = summarizeProfile(join(folder, written));
  console.log(
    `${result.requestsPerMinute} whole requests a minute under the profiler (bot ${result.botCores} cores, driver ${result.driverCores}); ${totalMs} ms of CPU sampled`,
  );
  console.table(packages);
  console.table(functions);
  console.log(`profile: ${join(folder, written)} (open it in Chrome DevTools → Performance, or VS Code)`);
}

/** Graph calls one redemption-watcher cycle costs with 40 invited guests waiting to accept. */
async function watcherCycleGraphCalls(waiting = 40): Promise<number> {
  const channel = new FakeTeamsChannel();
  await channel.start();
  const config = loadConfig({ PORT: '0', DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ...SIMULATED_GRAPH_LIMITS });
  const app = await startApp(config, pino({ level: 'silent' }));
  try {
    // The bench runs the cycle itself: the watcher's own timer must not take some first.
    await app.redemptionWatcher.stop();
    const requests = new SqlRequestRepository(app.database.db, { followUp: config });
    for (let n = 0; n < waiting; n++) {
      const guestEmail = `waiting${n}@fabrikam.com`;
      const response = await fetch(`${app.url}/simulator/graph/v1.0/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ invitedUserEmailAddress: guestEmail, inviteRedirectUrl: 'https://myapps.microsoft.com/', sendInvitationMessage: false }),
      });
      const invitation = (await response.json()) as { invitedUser: { id: string }; inviteRedeemUrl: string };
      const draft = requestDraft({ guestEmail });
      const { id } = await requests.create(draft, { kind: 'system' });
      await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
      const patch = { invitedUserId: invitation.invitedUser.id, inviteRedeemUrl: invitation.inviteRedeemUrl, invitedAt: new Date().toISOString() };
      await requests.transition({ id, from: 'approved', to: 'invited', actor: { kind: 'system' }, patch });
    }
    await app.database.db
      .updateTable('access_requests')
      .set({ redemption_check_at: new Date(Date.now() - 1).toISOString() })
      .execute();
    const before = app.simulator?.requests.length ?? 0;
    const { checked } = await app.redemptionWatcher.checkDue();
    if (checked !== waiting) throw new Error(`the watcher checked ${checked} guests, not ${waiting}`);
    return (app.simulator?.requests ?? []).slice(before).filter((r) => r.path.includes('/graph/')).length;
  } finally {
    await app.close();
    await channel.stop();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--profile')) return profile();
  if (process.argv.includes('--postgres')) {
    console.log(JSON.stringify(await postgresRuns(), null, 2));
    return;
  }
  if (process.argv.includes('--soak')) {
    console.log(JSON.stringify(await soakRun(), null, 2));
    return;
  }
  if (process.argv.includes('--load')) {
    console.log(
      JSON.stringify({ 4: await inEchoTurns({ requesters: 4, ...LOAD_TIMING }), 16: await inEchoTurns({ requesters: 16, ...LOAD_TIMING }) }, null, 2),
    );
    return;
  }
  if (process.argv.includes('--echo-turns')) {
    // Three runs of 16 requesters (or `--requesters N`) interleaved with their yardstick, Graph 50 ms late: the request in echo turns.
    const requesters = Number(process.argv[process.argv.indexOf('--requesters') + 1]) || 16;
    console.log(JSON.stringify(await interleavedEchoTurns({ requesters, ...LOAD_TIMING }), null, 2));
    return;
  }
  if (process.argv.includes('--history')) {
    // The 16-requester load on an empty database and on 100,000 past requests, interleaved; each check's cycle on both.
    console.log(JSON.stringify(await historyRuns(LOAD_TIMING), null, 2));
    return;
  }
  if (process.argv.includes('--catalog')) {
    // The resources question and its answer with 1,000 resources beside the sample's 4, interleaved.
    console.log(JSON.stringify(await catalogTurns(quick ? 50 : 200), null, 2));
    return;
  }
  const sideBySideAt = process.argv.indexOf('--side-by-side');
  if (sideBySideAt >= 0) {
    const [baseline, ...others] = process.argv.slice(sideBySideAt + 1).filter((arg) => !arg.startsWith('--'));
    if (!baseline) throw new Error('--side-by-side needs the path of a built baseline checkout');
    console.log(JSON.stringify(await sideBySide(baseline, others), null, 2));
    return;
  }
  if (process.argv.includes('--guests')) {
    const resources = { 1: await roundTripsPerApproval(1), 5: await roundTripsPerApproval(5), 19: await roundTripsPerApproval(19) };
    console.log(JSON.stringify({ guests: await roundTripsForGuests(), resources }, null, 2));
    return;
  }
  if (process.argv.includes('--pacing')) {
    console.log(JSON.stringify(await pacingRuns(), null, 2));
    return;
  }
  if (process.argv.includes('--turns')) {
    const channel = new FakeTeamsChannel();
    await channel.start();
    console.log(JSON.stringify(await turnsBesideEcho(channel), null, 2));
    await channel.stop();
    return;
  }
  const channel = new FakeTeamsChannel();
  await channel.start();
  const results: BenchResults = { date: new Date().toISOString(), quick, node: process.version, cpus: cpus().length, graphLatencyMs: GRAPH_LATENCY_MS };
  Object.assign(results, await turnsBesideEcho(channel));
  step('card clicks with every Graph call 2 s late');
  results.cardClickMsAtGraph2s = await cardClicks(channel);
  await channel.stop();
  step('Graph round trips per approval and per watcher cycle');
  results.graphRoundTripsPerApproval = { 1: await roundTripsPerApproval(1), 5: await roundTripsPerApproval(5), 19: await roundTripsPerApproval(19) };
  results.graphRoundTripsPerApprovalOfGuests = await roundTripsForGuests();
  results.graphCallsPerWatcherCycleFor40 = await watcherCycleGraphCalls();
  step(`Microsoft's limits: a burst of ${BURST} approvals, and ${CARDS_TO_ONE} cards to one sponsor`);
  results.pacing = await pacingRuns();
  step('whole requests, SQLite, 4 and 16 requesters');
  results.wholeRequests = { 4: await inEchoTurns({ requesters: 4, ...LOAD_TIMING }), 16: await inEchoTurns({ requesters: 16, ...LOAD_TIMING }) };
  step('whole requests, PostgreSQL beside SQLite; one process then two; capped processes');
  results.postgres = await postgresRuns();
  step(`soak: ${quick ? '20 s' : '10 minutes'} at 16 requesters, RSS every ${quick ? 4 : 10} s`);
  results.soak = await soakRun();
  printTable(results);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const base = join(ROOT, 'bench/results', `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.svg`, benchChart(results));
  console.log(`written to ${base}.json and ${base}.svg`);
}

/**
 * PostgreSQL beside SQLite in the same sitting, one process then two as they come, and the capped
 * runs (bench/processes): about 13 minutes.
 */
async function postgresRuns() {
  const besideSqlite = await postgresBesideSqlite(LOAD_TIMING);
  if ('skipped' in besideSqlite) return besideSqlite;
  return { besideSqlite, pair: await uncappedPair(LOAD_TIMING), capped: await cappedScaling(LOAD_TIMING) };
}

/** Graph and Teams throttling as Microsoft documents it, on in the simulator and the fake Teams (bench/pacing). */
async function pacingRuns() {
  return { approvalBurst: await approvalBurst(BURST), cardsToOneSponsor: await cardsToOneSponsor(CARDS_TO_ONE) };
}

/** Idle RSS of the bot and the echo bot, then their message turns. BENCH_NODE_ARGS goes to the bot (e.g. `--cpu-prof`). */
async function turnsBesideEcho(channel: FakeTeamsChannel): Promise<Pick<BenchResults, 'idleRssMiB' | 'messageTurnMs'>> {
  const folder = mkdtempSync(join(tmpdir(), 'bench-'));
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const bot = new BotProcess({ DATABASE_URL: join(folder, 'bot.db'), LOG_LEVEL: 'info', ...LIFTED_LIMITS, ...SIMULATED_GRAPH_LIMITS }, folder, nodeArgs);
  await bot.start();
  const echo = await startEchoBot();
  try {
    await new Promise((settle) => setTimeout(settle, 1000));
    const idleRssMiB = { bot: rssMiB(bot.pid), echo: rssMiB(echo.child.pid) };
    step('message turns, bot and echo bot interleaved');
    return { idleRssMiB, messageTurnMs: await messageTurns(channel, bot.url, echo.url, { bot: bot.pid, echo: echo.child.pid }) };
  } finally {
    echo.child.kill('SIGKILL');
    await bot.signal(nodeArgs.length ? 'SIGTERM' : 'SIGKILL');
  }
}

/**
 * Steady load with the bot's RSS sampled throughout and once more after it. BENCH_NODE_ARGS
 * (e.g. `--max-old-space-size=128`) passes flags to the bot, to see what the memory is made of.
 */
async function soakRun(): Promise<LoadResult & { lastHalfGrowthPercent: number }> {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const soak = await load({
    requesters: 16,
    windowMs: quick ? 20_000 : 600_000,
    warmUpMs: WARM_UP_MS,
    rssEveryMs: quick ? 4_000 : 10_000,
    idleAfterMs: quick ? 5_000 : 30_000,
    nodeArgs,
  });
  return { ...soak, lastHalfGrowthPercent: lastHalfGrowth(soak.rssMiB ?? []) };
}

function step(what: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)} ${what}…`);
}

/** How much the RSS grew over the last half of the soak, in percent of where that half began. */
function lastHalfGrowth(samples: ReadonlyArray<{ atS: number; MiB: number }>): number {
  if (samples.length < 2) return 0;
  const end = samples[samples.length - 1];
  const middle = samples.reduce((best, sample) => (Math.abs(sample.atS - end.atS / 2) < Math.abs(best.atS - end.atS / 2) ? sample : best));
  return round(((end.MiB - middle.MiB) / middle.MiB) * 100);
}

function printTable(results: BenchResults): void {
  const turns = results.messageTurnMs as { bot: unknown; echo: unknown; ratio: unknown };
  const postgres = results.postgres as Record<string, unknown>;
  const soak = results.soak as LoadResult & { lastHalfGrowthPercent: number };
  const whole = results.wholeRequests as Record<string, LoadResult>;
  const line = (run: LoadResult | InEchoTurns) =>
    `${'echoTurnsPerRequest' in run ? `${run.echoTurnsPerRequest} echo turns a request (echo ${JSON.stringify(run.echo)}); ` : ''}` +
    `${run.requestsPerMinute}/min, ${run.botCpuMsPerRequest} ms of CPU each; cores: bot ${run.botCores}, driver ${run.driverCores}, machine ${run.machineCores}`;
  console.table({
    'idle RSS (MiB): bot / echo': JSON.stringify(results.idleRssMiB),
    'message turn ms: bot': JSON.stringify(turns.bot),
    'message turn ms: echo': JSON.stringify(turns.echo),
    'turn median ratio (95 % CI)': JSON.stringify(turns.ratio),
    'card click ms, Graph 2 s late': JSON.stringify((results.cardClickMsAtGraph2s as { click: unknown }).click),
    'Approve → redeem link ms, Graph 2 s late': JSON.stringify((results.cardClickMsAtGraph2s as { approveToLinkMs: unknown }).approveToLinkMs),
    'the burst of approvals: last link after ms': String((results.cardClickMsAtGraph2s as { burstLastLinkMs: unknown }).burstLastLinkMs),
    'Graph round trips per approval (1/5/19 resources)': JSON.stringify(results.graphRoundTripsPerApproval),
    'Graph round trips per approval (1/5/20 guests, 2 resources)': JSON.stringify(results.graphRoundTripsPerApprovalOfGuests),
    'Graph calls per watcher cycle, 40 waiting': String(results.graphCallsPerWatcherCycleFor40),
    "Microsoft's limits: a burst of approvals; cards to one sponsor": JSON.stringify(results.pacing),
    'whole requests, SQLite, 4 requesters': line(whole[4]),
    'whole requests, SQLite, 16 requesters': line(whole[16]),
    ...postgresLines(postgres, line),
    'soak RSS MiB: start / end / after load': `${soak.rssMiB?.[0]?.MiB} / ${soak.rssMiB?.at(-1)?.MiB} / ${soak.idleAfterMiB}`,
    'soak RSS growth over its last half': `${soak.lastHalfGrowthPercent} %`,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/** The PostgreSQL rows of the table: beside SQLite, the uncapped pair, and each capped run against its target. */
function postgresLines(postgres: Record<string, unknown>, line: (run: LoadResult) => string): Record<string, string> {
  if ('skipped' in postgres) return { 'whole requests, PostgreSQL': `skipped: ${String(postgres.skipped)}` };
  const beside = postgres.besideSqlite as PostgresBesideSqlite;
  const pair = postgres.pair as Record<string, unknown>;
  const capped = postgres.capped as CappedScaling[] | { skipped: string };
  const rows: Record<string, string> = {
    'whole requests, PostgreSQL beside SQLite (16 requesters, interleaved)': `rate ×${beside.rateRatio}, CPU per request ×${beside.cpuRatio} (target ≥ 0.9)`,
    'whole requests, PostgreSQL, 1 process': line(pair[1] as LoadResult),
    'whole requests, PostgreSQL, 2 processes': `${line(pair[2] as LoadResult)} (×${String(pair.scaling)})`,
  };
  if ('skipped' in capped) return { ...rows, 'whole requests, PostgreSQL, capped': `skipped: ${capped.skipped}` };
  for (const run of capped) {
    rows[`whole requests, PostgreSQL, ${run.coresEach} core each, 1 process`] = line(run.one);
    rows[`whole requests, PostgreSQL, ${run.coresEach} core each, ${run.processes} processes`] =
      run.one.requestsPerMinute > 0
        ? `${line(run.several)} (×${run.scaling}, target ≥ ×${run.target})`
        : `${line(run.several)} (no scaling: one capped process finished nothing within the window, too short under --quick)`;
  }
  return rows;
}
