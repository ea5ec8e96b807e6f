/**
 * The bot as processes of its own, with what surrounds them, for the tests that kill it, stop it
 * or run two of it: a temporary folder (their working directory, so that no developer's .env is
 * read, and their SQLite database unless the test gives a PostgreSQL one), the directory
 * simulator as their Graph, and a fake Teams channel. What they did is read back from the
 * database, the simulator and the channel; `close()` kills whatever still runs and removes it all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { openDatabase } from '../../src/storage/database';
import type { Schema } from '../../src/storage/schema';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { type ApprovedRequestSeed, seedApprovedRequests } from './approvedRequests';
import { BotProcess } from './botProcess';
import type { BotDatabase } from './databases';
import { FakeTeamsChannel, TENANT_ID } from './fakeTeamsChannel';
import { requestRepository } from './requestRepository';
import { busyJob } from './settle';

/** How the directory simulator that stands in for Graph runs: a latency, say. */
export type GraphOptions = NonNullable<Parameters<typeof startDirectorySimulator>[0]>;

export interface BotProcessesOptions {
  /** Graph for the processes: the directory simulator started with these options (a latency, say); else each test starts its own with `startGraph`. */
  graph?: GraphOptions;
  /** Their shared database; a SQLite file in the folder unless given. */
  database?: BotDatabase;
}

interface Opened {
  dir: string;
  channel: FakeTeamsChannel;
  database: { url: string; drop(): Promise<void> };
}

/** What an invitation asked Graph for. */
export interface InvitationBody {
  invitedUserEmailAddress: string;
  sendInvitationMessage: boolean;
}

export class BotProcesses {
  private opened: Opened | undefined;
  private simulator: StartedDirectorySimulator | undefined;
  private processes: BotProcess[] = [];

  constructor(private readonly options: BotProcessesOptions = {}) {}

  async open(): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'guest-access-processes-'));
    const channel = new FakeTeamsChannel();
    this.opened = { dir, channel, database: { url: join(dir, 'bot.db'), drop: async () => undefined } };
    await channel.start();
    if (this.options.database) this.opened.database = await this.options.database.create();
    if (this.options.graph) await this.startGraph(this.options.graph);
  }

  /** Kills every process still running, then stops Graph and the channel, drops the database and removes the folder. */
  async close(): Promise<void> {
    const { opened, simulator, processes } = this;
    this.opened = undefined;
    this.simulator = undefined;
    this.processes = [];
    try {
      await Promise.all(processes.map((bot) => bot.signal('SIGKILL')));
      await simulator?.close();
      await opened?.channel.stop();
      await opened?.database.drop();
    } finally {
      if (opened) rmSync(opened.dir, { recursive: true, force: true });
    }
  }

  get channel(): FakeTeamsChannel {
    return this.open_().channel;
  }

  get databaseUrl(): string {
    return this.open_().database.url;
  }

  get graph(): StartedDirectorySimulator {
    if (!this.simulator) throw new Error('Graph is not started: give `graph` or call startGraph()');
    return this.simulator;
  }

  /** Starts the directory simulator the processes use as Graph; it stops with the rest. */
  async startGraph(options: GraphOptions = {}): Promise<StartedDirectorySimulator> {
    if (this.simulator) throw new Error('Graph is started already');
    this.simulator = await startDirectorySimulator(options);
    return this.simulator;
  }

  /**
   * A bot process, not yet started, on the shared database and (once started) Graph, as a
   * deployment runs it; `env` adds or overrides settings.
   */
  process(env: Record<string, string> = {}): BotProcess {
    const graph: Record<string, string> = this.simulator
      ? { DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: this.simulator.graphBaseUrl, AZURE_TENANT_ID: TENANT_ID }
      : {};
    const bot = new BotProcess({ DATABASE_URL: this.databaseUrl, ...graph, LOG_LEVEL: 'info', ...env }, this.open_().dir);
    this.processes.push(bot);
    return bot;
  }

  /** What every process printed lately, for a failure message. */
  output(): string {
    return this.processes.map((bot) => bot.output.slice(-3000)).join('\n---\n');
  }

  /** Approved requests, written to the shared database, from requester chats on the channel; their ids. */
  seed(seeds: readonly ApprovedRequestSeed[]): Promise<string[]> {
    return seedApprovedRequests(this.databaseUrl, this.channel.url, seeds);
  }

  /** Reads the shared database as an operator would, on a connection of the test's own. */
  async read<T>(reading: (requests: SqlRequestRepository, db: Kysely<Schema>) => Promise<T>): Promise<T> {
    const database = await openDatabase(this.databaseUrl);
    try {
      return await reading(requestRepository(database.db), database.db);
    } finally {
      await database.close();
    }
  }

  /** Waits until every request is in `state`; the requests, by id. */
  async waitForStates(ids: readonly string[], state: AccessRequest['state'], timeoutMs = 60_000): Promise<Map<string, AccessRequest>> {
    return this.read(async (requests) => {
      for (const deadline = Date.now() + timeoutMs; ;) {
        const all = await Promise.all(ids.map((id) => requests.get(id)));
        if (all.every((request) => request?.state === state)) return new Map(all.map((request) => [request?.id ?? '', request as AccessRequest]));
        if (Date.now() > deadline) {
          const counts = all.reduce<Record<string, number>>(
            (count, request) => ({ ...count, [String(request?.state)]: (count[String(request?.state)] ?? 0) + 1 }),
            {},
          );
          throw new Error(`not every request is ${state} in time: ${JSON.stringify(counts)}\n${this.output()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
  }

  /**
   * Waits until no job is due or running in the shared database: whatever the processes had to
   * do has been done, so what they did can be counted. The timers of a request's life (a
   * reminder, an expiry) wait days ahead and do not count.
   */
  async settled(timeoutMs = 60_000): Promise<void> {
    await this.read(async (_, db) => {
      for (const deadline = Date.now() + timeoutMs; ;) {
        const busy = await busyJob(db, new Date());
        if (!busy) return;
        if (Date.now() > deadline) throw new Error(`job ${busy.id} is still due or running\n${this.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
  }

  /** Every invitation Graph was asked for, in order. */
  invitations(): InvitationBody[] {
    return this.graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')).map((r) => r.body as InvitationBody);
  }

  /** How many invitations asked Microsoft to email `address`. */
  emailsTo(address: string): number {
    return this.invitations().filter((body) => body.invitedUserEmailAddress === address && body.sendInvitationMessage).length;
  }

  /** How many users of the directory have the mail `address`: one guest, or more. */
  async guestsWith(address: string): Promise<number> {
    const filter = encodeURIComponent(`mail eq '${address}'`);
    return ((await (await fetch(`${this.graph.graphBaseUrl}/v1.0/users?$filter=${filter}`)).json()) as { value: unknown[] }).value.length;
  }

  /** The messages in `chat` that carry a redeem link. */
  linksIn(chat: string): Partial<Activity>[] {
    return this.channel.messagesTo(chat).filter((m) => m.text?.includes('/simulator/redeem/'));
  }

  private open_(): Opened {
    if (!this.opened) throw new Error('the bot processes are not set up: open() them first');
    return this.opened;
  }
}

/** Bot processes for the tests of this `describe`, set up before each test (`each`) or once before all, and closed after. */
export function withBotProcesses(hooks: 'each' | 'all', options: BotProcessesOptions = {}): BotProcesses {
  const processes = new BotProcesses(options);
  if (hooks === 'each') {
    beforeEach(async () => processes.open());
    afterEach(async () => processes.close());
  } else {
    before(async () => processes.open());
    after(async () => processes.close());
  }
  return processes;
}
