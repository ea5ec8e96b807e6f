/**
 * Proactive messages paced below Teams' documented rate limits ("Optimize your bot with rate
 * limiting in Teams"): per bot per conversation 7 messages a second, 8 in 2 s, 60 in 30 s and
 * 1,800 an hour; per app per tenant 50 requests a second. A sponsor who gets 60 cards in a
 * minute gets them all, in order, a tenth below each limit, instead of drawing 429s.
 *
 * Only jobs write through the Messenger, so replies within a message turn are not paced (they
 * answer someone who just wrote, one or two at a time). The pace is per process: several bot
 * instances sharing a tenant each keep to it, so together they may go over it, mostly the
 * tenant's 50 a second; the 429s that brings are honoured as Teams asks (`Retry-After`, with
 * jitter) by holding that conversation here and by the job's retry (jobs/retryPolicy).
 */
import type { Activity, ConversationReference } from 'botbuilder';
import { JobMustWait } from '../requests/jobs';
import { belowLimits, PaceTooSlow, type RateWindow, SlidingWindowLimiter, type LimiterOptions } from '../pacing/slidingWindowLimiter';
import { DeliveryError, type OpensPersonalConversations, type Messenger, type PersonalConversation } from './messenger';

/** Teams' limits per bot per conversation, as documented. */
export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { perMs: 1_000, max: 7 },
  { perMs: 2_000, max: 8 },
  { perMs: 30_000, max: 60 },
  { perMs: 3_600_000, max: 1_800 },
];

/** Teams' limit per app per tenant, as documented. */
export const TEAMS_TENANT_LIMITS: readonly RateWindow[] = [{ perMs: 1_000, max: 50 }];

/**
 * A job waits in line this long at most (enough for Teams' 1 s and 2 s windows); a longer wait
 * gives its worker slot back, for other work, and the job comes back when there is room
 * (JobMustWait, which does not count as an attempt).
 */
export const MAX_WAIT_IN_JOB_MS = 2_500;

const TENANT = 'tenant';

export class PacedMessenger implements Messenger {
  private readonly conversations: SlidingWindowLimiter;
  private readonly tenant: SlidingWindowLimiter;
  private readonly maxWaitMs: number;

  constructor(
    private readonly inner: OpensPersonalConversations,
    options: LimiterOptions & { maxWaitMs?: number } = {},
  ) {
    this.conversations = new SlidingWindowLimiter(belowLimits(TEAMS_CONVERSATION_LIMITS), options);
    this.tenant = new SlidingWindowLimiter(belowLimits(TEAMS_TENANT_LIMITS), options);
    this.maxWaitMs = options.maxWaitMs ?? MAX_WAIT_IN_JOB_MS;
  }

  post(conversationId: string, activity: Partial<Activity>): Promise<string> {
    return this.paced(conversationId, () => this.inner.post(conversationId, activity));
  }

  update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void> {
    return this.paced(conversationId, () => this.inner.update(conversationId, activityId, activity));
  }

  /**
   * Opening a chat is a request to Teams like any other: it counts against the tenant's pace. A
   * chat the bot already has asks Teams nothing, so it takes no turn of the pace: that turn would
   * be a message fewer a second for everyone (at 50 a second per tenant, one a request in seven).
   */
  async personalConversationWith(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation> {
    const known = await this.inner.knownPersonalConversation(user.id);
    if (known) return known;
    const taken = await this.take(this.tenant, TENANT);
    try {
      return await this.inner.openPersonalConversation(user, via);
    } finally {
      this.tenant.answered(TENANT, taken);
    }
  }

  private async paced<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    const inConversation = await this.take(this.conversations, conversationId);
    const inTenant = await this.take(this.tenant, TENANT);
    try {
      return await send();
    } catch (error) {
      // Throttled anyway (another instance, or a reply in a turn, shared the conversation): hold it as asked.
      if (error instanceof DeliveryError && error.status === 429) this.conversations.holdFor(conversationId, error.retryAfterMs ?? 1_000);
      throw error;
    } finally {
      this.conversations.answered(conversationId, inConversation);
      this.tenant.answered(TENANT, inTenant);
    }
  }

  private async take(limiter: SlidingWindowLimiter, key: string): Promise<number> {
    try {
      return await limiter.take(key, this.maxWaitMs);
    } catch (error) {
      const which = limiter === this.tenant ? 'for this tenant' : 'for this conversation';
      if (error instanceof PaceTooSlow) throw new JobMustWait(`Teams' rate limit ${which} leaves no room yet`, error.waitMs);
      throw error;
    }
  }
}
