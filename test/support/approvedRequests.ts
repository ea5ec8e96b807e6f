/**
 * Approved requests written straight into a bot's database, as if sponsors had just approved
 * them, each from a requester chat the bot can write to on the fake channel at `serviceUrl`:
 * the starting point of tests that break provisioning.
 */
import { ConversationReferenceStore } from '../../src/storage/conversationReferenceStore';
import { openDatabase } from '../../src/storage/database';
import { requestRepository } from './requestRepository';
import { BOT, TENANT_ID } from './fakeTeamsChannel';
import { requestDraft } from './requestDraft';

export interface ApprovedRequestSeed {
  guestEmail: string;
  /** The requester's chat, where their notices go. */
  chat: string;
  requesterId: string;
}

const megan = { kind: 'user' as const, id: 'a1b2c3d4-0002-4000-8000-000000000002', displayName: 'Megan Bowen' };

export async function seedApprovedRequests(databaseUrl: string, serviceUrl: string, seeds: readonly ApprovedRequestSeed[]): Promise<string[]> {
  const database = await openDatabase(databaseUrl);
  try {
    const requests = requestRepository(database.db);
    const references = new ConversationReferenceStore(database.db);
    const ids: string[] = [];
    for (const { guestEmail, chat, requesterId } of seeds) {
      const requester = { id: requesterId, displayName: `Requester ${requesterId}`, address: `${requesterId}@contoso.com` };
      await references.save(
        {
          channelId: 'msteams',
          serviceUrl,
          bot: BOT,
          user: { id: `29:${requesterId}`, name: requester.displayName, aadObjectId: requesterId },
          conversation: { id: chat, conversationType: 'personal', tenantId: TENANT_ID, isGroup: false, name: '' },
        },
        requesterId,
      );
      const { id } = await requests.create(requestDraft({ guestEmail, requesterConversationId: chat, requester }), { kind: 'user', ...requester });
      await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: megan });
      ids.push(id);
    }
    return ids;
  } finally {
    await database.close();
  }
}
