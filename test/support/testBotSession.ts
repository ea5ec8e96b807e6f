/**
 * A test bot that a test, or a mocha hook, starts, stops and starts again: what its fields give
 * is the bot running now. A session has a TestClock of its own (real time until the test moves
 * it) and a fake Teams of its own, both of which outlive a restart, as a tenant's chats and the
 * time of day do. `close()` ends it all, temporary folder included; a `start()` after that
 * begins afresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { FakeTeamsChannel } from './fakeTeamsChannel';
import { settleJobs } from './settle';
import { TestClock } from './testClock';
import { startTestBot, type TestBot } from './testBot';

export interface TestBotSettings {
  /** A new logger for each start, for a test that reads what the bot logs. */
  logger?: () => Logger;
  /** The database is a SQLite file in a temporary folder of the session's own, so that a restart keeps it; else it is in memory. */
  restartable?: boolean;
}

interface Opened {
  clock: TestClock;
  channel: FakeTeamsChannel;
  /** The folder of a restartable session's database. */
  folder?: string;
}

export class TestBotSession implements TestBot {
  private run: TestBot | undefined;
  private opened: Opened | undefined;

  /** `env`: settings over the tests' defaults, for every start. */
  constructor(
    private readonly env: Record<string, string> = {},
    private readonly settings: TestBotSettings = {},
  ) {}

  get app(): TestBot['app'] {
    return this.running().app;
  }

  get config(): TestBot['config'] {
    return this.running().config;
  }

  get teams(): TestBot['teams'] {
    return this.running().teams;
  }

  get requests(): TestBot['requests'] {
    return this.running().requests;
  }

  get channel(): FakeTeamsChannel {
    return this.session().channel;
  }

  /** The session's clock, which `passDays` (or the test) moves on. */
  get clock(): TestClock {
    return this.session().clock;
  }

  readonly now = (): Date => this.clock.now();

  /** The SQLite file every run of a restartable session shares. */
  get databaseUrl(): string {
    const { folder } = this.session();
    if (!folder) throw new Error('this test bot keeps its database in memory: use restartableBot() for one in a file');
    return join(folder, 'bot.db');
  }

  /** Starts the bot, with `env` over the session's settings for this run. */
  async start(env: Record<string, string> = {}): Promise<void> {
    if (this.run) throw new Error('the test bot is running already');
    const opened = (this.opened ??= await this.open());
    const database: Record<string, string> = opened.folder ? { DATABASE_URL: this.databaseUrl } : {};
    this.run = await startTestBot({ ...this.env, ...env, ...database }, this.settings.logger?.(), { clock: opened.clock.now, channel: opened.channel });
  }

  /** Stops the bot as a shutdown does; its database (when in a file), fake Teams and clock stay for the next start. */
  async stop(): Promise<void> {
    const run = this.run;
    this.run = undefined;
    await run?.close();
  }

  /** Stops the bot and starts it again on the same database, with `env` over the session's settings. */
  async restart(env: Record<string, string> = {}): Promise<void> {
    if (!this.settings.restartable) throw new Error('a restart would lose this test bot’s database, which is in memory: use restartableBot()');
    await this.stop();
    await this.start(env);
  }

  /** Stops the bot and its fake Teams, and removes its folder. */
  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = undefined;
    try {
      await this.stop();
      await opened?.channel.stop();
    } finally {
      if (opened?.folder) rmSync(opened.folder, { recursive: true, force: true });
    }
  }

  /** Moves the clock on by `days` and runs what became due. */
  async passDays(days: number): Promise<void> {
    this.clock.advanceDays(days);
    await this.settle();
  }

  /** Waits until no job is due or running and the worker is idle: then what happened can be counted. */
  settle(): Promise<void> {
    return settleJobs(this);
  }

  private async open(): Promise<Opened> {
    const channel = new FakeTeamsChannel();
    await channel.start();
    return { clock: new TestClock(), channel, folder: this.settings.restartable ? mkdtempSync(join(tmpdir(), 'guest-access-bot-')) : undefined };
  }

  private running(): TestBot {
    if (!this.run) throw new Error('the test bot is not running: start() it first');
    return this.run;
  }

  private session(): Opened {
    if (!this.opened) throw new Error('the test bot has not been started');
    return this.opened;
  }
}

/**
 * A bot on a SQLite file in a temporary folder, started, which the test stops and starts again
 * (a restart, a deployment with new settings) with what its database, fake Teams and clock
 * hold. `close()` removes the folder.
 */
export async function restartableBot(env: Record<string, string> = {}): Promise<TestBotSession> {
  const bot = new TestBotSession(env, { restartable: true });
  try {
    await bot.start();
  } catch (error) {
    await bot.close();
    throw error;
  }
  return bot;
}

export interface TestBotHooks extends TestBotSettings {
  /**
   * When it starts: before each test (the default), once before all of them, or in the test,
   * which calls `bot.start(env)` with settings of its own. It is closed after each test, or
   * after all of them when started before all.
   */
  start?: 'beforeEach' | 'before' | 'inTest';
}

/** The test bot of the tests in this `describe`, started and closed by mocha hooks; `env` goes to every start. */
export function withTestBot(env: Record<string, string> = {}, hooks: TestBotHooks = {}): TestBotSession {
  const bot = new TestBotSession(env, hooks);
  const { start = 'beforeEach' } = hooks;
  if (start === 'before') {
    before(async () => bot.start());
    after(async () => bot.close());
  } else {
    if (start === 'beforeEach') beforeEach(async () => bot.start());
    afterEach(async () => bot.close());
  }
  return bot;
}
