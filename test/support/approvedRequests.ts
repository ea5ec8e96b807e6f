/**
 * Approved requests written straight into a bot's database, filed as the dialog files them
 * (useCases/fileRequest, with the default settings) and approved as if sponsors had just done so,
 * each from a requester chat the bot can write to on the fake channel at `serviceUrl`: the
 * starting point of tests that break provisioning.
 */
import { loadConfig } from '../../src/config';
import { ConversationReferenceStore } from '../../src/storage/conversationReferenceStore';
import { openDatabase } from '../../src/storage/database';
import { fileRequest } from '../../src/useCases/fileRequest';
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
    const { timing, limits } = loadConfig({});
    const filing = { requests, maxOpenRequests: limits.openRequestsPerRequester, timing, clock: () => new Date() };
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
      const filed = await fileRequest(
        filing,
        { ...requestDraft({ guestEmail, requesterConversationId: chat, requester }), accessDays: timing.accessDays },
        { kind: 'user', ...requester },
      );
      if (filed.outcome !== 'filed') throw new Error(`${requester.displayName} has too many requests waiting to file another`);
      const { id } = filed.request;
      await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: megan });
      ids.push(id);
    }
    return ids;
  } finally {
    await database.close();
  }
}
