/**
 * A fake Teams channel on 127.0.0.1: it is the `serviceUrl` the bot replies to, so tests see
 * every reply, created conversation and card update the bot sends, over real HTTP, and it sends
 * activities to the bot the way Teams does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity, ChannelAccount, ConversationParameters } from 'botbuilder';
import { TEAMS_CONVERSATION_LIMITS } from '../../src/messaging/pacedMessenger';
import { SlidingWindowLimiter } from '../../src/pacing/slidingWindowLimiter';

export interface ReceivedActivity {
  conversationId: string;
  activity: Partial<Activity>;
}

export interface ReceivedUpdate extends ReceivedActivity {
  activityId: string;
}

export interface TeamsUser {
  /** The Teams user id, `29:…`. */
  id: string;
  aadObjectId?: string;
  name: string;
  locale?: string;
}

export const TENANT_ID = '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f';
export const BOT: ChannelAccount = { id: '28:guest-access-bot', name: 'Guest Access' };

/** What Teams answers createConversation with for a user who has not installed the bot's app. */
const NOT_IN_ROSTER = { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } };

export class FakeTeamsChannel {
  readonly sent: ReceivedActivity[] = [];
  readonly updates: ReceivedUpdate[] = [];
  readonly createdConversations: { id: string; parameters: ConversationParameters }[] = [];
  /** The Authorization header of every call the bot made, in order. */
  readonly authorizations: (string | undefined)[] = [];
  /** Answer createConversation with this status instead (403: the app is not installed for them). */
  createConversationStatus = 200;
  /**
   * Whether the bot's app is installed for a user (by Entra id): Teams refuses the bot a chat
   * with anyone else. The test bots ask their directory simulator, which installs it through Graph.
   */
  hasApp: (entraId: string) => boolean = () => true;
  /** Conversations whose posts fail with 500 `UserNotFound`, as the Agents Playground answers. */
  failPostsTo: (conversationId: string) => boolean = () => false;
  /**
   * Posts Teams throttles: each answered 429 with `Retry-After`, as Teams does over its rate
   * limits, while `count` lasts. The Bot Connector client retries a 429 three times itself, so
   * a job sees one only from the fourth in a row.
   */
  throttle = { count: 0, retryAfterSeconds: 0, to: (_conversationId: string): boolean => true };
  /**
   * Answer as Teams does over its documented limits per bot per conversation (7 messages a
   * second, 8 in 2 s, 60 in 30 s, 1,800 an hour): 429 with `Retry-After`. Off unless a test or
   * the bench turns it on.
   */
  enforceTeamsLimits = false;
  private readonly teamsLimits = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
  /** How many posts were answered 429. */
  throttled = 0;
  /** Called with every post and update as it arrives (the bench listens rather than searching). */
  readonly listeners = new Set<(received: ReceivedActivity | ReceivedUpdate) => void>();

  /** `keepHistory: false` keeps nothing in `sent` and `updates`, so a long load run stays flat. */
  constructor(private readonly options: { keepHistory?: boolean } = {}) {}
  private server: Server | undefined;
  private readonly chats = new Map<string, string>();
  private waiters: (() => void)[] = [];
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * Messages (not typing indicators) the bot sent to a conversation, oldest first, each as it
   * reads now: the bot's latest update of it, as a Teams client shows it.
   */
  messagesTo(conversationId: string): Partial<Activity>[] {
    return this.sent
      .filter((s) => s.conversationId === conversationId && s.activity.type === 'message')
      .map((s) => {
        const latest = this.updates.filter((u) => u.conversationId === conversationId && u.activityId === s.activity.id).at(-1);
        return latest ? { ...latest.activity, id: s.activity.id } : s.activity;
      });
  }

  /** Waits until `check` returns something, re-checking on every activity the channel receives. */
  async waitFor<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    this.authorizations.push(req.headers.authorization);
    const path = (req.url ?? '').split('?')[0];
    const reply = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
      this.notify();
    };
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v3/conversations') {
      const member = (body as ConversationParameters | undefined)?.members?.[0]?.id;
      if (this.createConversationStatus === 403 || (member !== undefined && !this.hasApp(member))) return reply(403, NOT_IN_ROSTER);
      if (this.createConversationStatus !== 200)
        return reply(this.createConversationStatus, { error: { code: 'Forbidden', message: 'The channel refused the conversation.' } });
      // Teams has one 1:1 chat between the bot and a user: opening it again answers the same id.
      const id = this.chats.get(member ?? '') ?? `a:personal-${randomUUID()}`;
      this.chats.set(member ?? '', id);
      this.createdConversations.push({ id, parameters: body as ConversationParameters });
      return reply(200, { id });
    }
    if (req.method === 'POST' && (match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(path))) {
      if (this.failPostsTo(decodeURIComponent(match[1]))) return reply(500, { error: { code: 'UserNotFound', message: 'User not found' } });
      if (this.throttle.count > 0 && this.throttle.to(decodeURIComponent(match[1]))) {
        this.throttle.count--;
        return this.tooMany(reply, this.throttle.retryAfterSeconds);
      }
      const overLimitMs = this.enforceTeamsLimits ? this.teamsLimits.tryTake(decodeURIComponent(match[1])) : 0;
      if (overLimitMs > 0) return this.tooMany(reply, Math.ceil(overLimitMs / 1000));
      const id = `act-${randomUUID()}`;
      this.received(this.sent, { conversationId: decodeURIComponent(match[1]), activity: { ...(body as Partial<Activity>), id } });
      return reply(200, { id });
    }
    if (req.method === 'PUT' && (match = /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)$/.exec(path))) {
      const activityId = decodeURIComponent(match[2]);
      const update = body as Partial<Activity>;
      const overLimitMs = this.enforceTeamsLimits ? this.teamsLimits.tryTake(decodeURIComponent(match[1])) : 0;
      if (overLimitMs > 0) return this.tooMany(reply, Math.ceil(overLimitMs / 1000));
      // As Teams (and the Agents Playground) answer an update that would need two messages.
      if (update.text && update.attachments?.length)
        return reply(400, { error: { code: 'BadArgument', message: 'Activity resulted into multiple skype activities' } });
      this.received(this.updates, { conversationId: decodeURIComponent(match[1]), activityId, activity: body as Partial<Activity> });
      return reply(200, { id: activityId });
    }
    reply(404, { error: { code: 'NotFound', message: `The fake channel has no ${req.method} ${path}` } });
  }

  private tooMany(reply: (status: number, json: unknown, headers: Record<string, string>) => void, retryAfterSeconds: number): void {
    this.throttled++;
    reply(429, { error: { code: 'Throttled', message: 'Too many requests' } }, { 'retry-after': String(retryAfterSeconds) });
  }

  private received<T extends ReceivedActivity>(history: T[], arrived: T): void {
    if (this.options.keepHistory !== false) history.push(arrived);
    for (const listener of this.listeners) listener(arrived);
  }
}

/** The Authorization header to send with an activity; undefined sends none. */
export type Authorize = (activity: Partial<Activity>) => string | undefined;

/** Builds activities as Teams sends them in a personal chat with the bot, and posts them. */
export class TeamsClient {
  /** `authorize` signs each activity, as Teams does for an authenticated bot. */
  constructor(
    private readonly botUrl: string,
    private readonly channel: FakeTeamsChannel,
    private readonly authorize: Authorize = () => undefined,
  ) {}

  conversationOf(user: TeamsUser): string {
    return `a:personal-${user.id}`;
  }

  async install(user: TeamsUser): Promise<Response> {
    return this.post(user, { type: 'conversationUpdate', membersAdded: [BOT] });
  }

  async say(user: TeamsUser, text: string): Promise<Response> {
    return this.post(user, { type: 'message', text });
  }

  /** Clicks an Action.Execute button; resolves to the invoke response's body. */
  async click(user: TeamsUser, conversationId: string, verb: string, data: Record<string, unknown>): Promise<{ status: number; body: InvokeAnswer }> {
    const response = await this.post(
      user,
      { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } },
      conversationId,
    );
    return { status: response.status, body: (await response.json()) as InvokeAnswer };
  }

  async post(user: TeamsUser, activity: Partial<Activity>, conversationId = this.conversationOf(user)): Promise<Response> {
    const full: Partial<Activity> = {
      id: randomUUID(),
      channelId: 'msteams',
      serviceUrl: this.channel.url,
      timestamp: new Date(),
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: BOT,
      conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID, isGroup: false, name: '' },
      channelData: { tenant: { id: TENANT_ID } },
      locale: user.locale ?? 'en-US',
      ...activity,
    };
    const authorization = this.authorize(full);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) };
    return fetch(`${this.botUrl}/api/messages`, { method: 'POST', headers, body: JSON.stringify(full) });
  }
}

export interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: {
    type?: string;
    body?: { type: string; text?: string; id?: string; facts?: { title: string; value: string }[] }[];
    actions?: { verb?: string; data?: Record<string, unknown> }[];
  };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as unknown) : undefined;
}
