/**
 * APPROVAL_REMINDER_HOURS after a request was filed (or an owner stage opened, for the request or
 * an extension of its access), if nobody has decided: the approvers get a reminder in their chat, with the card again so they can decide
 * right there. The reminder is posted before it is recorded: a crash in between reminds twice rather than never.
 */
import type { Activity } from 'botbuilder';
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor, formatDate, wordingFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { type ApprovalStage, isStageOpen } from '../requests/approvalStage';
import { resourcesByIds } from '../requests/catalog';
import type { JobLease } from '../requests/jobs';
import { approvalExpiry } from '../requests/timers';
import { plainText } from '../../cards/plainText';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

/** The reminder, in `locale`, with the card again (the sponsor's, or `stage`'s). */
function reminder(
  ctx: JobContext,
  request: AccessRequest,
  guests: readonly AccessRequest[],
  locale: string,
  openedAt: string,
  now: Date,
  stage?: ApprovalStage,
): Partial<Activity> {
  const t = translatorFor(locale);
  const names = {
    requester: plainText(request.requester.displayName),
    sponsor: plainText(request.sponsor.displayName),
    guest: plainText(request.guestEmail),
    id: request.id,
  };
  // An extension's stage has no expiry of its own: the end of access is its deadline.
  const text =
    stage?.extensionFor !== undefined
      ? t('reminder.extension', {
          ...names,
          newEnd: formatDate(request.extensionOffer?.endsAt ?? stage.extensionFor, locale, now),
          end: formatDate(stage.extensionFor, locale, now),
        })
      : t('reminder.approver', {
          ...names,
          filed: formatDate(request.createdAt, locale, now),
          expires: formatDate(approvalExpiry(openedAt, ctx.timing).toISOString(), locale, now),
        });
  const card = approvalCardAttachment({
    request,
    guests,
    resources: resourcesByIds(ctx.catalog, request.resourceIds),
    stage,
    wording: wordingFor(locale),
    viewerIsSponsor: true,
  });
  return { type: 'message', text, textFormat: 'markdown', attachments: [card] };
}

/** An owner stage's reminder: to every approver who has its card, in their language. */
async function remindOwners(ctx: JobContext, requestId: string, stageNumber: number, lease: JobLease): Promise<void> {
  const request = await ctx.requests.get(requestId);
  const stage = (await ctx.requests.stagesOf(requestId)).find((s) => s.stage === stageNumber);
  if (!request || !stage || !isStageOpen(request, stage) || stage.remindedAt) return;
  const now = ctx.clock();
  const guests = await ctx.requests.guestsOfRequest(request.requestId);
  for (const location of stage.cards ?? []) {
    const locale = location.localTest ? request.requesterLocale : (stage.approvers?.find((a) => a.id === location.approverId)?.locale ?? request.sponsorLocale);
    await ctx.messenger.post(location.conversationId, reminder(ctx, request, guests, locale, stage.openedAt, now, stage));
  }
  await ctx.requests.updateStage(requestId, stageNumber, { remindedAt: now.toISOString() }, { kind: 'system' }, 'ownersReminded', lease);
}

export function remindApprover(ctx: JobContext): JobHandler {
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
      await ctx.messenger.post(conversationId, reminder(ctx, request, await ctx.requests.guestsOfRequest(request.requestId), locale, request.createdAt, now));
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
