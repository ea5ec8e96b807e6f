/**
 * Brings the posted approval cards up to date in place, the sponsor's (and their latest offer to
 * extend) and every owner's, so each
 * chat shows the request as it stands (decided, invited, failed) on every client of whoever sees it.
 * One redraw stands for every other queued for the request, so a change that follows fast costs
 * one update of the card, not two.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { extensionCardAttachment } from '../../cards/extensionCard';
import { wordingFor } from '../i18n';
import { resourcesByIds } from '../requests/catalog';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function updateApprovalCard(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      // This redraw shows the request as it stands, so it does the work of any other still waiting (an approval's,
      // held back until the invitation: see followUp's CARD_SETTLE_MS); settled before the read, so none is lost.
      await ctx.queue.settleTwinsOf(job);
      // The cards are the request's: drawn from its first guest, which stands for it, and every guest when there are several.
      const guests = await ctx.requests.guestsOfRequest(job.requestId);
      const request = guests.find((guest) => guest.id === job.requestId) ?? (await ctx.requests.get(job.requestId));
      if (!request) return;
      const resources = resourcesByIds(ctx.catalog, request.resourceIds);
      const sponsorLocale = request.approvalCard?.localTest ? request.requesterLocale : request.sponsorLocale;
      if (request.approvalCard) {
        const { conversationId, activityId } = request.approvalCard;
        const card = approvalCardAttachment({ request, guests, resources, wording: wordingFor(sponsorLocale), viewerIsSponsor: true });
        await ctx.messenger.update(conversationId, activityId, { type: 'message', attachments: [card] });
      }
      // Each guest's own cards: their latest offer to extend, in the sponsor's chat (answered, or the access over).
      for (const guest of guests.length > 0 ? guests : [request]) {
        const offer = guest.extensionOffer;
        if (!offer?.cardId || !request.approvalCard) continue;
        await ctx.messenger.update(request.approvalCard.conversationId, offer.cardId, {
          type: 'message',
          attachments: [extensionCardAttachment(guest, offer.for, ctx, sponsorLocale)],
        });
      }
      // The owners' cards: the request's stages, and those of each guest's extension (kept under that guest's row).
      const extended = guests.filter((guest) => guest.id !== request.id && guest.extensionOffer !== undefined);
      for (const subject of [request, ...extended]) {
        for (const stage of await ctx.requests.stagesOf(subject.id)) {
          for (const location of stage.cards ?? []) {
            const approver = stage.approvers?.find((a) => a.id === location.approverId);
            const locale = location.localTest ? request.requesterLocale : (approver?.locale ?? request.sponsorLocale);
            const card = approvalCardAttachment({ request: subject, guests, resources, stage, wording: wordingFor(locale), viewerIsSponsor: true });
            await ctx.messenger.update(location.conversationId, location.activityId, { type: 'message', attachments: [card] });
          }
        }
      }
    },
  };
}
