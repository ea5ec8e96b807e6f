/**
 * Where the bot can write to people later: the conversation reference of every conversation it
 * has seen, by conversation and by user.
 */
import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Clock } from './jobQueue';
import { PreparedQuery } from './preparedQuery';
import type { Schema } from './schema';

/** What `keep` found: a conversation the bot had never seen, one that moved to another serviceUrl, or one stored as is. */
type ReferenceNews = 'new' | 'moved' | 'known';

/** Conversations whose stored reference this instance knows, by their serviceUrl: enough for the busiest tenants, small in memory. */
const KNOWN_CONVERSATIONS = 10_000;

export class ConversationReferenceStore {
  /**
   * Every turn checks its conversation's reference is current; the answer rarely changes, so it is
   * remembered here rather than read each turn. Rows are never deleted and a move to another
   * serviceUrl arrives on the moved conversation's own turns, so what is remembered stays true, but
   * for one case: moved away (stored by another instance) and then back to the serviceUrl this
   * instance remembers, it is not stored again until this instance forgets it. Teams moves a
   * conversation rarely; back again, more rarely still.
   */
  private readonly storedServiceUrls = new LRUCache<string, string>({ max: KNOWN_CONVERSATIONS });

  /** Every proactive message starts here: prepared once (see PreparedQuery). */
  private readonly referenceOf: PreparedQuery<Schema, [conversationId: string], { reference: string }>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
  ) {
    this.referenceOf = new PreparedQuery(db, 1, (q, conversationId: string) =>
      q.selectFrom('conversation_references').select('reference').where('conversation_id', '=', conversationId),
    );
  }

  /** Saves or refreshes a reference; `userId` is the Entra object id where the channel gives one. */
  async save(reference: Partial<ConversationReference>, userId: string): Promise<void> {
    const conversationId = reference.conversation?.id;
    if (!conversationId || !reference.channelId) throw new Error('A conversation reference needs a conversation id and a channel id.');
    const row = {
      conversation_id: conversationId,
      user_id: userId,
      channel_id: reference.channelId,
      tenant_id: reference.conversation?.tenantId ?? null,
      reference: JSON.stringify(reference),
      updated_at: this.clock().toISOString(),
    };
    await this.db
      .insertInto('conversation_references')
      .values(row)
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet({ user_id: row.user_id, reference: row.reference, tenant_id: row.tenant_id, updated_at: row.updated_at }),
      )
      .execute();
    if (reference.serviceUrl) this.storedServiceUrls.set(conversationId, reference.serviceUrl);
  }

  /**
   * Keeps the reference a turn arrived with stored (Teams may move a conversation to another
   * serviceUrl) and says whether the conversation is new to the bot. A turn in a conversation this
   * instance already knows costs no query.
   */
  async keep(reference: Partial<ConversationReference>, userId: string): Promise<ReferenceNews> {
    const conversationId = reference.conversation?.id ?? '';
    const { serviceUrl } = reference;
    if (serviceUrl && this.storedServiceUrls.get(conversationId) === serviceUrl) return 'known';
    const stored = await this.byConversation(conversationId);
    if (!stored || stored.serviceUrl !== serviceUrl) {
      await this.save(reference, userId);
      return stored ? 'moved' : 'new';
    }
    if (serviceUrl) this.storedServiceUrls.set(conversationId, serviceUrl);
    return 'known';
  }

  async byConversation(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    const [row] = (await this.referenceOf.execute(this.db, conversationId)).rows;
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : undefined;
  }

  /** The user's most recent personal conversation with the bot, if they ever had one. */
  async personalConversationOf(userId: string): Promise<Partial<ConversationReference> | undefined> {
    const rows = await this.db.selectFrom('conversation_references').select('reference').where('user_id', '=', userId).orderBy('updated_at', 'desc').execute();
    const personal = rows.map((row) => JSON.parse(row.reference) as Partial<ConversationReference>).find((reference) => !reference.conversation?.isGroup);
    return personal;
  }
}
