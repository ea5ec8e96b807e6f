/**
 * The whole bot, started in-process as `npm start` would (real server, adapter, SQLite, the
 * simulated directory on the same port), with a fake Teams channel as its serviceUrl.
 */
import pino, { type Logger } from 'pino';
import { type Config, loadConfig } from '../../src/config';
import { type RunningApp, startApp } from '../../src/index';
import type { AccessRequest, NewAccessRequest } from '../../src/requests/accessRequest';
import { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { fileRequest as fileAsEveryoneDoes } from '../../src/useCases/fileRequest';
import { FakeTeamsChannel, TeamsClient, type TeamsUser } from './fakeTeamsChannel';
import { requestDraft } from './requestDraft';
import { settleJobs } from './settle';

export const users = {
  adele: { id: '29:adele', aadObjectId: 'a1b2c3d4-0001-4000-8000-000000000001', name: 'Adele Vance', locale: 'en-US' },
  megan: { id: '29:megan', aadObjectId: 'a1b2c3d4-0002-4000-8000-000000000002', name: 'Megan Bowen', locale: 'en-US' },
  diego: { id: '29:diego', aadObjectId: 'a1b2c3d4-0003-4000-8000-000000000003', name: 'Diego Siciliani', locale: 'es-ES' },
} satisfies Record<string, TeamsUser>;

export interface TestBot {
  app: RunningApp;
  /** The settings it runs with: the tests' defaults with its own over them. */
  config: Config;
  channel: FakeTeamsChannel;
  teams: TeamsClient;
  requests: SqlRequestRepository;
  /** Now, as the bot counts it: its test clock's, or real time. */
  now: () => Date;
  close(): Promise<void>;
}

/**
 * `logger` replaces the default one, for a test that reads what the bot logs; `clock` the real
 * time, for a test of timers; `channel` an earlier bot's fake Teams (whose conversations a
 * restarted bot's database remembers), which `close()` then leaves running.
 */
export async function startTestBot(
  env: Record<string, string> = {},
  logger?: Logger,
  options: { clock?: () => Date; channel?: FakeTeamsChannel } = {},
): Promise<TestBot> {
  const { clock } = options;
  const config = loadConfig({ PORT: '0', DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', ...env });
  // TEST_LOG_LEVEL=debug shows the bot's own log while a test runs.
  const app = await startApp(config, logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { clock });
  const channel = options.channel ?? new FakeTeamsChannel();
  if (!options.channel) await channel.start();
  // Teams lets the bot chat only with people its app is installed for, as the simulated tenant knows them.
  channel.hasApp = (entraId) => app.simulator?.hasTeamsApp(entraId) ?? true;
  return {
    app,
    config,
    channel,
    teams: new TeamsClient(app.url, channel),
    requests: new SqlRequestRepository(app.database.db, { followUp: config, clock }),
    now: clock ?? (() => new Date()),
    close: async () => {
      await app.close();
      if (!options.channel) await channel.stop();
    },
  };
}

/**
 * Adele files a request for partner@fabrikam.com (Project Falcon team and Contoso Expenses,
 * sponsor Megan) the way the dialog does (useCases/fileRequest, with the bot's settings), and the
 * bot delivers the card. Returns the request and where its card went.
 */
export async function fileRequest(
  bot: TestBot,
  requester: TeamsUser = users.adele,
  cardTimeoutMs = 10_000,
  changes: Partial<NewAccessRequest> = {},
): Promise<{ request: AccessRequest; cardConversationId: string; cardActivityId: string }> {
  const existing = bot.channel.sent.length;
  await bot.teams.install(requester);
  const { endsAt, accessDays = bot.config.timing.accessDays, ...draft } = changes;
  const { dayMs } = bot.config.timing;
  const filing = await fileAsEveryoneDoes(
    {
      requests: bot.requests,
      maxOpenRequests: bot.config.limits.openRequestsPerRequester,
      timing: { dayMs },
      // A test that names the end date files at the moment that date is counted from.
      clock: endsAt ? () => new Date(Date.parse(endsAt) - accessDays * dayMs) : bot.now,
    },
    {
      ...requestDraft({
        requester: { id: requester.aadObjectId as string, displayName: requester.name, address: 'adele.vance@contoso.com' },
        requesterLocale: requester.locale ?? 'en-US',
        requesterConversationId: bot.teams.conversationOf(requester),
        ...draft,
      }),
      accessDays,
    },
    { kind: 'user', id: requester.aadObjectId as string, displayName: requester.name },
  );
  if (filing.outcome === 'tooManyOpen')
    throw new Error(`${requester.name} has ${filing.open.length} requests waiting already: MAX_OPEN_REQUESTS allows no more`);
  const { request } = filing;
  bot.app.worker.wake();
  const card = await bot.channel.waitFor(
    () => bot.channel.sent.slice(existing).find((s) => s.activity.attachments?.length),
    `the approval card of ${request.id}`,
    cardTimeoutMs,
  );
  // The worker records where the card went right after posting it.
  const recorded = await waitFor(bot, request.id, (r) => r.approvalCard !== undefined, 'its card recorded');
  return { request: recorded, cardConversationId: card.conversationId, cardActivityId: card.activity.id as string };
}

/** A request from `requester` (Adele by default, in their language), approved by Megan, once the guest is invited. */
export async function invitedRequest(bot: TestBot, requester: TeamsUser = users.adele, changes: Partial<NewAccessRequest> = {}) {
  const filed = await fileRequest(bot, requester, 10_000, {
    requesterLocale: requester.locale ?? 'en-US',
    requesterConversationId: bot.teams.conversationOf(requester),
    ...changes,
  });
  await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
  const invited = await waitForState(bot, filed.request.id, 'invited');
  // What the invitation queued has run (the requester's link and its choices, the card): a test that types next reads its own answer last.
  await settleJobs(bot);
  return { ...filed, invited };
}

/** Makes every invited request's redemption check due now, for the watcher's next `checkDue`. */
export async function redemptionChecksDue(bot: TestBot): Promise<void> {
  await bot.app.database.db
    .updateTable('access_requests')
    .set({ redemption_check_at: new Date(0).toISOString() })
    .execute();
}

/** Waits for the request to reach `state` (the worker runs in the background). */
export function waitForState(bot: TestBot, id: string, state: AccessRequest['state']): Promise<AccessRequest> {
  return waitFor(bot, id, (r) => r.state === state, state);
}

async function waitFor(bot: TestBot, id: string, check: (request: AccessRequest) => boolean, what: string): Promise<AccessRequest> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const request = await bot.requests.get(id);
    if (request && check(request)) return request;
    if (Date.now() > deadline) throw new Error(`request ${id} is ${request?.state}, still waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
