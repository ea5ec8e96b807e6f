/**
 * ACCESS_EXTENSION_NOTICE_DAYS before a guest's access ends, the sponsor gets a card: extend it
 * or let it end (see useCases/answerExtension). Saying nothing lets it end. A sponsor who asked
 * for the offer sooner (useCases/askToExtend) and has not answered it still gets the card then. The offer for this end date
 * is recorded before the card is posted, so a click on the card always finds it; the card's id
 * after, so a crash in between posts it again rather than never. An access extended since (its
 * end moved) waits for the offer of its new end.
 */
import { extensionCardAttachment } from '../../cards/extensionCard';
import { translatorFor } from '../i18n';
import { plainText } from '../../cards/plainText';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function offerExtension(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      if (!request?.endsAt || !['invited', 'accepted'].includes(request.state)) return;
      const offered = request.extensionOffer?.for === request.endsAt;
      // Posted already, or answered already: on a card posted before a crash, or on the one the
      // sponsor was shown when they asked for the offer sooner (`extend GA-…`, useCases/askToExtend).
      // Either way the open offer is the only one left to post.
      const settled = offered && (request.extensionOffer?.cardId !== undefined || request.extensionOffer?.answer !== undefined);
      if (settled || ctx.clock().getTime() < Date.parse(request.endsAt) - ctx.timing.extensionNoticeMs) return;
      const card = request.approvalCard;
      // No chat with the sponsor to ask in: the access ends on its date, as everyone was told.
      if (!card) return;
      const endsAt = request.endsAt;
      const offerFor = (patch: { cardId?: string }, action: string) =>
        ctx.requests.changeIf({
          id: job.requestId,
          states: ['invited', 'accepted'],
          onlyWhile: [{ field: 'endsAt', equals: endsAt }],
          patch: { extensionOffer: { for: endsAt, ...patch } },
          actor: { kind: 'system' },
          action,
          detail: { endsAt },
          lease: job.lease,
        });
      if (!offered) request = await offerFor({}, 'extensionOffered');
      if (!request) return;
      const locale = card.localTest ? request.requesterLocale : request.sponsorLocale;
      const cardId = await ctx.messenger.post(card.conversationId, {
        type: 'message',
        attachments: [extensionCardAttachment(request, endsAt, ctx, locale)],
        summary: translatorFor(locale)('extension.summary', { guest: plainText(request.guestEmail) }),
      });
      await offerFor({ cardId }, 'extensionCardPosted');
    },
  };
}
