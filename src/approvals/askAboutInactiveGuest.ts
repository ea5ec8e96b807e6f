/**
 * The sponsor's card about a guest with no successful sign-in for INACTIVE_GUEST_DAYS (the
 * inactivity watcher, access/inactivityWatcher, recorded the question): End access now, or Keep
 * until the end date (useCases/answerInactiveGuest). The question is recorded before the card is
 * posted, so a click always finds it; the card's id after, so a crash in between posts it again
 * rather than never. A question since answered, or a request no longer accepted, posts nothing.
 */
import { inactiveGuestCardAttachment } from '../../cards/inactiveGuestCard';
import { plainText } from '../../cards/plainText';
import { translatorFor } from '../i18n';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function askAboutInactiveGuest(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      const question = request?.inactivityQuestion;
      if (!request || request.state !== 'accepted' || !question || question.cardId || question.answer) return;
      const card = request.approvalCard;
      // No chat with the sponsor to ask in: the access ends on its date, as everyone was told.
      if (!card) return;
      const locale = card.localTest ? request.requesterLocale : request.sponsorLocale;
      const settings = { catalog: ctx.catalog, inactiveGuestDays: ctx.inactiveGuestDays, clock: ctx.clock };
      const cardId = await ctx.messenger.post(card.conversationId, {
        type: 'message',
        attachments: [inactiveGuestCardAttachment(request, settings, locale)],
        summary: translatorFor(locale)('inactivity.summary', { guest: plainText(request.guestEmail), days: ctx.inactiveGuestDays }),
      });
      await ctx.requests.changeIf({
        id: request.id,
        states: ['accepted'],
        onlyWhile: [
          { field: 'inactivityAskedAt', equals: question.askedAt },
          // A click may have answered it already: the answer stays.
          { field: 'inactivityAnswer', equals: null },
        ],
        patch: { inactivityQuestion: { ...question, cardId } },
        actor: { kind: 'system' },
        action: 'inactiveGuestCardPosted',
        lease: job.lease,
      });
    },
  };
}
