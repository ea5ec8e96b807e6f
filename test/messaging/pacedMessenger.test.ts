/**
 * The tenant's pace (Teams: 50 requests a second per app per tenant, kept a tenth below) counts
 * what reaches Teams: posts, updates and the opening of a chat. Finding a chat the bot keeps asks
 * Teams nothing and must not take a turn of it, or every job that looks one up would leave a
 * message a second fewer for everyone.
 */
import assert from 'node:assert/strict';
import type { ConversationReference } from 'botbuilder';
import { JobMustWait } from '../../src/requests/jobs';
import type { OpensPersonalConversations, PersonalConversation } from '../../src/messaging/messenger';
import { PacedMessenger, TEAMS_TENANT_LIMITS } from '../../src/messaging/pacedMessenger';
import { belowLimits } from '../../src/pacing/slidingWindowLimiter';

/** What the pace lets through in one window, with the clock standing still. */
const TENANT_PACE = belowLimits(TEAMS_TENANT_LIMITS)[0].max;

/** Teams as the paced messenger sees it: every call answered at once, and counted. */
class CountingMessenger implements OpensPersonalConversations {
  readonly opened: string[] = [];
  posts = 0;

  constructor(private readonly known: ReadonlySet<string>) {}

  async post(): Promise<string> {
    this.posts += 1;
    return `activity-${this.posts}`;
  }

  async update(): Promise<void> {}

  async knownPersonalConversation(userId: string): Promise<PersonalConversation | undefined> {
    return this.known.has(userId) ? { conversationId: `a:chat-${userId}` } : undefined;
  }

  async openPersonalConversation(user: { id: string }, _via: string | Partial<ConversationReference>): Promise<PersonalConversation> {
    this.opened.push(user.id);
    return { conversationId: `a:new-chat-${user.id}` };
  }

  async personalConversationWith(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation> {
    return (await this.knownPersonalConversation(user.id)) ?? this.openPersonalConversation(user, via);
  }
}

/** A paced messenger on a clock that stands still, that refuses to wait: what the pace allows now, and no more. */
function pacedOver(inner: CountingMessenger): PacedMessenger {
  return new PacedMessenger(inner, { now: () => 0, sleep: async () => {}, maxWaitMs: 0 });
}

describe('the tenant’s pace of proactive messages', () => {
  it('lets a chat the bot keeps be found without a turn of the pace: the posts after it still have every turn', async () => {
    const inner = new CountingMessenger(new Set(['sponsor']));
    const messenger = pacedOver(inner);
    for (let i = 0; i < 2 * TENANT_PACE; i++) {
      assert.deepEqual(await messenger.personalConversationWith({ id: 'sponsor', tenantId: 't' }, 'a:requester'), { conversationId: 'a:chat-sponsor' });
    }
    // Each post to a chat of its own, so only the tenant's pace can hold one back.
    for (let i = 0; i < TENANT_PACE; i++) await messenger.post(`a:chat-${i}`, { type: 'message', text: 'hello' });
    assert.equal(inner.posts, TENANT_PACE);
    assert.deepEqual(inner.opened, [], 'no chat was opened');
  });

  it('counts the opening of a chat against the pace, as Teams does', async () => {
    const inner = new CountingMessenger(new Set());
    const messenger = pacedOver(inner);
    for (let i = 0; i < TENANT_PACE; i++) await messenger.personalConversationWith({ id: `person-${i}`, tenantId: 't' }, 'a:requester');
    assert.equal(inner.opened.length, TENANT_PACE);
    await assert.rejects(messenger.post('a:chat-x', { type: 'message', text: 'one too many' }), JobMustWait);
    await assert.rejects(messenger.personalConversationWith({ id: 'one-more', tenantId: 't' }, 'a:requester'), JobMustWait);
  });
});
