/**
 * Microsoft's documented limits, met in the bench (`npm run bench`, or `-- --pacing` alone): the
 * simulator throttles as Graph does (SIMULATOR_RATE_LIMITS) and the fake Teams as Teams does, and
 * the bot must pace below both. A burst of approvals must finish within 1.25× of the time the
 * invitation limit itself sets (150 per 5 s per tenant) with fewer than 2 % of Graph calls
 * answered 429; 100 cards to one sponsor must all arrive, each once.
 */
import pino from 'pino';
import { loadConfig } from '../src/config';
import { startApp } from '../src/index';
import { GRAPH_LIMITS } from '../src/pacing/graphLimits';
import { SqlRequestRepository } from '../src/storage/sqlRequestRepository';
import { FakeTeamsChannel, TeamsClient } from '../test/support/fakeTeamsChannel';
import { requestDraft } from '../test/support/requestDraft';
import { users } from '../test/support/testBot';
import { LIFTED_LIMITS } from './load';
import { round } from './readings';

const SYSTEM = { kind: 'system' } as const;

async function startPacedBot() {
  const config = loadConfig({ PORT: '0', DATABASE_URL: ':memory:', LOG_LEVEL: 'silent', SIMULATOR_RATE_LIMITS: 'true', ...LIFTED_LIMITS });
  const app = await startApp(config, pino({ level: 'silent' }));
  const channel = new FakeTeamsChannel({ keepHistory: false });
  channel.enforceTeamsLimits = true;
  await channel.start();
  const teams = new TeamsClient(app.url, channel);
  await teams.install(users.adele);
  const requests = new SqlRequestRepository(app.database.db, { followUp: config });
  return { app, channel, teams, requests, close: async () => (await app.close(), await channel.stop()) };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 100));
  }
}

/** `count` approvals at once (the sponsor's decisions recorded together): seconds until every guest is invited, and Graph's 429s. */
export async function approvalBurst(count: number) {
  const bot = await startPacedBot();
  try {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      // Each from a requester of their own, so their notices do not queue behind one another's in one chat.
      const draft = requestDraft({ guestEmail: `burst${i}@fabrikam.com`, requesterConversationId: `a:personal-burst-${i}` });
      const { id } = await bot.requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: draft.requester.displayName });
      ids.push(id);
    }
    const started = performance.now();
    for (const id of ids) await bot.requests.transition({ id, from: 'pending_approval', to: 'approved', actor: SYSTEM });
    bot.app.worker.wake();
    await until(
      async () =>
        (
          await bot.app.database.db
            .selectFrom('access_requests')
            .select(({ fn }) => fn.countAll<number>().as('n'))
            .where('state', '=', 'invited')
            .executeTakeFirst()
        )?.n == count,
      `${count} guests invited`,
      600_000,
    );
    const seconds = (performance.now() - started) / 1000;
    const limitSeconds = (count / GRAPH_LIMITS.invitations[0].max) * (GRAPH_LIMITS.invitations[0].perMs / 1000);
    const graph = bot.app.simulator?.rateLimitCounts ?? { calls: 0, throttled: 0 };
    return {
      approvals: count,
      seconds: round(seconds),
      limitSeconds: round(limitSeconds),
      ratio: round(seconds / limitSeconds),
      graphCalls: graph.calls,
      graph429: graph.throttled,
      graph429Percent: round((100 * graph.throttled) / Math.max(1, graph.calls)),
    };
  } finally {
    await bot.close();
  }
}

/** `count` requests filed at once with one sponsor: whether every card arrives, once, and Teams' 429s. */
export async function cardsToOneSponsor(count: number) {
  const bot = await startPacedBot();
  try {
    const arrived = new Map<string, number>();
    bot.channel.listeners.add((received) => {
      // A post, not a later update of the card.
      if ('activityId' in received) return;
      const id = /GA-\w{6}/.exec(JSON.stringify(received.activity.attachments ?? []))?.[0];
      if (id) arrived.set(id, (arrived.get(id) ?? 0) + 1);
    });
    const ids: string[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const draft = requestDraft({ guestEmail: `card${i}@fabrikam.com`, requesterConversationId: bot.teams.conversationOf(users.adele) });
      ids.push((await bot.requests.create(draft, { kind: 'user', id: draft.requester.id, displayName: draft.requester.displayName })).id);
    }
    bot.app.worker.wake();
    await until(async () => ids.every((id) => arrived.has(id)), `${count} cards`, 300_000);
    const seconds = (performance.now() - started) / 1000;
    // Anything late would be here by now: the cards are recorded right after they are posted.
    await until(async () => (await Promise.all(ids.map((id) => bot.requests.get(id)))).every((r) => r?.approvalCard), 'every card recorded', 30_000);
    return {
      cards: count,
      arrived: ids.filter((id) => arrived.has(id)).length,
      twice: ids.filter((id) => (arrived.get(id) ?? 0) > 1).length,
      teams429: bot.channel.throttled,
      seconds: round(seconds),
    };
  } finally {
    await bot.close();
  }
}
