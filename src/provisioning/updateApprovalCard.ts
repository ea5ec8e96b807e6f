/**
 * Brings the posted approval card up to date in place, so the chat shows the request as it
 * stands (decided, invited, failed) on every client of whoever sees it.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { resourcesByIds } from '../requests/catalog';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function updateApprovalCard(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request?.approvalCard) return;
      const { conversationId, activityId, localTest } = request.approvalCard;
      const card = approvalCardAttachment({
        request,
        resources: resourcesByIds(ctx.catalog, request.resourceIds),
        locale: localTest ? request.requesterLocale : request.sponsorLocale,
        viewerIsSponsor: true,
      });
      await ctx.messenger.update(conversationId, activityId, { type: 'message', attachments: [card] });
    },
  };
}
