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
import { setUpDirectory } from './directorySetup';
import type { DirectorySimulator } from './simulator';
import { createJobHandlers } from './jobHandlers';
import { RedemptionWatcher } from './access/redemptionWatcher';
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
import { BotMessenger } from './messaging/botMessenger';
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
  const database = await openDatabase(config.databaseUrl, { auth: config.databaseAuth });
  const clock = options.clock ?? (() => new Date());
  let worker: JobWorker | undefined;
  // Work queued by this process starts at once; other instances find it at their next poll.
  const wakeWorker = () => worker?.wake();
  const requests = new SqlRequestRepository(database.db, { followUp: config, clock, onJobsQueued: wakeWorker });
  const queue = new JobQueue(database.db, clock, wakeWorker);
  const references = new ConversationReferenceStore(database.db);
  const conversationState = new ConversationState(new DialogStateStorage(database.db));

  // The simulator lives on this server, so its URL needs the port before anything listens.
  const port = config.port === 0 ? await freePort(config.host) : config.port;
  const directorySetup = setUpDirectory(config, port, logger);
  const { directory, simulator, tenantId } = directorySetup;
  const guestPolicy = {
    ...config.guestPolicy,
    internalDomains: [...config.guestPolicy.internalDomains, ...(simulator?.verifiedDomains ?? [])],
  };
  // Only an unauthenticated run on the simulated directory lets an activity without an Entra id be its default user.
  const localDefaultUserId = !config.bot.authenticated && simulator ? simulator.defaultUserId : undefined;
  const localTestsAllowed = !config.bot.authenticated;
  // What the conversation, the card clicks and the jobs all work with, built once.
  const shared = {
    requests,
    catalog: config.catalog,
    directory,
    guestPolicy,
    timing: config.timing,
    clock,
    localTestsAllowed,
    localDefaultUserId,
    maxOpenRequests: config.limits.openRequestsPerRequester,
  };

  const mainDialog = new MainDialog(new RequestAccessDialog({ ...shared, tenantId }), { ...shared, adminGroupId: config.adminGroupId });
  const bot = new GuestAccessBot({
    ...shared,
    conversationState,
    mainDialog,
    references,
    queue,
    admission: { tenantId, authenticated: config.bot.authenticated },
    turnLimit: new TurnRateLimit(config.limits.turnsPerMinute),
    language: new ConversationLanguage(conversationState, directory, localDefaultUserId),
    dialogTimeoutMs: config.dialogTimeoutMs,
    logger,
  });
  const adapter = new CloudAdapter(
    new ChannelTokenCheck(
      options.botFrameworkAuthentication ??
        new ConfigurationBotFrameworkAuthentication({
          MicrosoftAppId: config.bot.appId,
          MicrosoftAppPassword: config.bot.appPassword,
          MicrosoftAppTenantId: config.bot.appTenantId,
          MicrosoftAppType: config.bot.appType,
        }),
    ),
  );
  adapter.onTurnError = turnErrorHandler(logger, conversationState);

  const messenger = new BotMessenger(adapter, config.bot.appId, references);
  worker = new JobWorker(
    queue,
    createJobHandlers({
      ...shared,
      given: new SqlGivenAccess(database.db, clock),
      queue,
      messenger,
      sendInvitationEmail: config.sendInvitationEmail,
      redemption: config.redemption,
      guestEndAction: config.guestEndAction,
      directorySimulated: simulator !== undefined,
    }),
    logger,
    { leaseMs: config.jobs.leaseMs, clock, concurrency: config.jobs.concurrency },
  );

  const server = createServer({ adapter, bot, db: database.db, logger, simulator, authenticated: config.bot.authenticated });
  await listen(server, port, config.host);
  worker.start();
  observeDatabase(database.db);
  const sweeper = new Sweeper(database.db, database.kind, logger, { retentionMs: config.jobs.retentionMs, onJobsQueued: wakeWorker });
  sweeper.start();
  const redemptionWatcher = new RedemptionWatcher({ requests, directory, settings: config.redemption, logger, clock });
  redemptionWatcher.start();

  const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
  logger.info(
    {
      endpoint: `${url}/api/messages`,
      database: `${database.kind} ${database.description}`,
      directory: directorySetup.description,
      catalog: `${config.catalogFile} (${config.catalog.resources.length} resources)`,
    },
    config.bot.authenticated
      ? `Guest Access Bot listening on ${config.host}:${port} for bot ${config.bot.appId}.`
      : `Guest Access Bot listening on ${url}/api/messages, UNAUTHENTICATED because MicrosoftAppId is empty: only this machine can reach it. ${
          options.launchedByPlayground ? 'The Agents Playground connects to it next.' : 'Connect the Bot Framework Emulator, or run npm run playground.'
        }`,
  );

  for (const warning of settingWarnings(config)) logger.warn(warning.details, warning.message);

  return {
    url,
    port,
    database,
    worker,
    sweeper,
    redemptionWatcher,
    simulator,
    close: async (graceMs?: number) => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sweeper.stop();
      await redemptionWatcher.stop();
      await worker?.stop(graceMs);
      // What telemetry still holds (the last turns, jobs and a final reading of the metrics, which
      // query the database) is sent before the database closes.
      if (shutdownTelemetry) await shutdownTelemetry().catch((error: unknown) => logger.warn({ err: error }, 'telemetry could not be flushed'));
      await database.close();
    },
  };
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
