/**
 * Brings the posted approval cards up to date in place, the sponsor's (and their latest offer to
 * extend) and every owner's, so each
 * chat shows the request as it stands (decided, invited, failed) on every client of whoever sees it.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { extensionCardAttachment } from '../../cards/extensionCard';
import { resourcesByIds } from '../requests/catalog';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function updateApprovalCard(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request) return;
      const resources = resourcesByIds(ctx.catalog, request.resourceIds);
      if (request.approvalCard) {
        const { conversationId, activityId, localTest } = request.approvalCard;
        const locale = localTest ? request.requesterLocale : request.sponsorLocale;
        const card = approvalCardAttachment({ request, resources, locale, viewerIsSponsor: true });
        await ctx.messenger.update(conversationId, activityId, { type: 'message', attachments: [card] });
        // The latest offer to extend, in the same chat: answered, or the access over.
        const offer = request.extensionOffer;
        if (offer?.cardId) {
          await ctx.messenger.update(conversationId, offer.cardId, {
            type: 'message',
            attachments: [extensionCardAttachment(request, offer.for, ctx, locale)],
          });
        }
      }
      for (const stage of await ctx.requests.stagesOf(request.id)) {
        for (const location of stage.cards ?? []) {
          const approver = stage.approvers?.find((a) => a.id === location.approverId);
          const locale = location.localTest ? request.requesterLocale : (approver?.locale ?? request.sponsorLocale);
          const card = approvalCardAttachment({ request, resources, stage, locale, viewerIsSponsor: true });
          await ctx.messenger.update(location.conversationId, location.activityId, { type: 'message', attachments: [card] });
        }
      }
    },
  };
}
