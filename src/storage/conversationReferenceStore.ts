/**
 * Where the bot can write to people later: the conversation reference of every conversation it
 * has seen, by conversation and by user.
 */
import type { ConversationReference } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Clock } from './jobQueue';
import type { Schema } from './schema';

export class ConversationReferenceStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
  ) {}

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
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ user_id: row.user_id, reference: row.reference, tenant_id: row.tenant_id, updated_at: row.updated_at }))
      .execute();
  }

  async byConversation(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    const row = await this.db.selectFrom('conversation_references').select('reference').where('conversation_id', '=', conversationId).executeTakeFirst();
    return row ? (JSON.parse(row.reference) as Partial<ConversationReference>) : undefined;
  }

  /** The user's most recent personal conversation with the bot, if they ever had one. */
  async personalConversationOf(userId: string): Promise<Partial<ConversationReference> | undefined> {
    const rows = await this.db
      .selectFrom('conversation_references')
      .select('reference')
      .where('user_id', '=', userId)
      .orderBy('updated_at', 'desc')
      .execute();
    const personal = rows
      .map((row) => JSON.parse(row.reference) as Partial<ConversationReference>)
      .find((reference) => !reference.conversation?.isGroup);
    return personal;
  }
}
