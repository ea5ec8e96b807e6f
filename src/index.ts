/**
 * The composition root: configuration → storage → directory → bot → server, and nothing else.
 * `node dist/src/index.js` (npm start) runs it; tests call startApp() with their own settings.
 */
// First: restify, loaded by what follows, must not print its deprecation warning (see the file).
import './http/restifyDeprecation';
// Then telemetry, when configured: it must see the HTTP modules before anything uses them.
import { shutdownTelemetry } from './telemetry/startTelemetry';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';
import type { Logger } from 'pino';
import type { Server } from 'restify';
import { MainDialog } from '../dialogs/mainDialog';
import { RequestAccessDialog } from '../dialogs/requestAccessDialog';
import { GuestAccessBot } from './bot';
import { type Config, ConfigError, loadConfig, settingWarnings } from './config';
import { type DirectorySetup, setUpDirectory } from './directorySetup';
import { withCachedPeople } from './directory/cachedPeople';
import type { DirectorySimulator } from './simulator';
import { createJobHandlers } from './jobHandlers';
import { InactivityWatcher } from './access/inactivityWatcher';
import { RedemptionWatcher } from './access/redemptionWatcher';
import { SponsorWatcher } from './approvals/sponsorWatcher';
import { Sweeper } from './jobs/sweeper';
import { JobWorker } from './jobs/worker';
import { loadDotEnv } from './dotEnv';
import { createLogger } from './logging/logger';
import { LAUNCHED_BY_PLAYGROUND } from './playground/playgroundLauncher';
import { createServer, freePort } from './server';
import { ConversationReferenceStore } from './storage/conversationReferenceStore';
import { type OpenDatabase, openDatabase } from './storage/database';
import { DialogStateStorage } from './storage/dialogStateStorage';
import { JobQueue } from './storage/jobQueue';
import { SqlGivenAccess } from './storage/sqlGivenAccess';
import { SqlRequestRepository } from './storage/sqlRequestRepository';
import type { FollowUpSettings } from './requests/followUp';
import { TenantPolicy } from './requests/tenantPolicy';
import type { AppInstaller } from './messaging/appInstaller';
import { BotMessenger } from './messaging/botMessenger';
import { PacedMessenger } from './messaging/pacedMessenger';
import { ChannelTokenCheck } from './teams/channelTokenCheck';
import { ConversationLanguage } from './teams/conversationLanguage';
import { observeDatabase } from './telemetry/telemetryMetrics';
import { turnErrorHandler } from './teams/turnErrorHandler';
import { TurnRateLimit } from './teams/turnRateLimit';

export interface RunningApp {
  /** `http://host:port`, where /api/messages and /healthz are. */
  url: string;
  port: number;
  database: OpenDatabase;
  worker: JobWorker;
  sweeper: Sweeper;
  redemptionWatcher: RedemptionWatcher;
  sponsorWatcher: SponsorWatcher;
  /** Guests nobody uses (INACTIVE_GUEST_DAYS); idle when it is 0. */
  inactivityWatcher: InactivityWatcher;
  simulator?: DirectorySimulator;
  /** Stops serving, waits up to `graceMs` for the job in hand (see JobWorker.stop), closes the database. */
  close(graceMs?: number): Promise<void>;
}

interface StartOptions {
  /**
   * How the adapter checks incoming tokens and gets its own; built from the MicrosoftApp*
   * settings unless given. Tests give one whose Entra side (OpenID keys, token endpoint) runs
   * on 127.0.0.1, since the real one cannot be reached from a test.
   */
  botFrameworkAuthentication?: BotFrameworkAuthentication;
  /** Now, as every timer counts it: tests move it forward instead of waiting. */
  clock?: () => Date;
  /** Started by `npm run playground`, which connects the Playground itself. */
  launchedByPlayground?: boolean;
}

export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningApp> {
  const clock = options.clock ?? (() => new Date());
  let worker: JobWorker | undefined;
  // Work queued by this process starts at once; other instances find it at their next poll. The
  // worker is built last (its jobs write through Teams), so what queues work reaches it through this.
  const wakeWorker = () => worker?.wake();
  const storage = await openStorage(config, clock, wakeWorker);
  // The simulator lives on this server, so its URL needs the port before anything listens.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const directorySetup = setUpDirectory(config, port, logger);
  const tenantPolicy = new TenantPolicy(directorySetup.directory, { cacheMs: config.tenantPolicyCacheMs, logger });
  const shared = sharedContext(config, storage.requests, directorySetup, tenantPolicy, clock);

  const channel = createChannel(config, storage, logger, options.botFrameworkAuthentication, directorySetup.appInstaller);
  const bot = createBot(config, shared, storage, directorySetup.tenantId, channel.messenger, logger);
  worker = createWorker(config, shared, storage, channel.messenger, directorySetup.simulator !== undefined, logger);
  const inactivityWatcher = new InactivityWatcher({ requests: storage.requests, directory: shared.directory, settings: config.inactivity, logger, clock });

  const server = createServer({
    adapter: channel.adapter,
    bot,
    db: storage.database.db,
    logger,
    simulator: directorySetup.simulator,
    authenticated: config.bot.authenticated,
    healthDetails: () => inactivityWatcher.healthDetails(),
  });
  await listen(server, port, config.host);
  worker.start();
  observeDatabase(storage.database.db);
  const sweeper = new Sweeper(storage.database.db, storage.database.kind, logger, { retentionMs: config.jobs.retentionMs, onJobsQueued: wakeWorker });
  sweeper.start();
  const redemptionWatcher = new RedemptionWatcher({
    requests: storage.requests,
    directory: shared.directory,
    settings: config.redemption,
    timing: config.timing,
    logger,
    clock,
  });
  redemptionWatcher.start();
  const sponsorWatcher = new SponsorWatcher({ requests: storage.requests, directory: shared.directory, settings: config.sponsorCheck, logger, clock });
  sponsorWatcher.start();
  inactivityWatcher.start();

  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  const app = {
    url,
    port,
    database: storage.database,
    worker,
    sweeper,
    redemptionWatcher,
    sponsorWatcher,
    inactivityWatcher,
    simulator: directorySetup.simulator,
  };
  logListening(config, logger, app, directorySetup.description, options.launchedByPlayground);
  for (const warning of settingWarnings(config)) logger.warn(warning.details, warning.message);
  return { ...app, close: (graceMs?: number) => closeInOrder(app, server, logger, graceMs) };
}

/** What the database gives every part. */
interface StorageContext {
  database: OpenDatabase;
  requests: SqlRequestRepository;
  queue: JobQueue;
  references: ConversationReferenceStore;
  /** Dialog state, kept in the same database as everything else. */
  conversationState: ConversationState;
}

/** `onJobsQueued` wakes this process's worker whenever a write queues work. */
async function openStorage(config: Config, clock: () => Date, onJobsQueued: () => void): Promise<StorageContext> {
  const database = await openDatabase(config.databaseUrl, { auth: config.databaseAuth });
  return {
    database,
    requests: new SqlRequestRepository(database.db, { followUp: config, clock, onJobsQueued }),
    queue: new JobQueue(database.db, clock, onJobsQueued),
    references: new ConversationReferenceStore(database.db),
    conversationState: new ConversationState(new DialogStateStorage(database.db)),
  };
}

/** What the conversation, the card clicks and the jobs all work with, built once; each part adds only what is its own. */
function sharedContext(
  config: Config,
  requests: SqlRequestRepository,
  { directory, simulator }: DirectorySetup,
  tenantPolicy: TenantPolicy,
  clock: () => Date,
) {
  return {
    requests,
    catalog: config.catalog,
    directory,
    tenantPolicy,
    // The simulated tenant's own domains are internal: nobody from them is invited as a guest.
    guestPolicy: {
      ...config.guestPolicy,
      internalDomains: [...config.guestPolicy.internalDomains, ...(simulator?.verifiedDomains ?? [])],
    },
    timing: config.timing,
    // The sponsor's decision on a card is planned with the work that follows it, as the repository plans a job's change.
    followUp: config satisfies FollowUpSettings as FollowUpSettings,
    clock,
    localTestsAllowed: !config.bot.authenticated,
    // Only an unauthenticated run on the simulated directory lets an activity without an Entra id be its default user.
    localDefaultUserId: !config.bot.authenticated && simulator ? simulator.defaultUserId : undefined,
    maxOpenRequests: config.limits.openRequestsPerRequester,
  };
}

type SharedContext = ReturnType<typeof sharedContext>;

/**
 * The conversation: the dialogs, and the Teams activity handler that admits each turn and hands it
 * to them, to the card actions or to the message extension (which takes a request to the
 * employee's chat through the channel's messenger, unpaced: a person waits on it).
 */
function createBot(config: Config, shared: SharedContext, storage: StorageContext, tenantId: string, messenger: BotMessenger, logger: Logger): GuestAccessBot {
  // The dialog asks for the requester and their manager on every request: kept a few minutes (see cachedPeople).
  const requestDialog = new RequestAccessDialog({ ...shared, tenantId, directory: withCachedPeople(shared.directory) });
  const mainDialog = new MainDialog(requestDialog, { ...shared, adminGroupId: config.adminGroupId });
  return new GuestAccessBot({
    ...shared,
    conversationState: storage.conversationState,
    mainDialog,
    references: storage.references,
    queue: storage.queue,
    chats: messenger,
    admission: { tenantId, authenticated: config.bot.authenticated },
    turnLimit: new TurnRateLimit(config.limits.turnsPerMinute),
    language: new ConversationLanguage(storage.conversationState, shared.directory, shared.localDefaultUserId),
    dialogTimeoutMs: config.dialogTimeoutMs,
    inactiveGuestDays: config.inactivity.days,
    logger,
  });
}

/**
 * The Bot Framework channel: the adapter every turn comes through (its token checked, a failed turn
 * logged and answered), and the messenger through which jobs write to people later.
 */
function createChannel(
  config: Config,
  storage: StorageContext,
  logger: Logger,
  authentication: BotFrameworkAuthentication | undefined,
  appInstaller: AppInstaller | undefined,
): { adapter: CloudAdapter; messenger: BotMessenger } {
  const adapter = new CloudAdapter(
    new ChannelTokenCheck(
      authentication ??
        new ConfigurationBotFrameworkAuthentication({
          MicrosoftAppId: config.bot.appId,
          MicrosoftAppPassword: config.bot.appPassword,
          MicrosoftAppTenantId: config.bot.appTenantId,
          MicrosoftAppType: config.bot.appType,
        }),
    ),
  );
  adapter.onTurnError = turnErrorHandler(logger, storage.conversationState);
  return { adapter, messenger: new BotMessenger(adapter, config.bot.appId, storage.references, appInstaller) };
}

/** The job worker, with every kind's handler and what the handlers work with (see JobContext). */
function createWorker(
  config: Config,
  shared: SharedContext,
  storage: StorageContext,
  messenger: BotMessenger,
  directorySimulated: boolean,
  logger: Logger,
): JobWorker {
  const handlers = createJobHandlers({
    ...shared,
    given: new SqlGivenAccess(storage.database.db, shared.clock),
    queue: storage.queue,
    // Jobs write to people at Teams' pace; turns answer as they come (see PacedMessenger).
    messenger: new PacedMessenger(messenger),
    sendInvitationEmail: config.sendInvitationEmail,
    redemption: config.redemption,
    guestEndAction: config.guestEndAction,
    sponsorCheck: config.sponsorCheck,
    inactiveGuestDays: config.inactivity.days,
    directorySimulated,
  });
  return new JobWorker(storage.queue, handlers, logger, { leaseMs: config.jobs.leaseMs, clock: shared.clock, concurrency: config.jobs.concurrency });
}

/** The start line: where the bot listens and on what, and, unauthenticated, how to reach it. */
function logListening(
  config: Config,
  logger: Logger,
  app: Pick<RunningApp, 'url' | 'port' | 'database'>,
  directory: string,
  launchedByPlayground?: boolean,
): void {
  const { url, port, database } = app;
  logger.info(
    {
      endpoint: `${url}/api/messages`,
      database: `${database.kind} ${database.description}`,
      directory,
      catalog: `${config.catalogFile} (${config.catalog.resources.length} resources)`,
    },
    config.bot.authenticated
      ? `Guest Access Bot listening on ${config.host}:${port} for bot ${config.bot.appId}.`
      : `Guest Access Bot listening on ${url}/api/messages, UNAUTHENTICATED because MicrosoftAppId is empty: only this machine can reach it. ${
          launchedByPlayground ? 'The Agents Playground connects to it next.' : 'Connect the Bot Framework Emulator, or run npm run playground.'
        }`,
  );
}

/** RunningApp.close: what takes in work stops first; what the others still use (telemetry, the database) closes last. */
async function closeInOrder(app: Omit<RunningApp, 'close'>, server: Server, logger: Logger, graceMs: number | undefined): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await app.sweeper.stop();
  await app.redemptionWatcher.stop();
  await app.sponsorWatcher.stop();
  await app.inactivityWatcher.stop();
  await app.worker.stop(graceMs);
  // What telemetry still holds (the last turns, jobs and a final reading of the metrics, which
  // query the database) is sent before the database closes.
  if (shutdownTelemetry) await shutdownTelemetry().catch((error: unknown) => logger.warn({ err: error }, 'telemetry could not be flushed'));
  await app.database.close();
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} is already in use: stop the other process or set PORT to a free port.`) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** What closing the server and the database may take beyond the job in hand's grace, before the process gives up on them. */
const CLOSING_MARGIN_MS = 5_000;

async function main(): Promise<void> {
  loadDotEnv();
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    console.error('Fix the settings above in .env or the environment (see docs/administration.md, "Settings") and start again.');
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger, { launchedByPlayground: process.env[LAUNCHED_BY_PLAYGROUND] === '1' });
  let stopping = false;
  // SIGTERM (App Service, Kubernetes, Ctrl+C as SIGINT): take no new work, give the job in hand
  // SHUTDOWN_GRACE_SECONDS to finish or release it, close the database. A second signal exits at
  // once; either way nothing is lost, since an unfinished job's lease runs out and it is run again.
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(0);
    }
    stopping = true;
    logger.info({ signal, graceSeconds: config.jobs.shutdownGraceMs / 1000 }, 'stopping: no new work; finishing the job in hand');
    // A last resort, should closing the server or the database hang.
    setTimeout(() => {
      logger.warn('stopping took longer than SHUTDOWN_GRACE_SECONDS allows; exiting now');
      process.exit(0);
    }, config.jobs.shutdownGraceMs + CLOSING_MARGIN_MS).unref();
    app.close(config.jobs.shutdownGraceMs).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stopping failed; exiting');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error('The bot could not start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
