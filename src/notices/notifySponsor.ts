/**
 * Tells the sponsor, in their chat with the bot and their language, what became of a request they
 * approved: that it could not be completed, that the guest accepted, that the access ended (or
 * could not be removed), that the invitation was withdrawn because nobody accepted it. Their card changes too,
 * but a card edited in place is easy to miss, and they answer for the guest.
 */
import { formatDate, translatorFor } from '../i18n';
import { failureReasonText } from '../../cards/failureReasonText';
import { plainText } from '../../cards/plainText';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function notifySponsor(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      // A local-test card sat in the requester's own chat: they have their own notice already.
      if (!request?.approvalCard || request.approvalCard.localTest) return;
      const t = translatorFor(request.sponsorLocale);
      const names = { id: request.requestId, requester: plainText(request.requester.displayName), guest: plainText(request.guestEmail) };
      const text =
        job.notice === 'accepted'
          ? t('notifySponsor.accepted', names)
          : job.notice === 'ended'
            ? t('notifySponsor.ended', {
                ...names,
                why: request.endReason === 'sponsor' ? '' : request.endReason === 'noSponsor' ? t('sponsorship.endedNoSponsor') : t('notify.endedOnDate'),
              })
            : job.notice === 'endFailed'
              ? t('notifySponsor.endFailed', names)
              : job.notice === 'withdrawn'
                ? [
                    t('withdrawal.sponsorWithdrawn', {
                      ...names,
                      date: formatDate(request.withdrawnAt ?? request.updatedAt, request.sponsorLocale, ctx.clock()),
                    }),
                    request.createdGuestAccount ? t('withdrawal.accountToo') : '',
                  ]
                    .filter(Boolean)
                    .join(' ')
                : job.notice === 'requesterLeft'
                  ? t('sponsorship.requesterLeft', names)
                  : t('notifySponsor.failed', { ...names, reason: failureReasonText(t, request, plainText) });
      await ctx.messenger.post(request.approvalCard.conversationId, { type: 'message', text, textFormat: 'markdown' });
    },
  };
}
