/**
 * APPROVAL_REMINDER_HOURS after a request was filed, if nobody has decided: the approver gets a
 * reminder in their chat, with the card again so they can decide right there. The reminder is
 * posted before it is recorded: a crash in between reminds twice rather than never.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor } from '../i18n';
import { formatDate } from '../i18n/dates';
import { resourcesByIds } from '../requests/catalog';
import { approvalDeadlines } from '../requests/timers';
import { plainText } from '../teams/plainText';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function remindApprover(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      // Decided, withdrawn or expired: nothing to remind of. No card yet: the sponsor has no chat
      // with the bot, and the requester was told so when the card could not be delivered.
      if (!request || request.state !== 'pending_approval' || !request.approvalCard || request.approverRemindedAt) return;
      const now = ctx.clock();
      const { conversationId, localTest } = request.approvalCard;
      const locale = localTest ? request.requesterLocale : request.sponsorLocale;
      const t = translatorFor(locale);
      const text = t('reminder.approver', {
        requester: plainText(request.requester.displayName),
        guest: plainText(request.guestEmail),
        id: request.id,
        filed: formatDate(request.createdAt, locale, now),
        expires: formatDate(approvalDeadlines(request.createdAt, ctx.timing).expiresAt.toISOString(), locale, now),
      });
      const card = approvalCardAttachment({ request, resources: resourcesByIds(ctx.catalog, request.resourceIds), locale, viewerIsSponsor: true });
      await ctx.messenger.post(conversationId, { type: 'message', text, textFormat: 'markdown', attachments: [card] });
      await ctx.requests.changeIf({
        id: request.id,
        states: ['pending_approval'],
        onlyWhile: [{ field: 'approverRemindedAt', equals: null }],
        patch: { approverRemindedAt: now.toISOString() },
        actor: { kind: 'system' },
        action: 'approverReminded',
        lease: job.lease,
      });
    },
  };
}
