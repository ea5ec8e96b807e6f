/**
 * Posts the approval card to the sponsor in a 1:1 chat, opening one if needed. In an
 * unauthenticated local run a sponsor who cannot be reached gets it in the requester's own chat,
 * labelled as a local test.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor } from '../i18n';
import { resourcesByIds } from '../requests/catalog';
import { DeliveryError, type PersonalConversation } from '../teams/messenger';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function deliverApprovalCard(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      // Decided, withdrawn or already delivered: nothing left to do.
      if (!request || request.state !== 'pending_approval' || request.approvalCard) return;

      const target = await sponsorConversation(ctx, request.sponsor.id, request.tenantId, request.requesterConversationId);
      const locale = target.localTest ? request.requesterLocale : request.sponsorLocale;
      const approvalCard = { conversationId: target.conversationId, activityId: '', localTest: target.localTest };
      const card = approvalCardAttachment({
        request: { ...request, approvalCard },
        resources: resourcesByIds(ctx.catalog, request.resourceIds),
        locale,
        viewerIsSponsor: true,
        sponsorMri: target.userChannelId,
      });
      const activityId = await ctx.messenger.post(target.conversationId, {
        type: 'message',
        attachments: [card],
        summary: translatorFor(locale)('approvalCard.subtitle', { requester: request.requester.displayName }),
      });
      await ctx.requests.update(request.id, { approvalCard: { ...approvalCard, activityId } }, { kind: 'system' }, 'approvalCardPosted');
    },

    async giveUp(job) {
      await ctx.queue.enqueue([{ kind: 'notifyRequester', requestId: job.requestId, notice: 'sponsorUnreachable' }]);
    },
  };
}

async function sponsorConversation(
  ctx: ProvisioningContext,
  sponsorId: string,
  tenantId: string,
  requesterConversationId: string,
): Promise<PersonalConversation & { localTest: boolean }> {
  try {
    return { ...(await ctx.messenger.personalConversationWith({ id: sponsorId, tenantId }, requesterConversationId)), localTest: false };
  } catch (error) {
    if (error instanceof DeliveryError && error.unreachable && ctx.localTestsAllowed) {
      return { conversationId: requesterConversationId, localTest: true };
    }
    throw error;
  }
}
