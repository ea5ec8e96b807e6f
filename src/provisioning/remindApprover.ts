/**
 * APPROVAL_REMINDER_HOURS after a request was filed (or an owner stage opened), if nobody has
 * decided: the approvers get a reminder in their chat, with the card again so they can decide
 * right there. The reminder is
 * posted before it is recorded: a crash in between reminds twice rather than never.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor } from '../i18n';
import { formatDate } from '../i18n/dates';
import { resourcesByIds } from '../requests/catalog';
import type { JobLease } from '../requests/jobs';
import { approvalDeadlines } from '../requests/timers';
import { plainText } from '../teams/plainText';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

/** An owner stage's reminder: to every approver who has its card, in their language. */
async function remindOwners(ctx: ProvisioningContext, requestId: string, stageNumber: number, lease: JobLease): Promise<void> {
  const request = await ctx.requests.get(requestId);
  const stage = (await ctx.requests.stagesOf(requestId)).find((s) => s.stage === stageNumber);
  if (!request || request.state !== 'pending_owner_approval' || !stage || stage.state !== 'pending' || stage.remindedAt) return;
  const now = ctx.clock();
  const resources = resourcesByIds(ctx.catalog, request.resourceIds);
  for (const location of stage.cards ?? []) {
    const locale = location.localTest ? request.requesterLocale : (stage.approvers?.find((a) => a.id === location.approverId)?.locale ?? request.sponsorLocale);
    const text = translatorFor(locale)('reminder.approver', {
      requester: plainText(request.requester.displayName),
      guest: plainText(request.guestEmail),
      id: request.id,
      filed: formatDate(request.createdAt, locale, now),
      expires: formatDate(approvalDeadlines(stage.openedAt, ctx.timing).expiresAt.toISOString(), locale, now),
    });
    const card = approvalCardAttachment({ request, resources, stage, locale, viewerIsSponsor: true });
    await ctx.messenger.post(location.conversationId, { type: 'message', text, textFormat: 'markdown', attachments: [card] });
  }
  await ctx.requests.updateStage(requestId, stageNumber, { remindedAt: now.toISOString() }, { kind: 'system' }, 'ownersReminded', lease);
}

export function remindApprover(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      if (job.stage) return remindOwners(ctx, job.requestId, job.stage, job.lease);
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
