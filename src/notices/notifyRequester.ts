/**
 * Tells the requester, in their original conversation and language, what became of their
 * request: the redeem link, a rejection with the sponsor's comment, or a failure. The outcome of
 * provisioning replaces the status message posted when it started, so a notice run twice (after
 * a crash, or by another instance) still leaves one message with the link. A message with a link
 * carries the choices for when the link does not get the guest in (cards/linkChoices).
 */
import type { Attachment } from 'botbuilder';
import { commandCardAttachment } from '../../cards/commandCard';
import { followUpButtons, linkChoicesAttachment } from '../../cards/linkChoices';
import { translatorFor, formatDate } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { myAppsUrl } from '../requests/accessPlan';
import { withdrawalWarningLeadMs } from '../requests/timers';
import { type ApprovalStage, ownerStagesFor } from '../requests/approvalStage';
import { resourcesByIds } from '../requests/catalog';
import { resourceList } from './resourceList';
import { requestLinksText } from './requestLinks';
import { failureReasonText } from '../../cards/failureReasonText';
import { isGuestPolicyFailure } from '../requests/failureReason';
import type { RequesterNotice } from '../requests/jobs';
import { isOneOfSeveral } from '../requests/requestRepository';
import { plainText } from '../../cards/plainText';
import { sponsorshipOfferText, takeOverButton } from '../../cards/sponsorshipOffer';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function notifyRequester(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const stored = await ctx.requests.get(job.requestId);
      if (!stored || !job.notice) return;
      const notice = job.notice as RequesterNotice;
      if (notice === 'invited' || notice === 'alreadyGuest' || notice === 'failed') {
        const guests = await ctx.requests.guestsOfRequest(stored.requestId);
        if (guests.length > 1) return showRequestLinks(ctx, stored, guests);
      }
      // A requester who left: the sponsor hears it instead, in their chat and language (the sponsor check found them gone).
      const forSponsor = stored.requesterLeftAt !== undefined && stored.approvalCard !== undefined && !stored.approvalCard.localTest;
      const request = forSponsor ? { ...stored, requesterLocale: stored.sponsorLocale } : stored;
      const conversationId = forSponsor ? (stored.approvalCard?.conversationId as string) : stored.requesterConversationId;
      const stages = notice === 'rejected' || job.stage !== undefined ? await ctx.requests.stagesOf(request.id) : [];
      const text = noticeText(notice, request, ctx, {
        rejected: stages.find((s) => s.state === 'rejected' && s.extensionFor === undefined),
        about: stages.find((s) => s.stage === job.stage),
      });
      // A reminder whose link is gone (the guest accepted in the meantime) has nothing to say.
      if (!text) return;
      const t = translatorFor(request.requesterLocale);
      const lead = forSponsor ? `${t('sponsorship.forwarded', { requester: plainText(request.requester.displayName), id: request.requestId })}\n\n` : '';
      const choices: Attachment[] =
        notice === 'sponsorLeft'
          ? [commandCardAttachment(sponsorshipOfferText(t, request, ctx, request.requesterLocale), [takeOverButton(t, request.id)])]
          : notice === 'invited' || notice === 'nudge' || notice === 'withdrawalSoon'
            ? [
                linkChoicesAttachment({
                  request,
                  locale: request.requesterLocale,
                  forSponsor: false,
                  severalGuests: await isOneOfSeveral(ctx.requests, request),
                }),
              ]
            : notice === 'expired' || notice === 'withdrawn'
              ? [
                  commandCardAttachment(
                    t('requestAgain.offer'),
                    followUpButtons(t, request, { forSponsor: false, severalGuests: await isOneOfSeveral(ctx.requests, request) }),
                  ),
                ]
              : [];
      const message = { type: 'message', text: lead + text, textFormat: 'markdown' };
      if (!forSponsor && request.statusMessageId && (notice === 'invited' || notice === 'alreadyGuest' || notice === 'failed')) {
        // Teams cannot turn a text message into text and a card ("Activity resulted into multiple
        // skype activities"), so the choices follow the updated message as a card of their own.
        await ctx.messenger.update(conversationId, request.statusMessageId, message);
        if (choices.length > 0) await ctx.messenger.post(conversationId, { type: 'message', attachments: choices });
      } else {
        await ctx.messenger.post(conversationId, { ...message, ...(choices.length > 0 ? { attachments: choices } : {}) });
      }
    },
  };
}

/**
 * A request for several guests: its one message, where every guest's invitation stands, replaces
 * the status message posted when provisioning started (or is posted, when that one could not be).
 */
async function showRequestLinks(ctx: JobContext, first: AccessRequest, guests: readonly AccessRequest[]): Promise<void> {
  // A requester who left: the sponsor hears it instead, in their chat and language.
  const forSponsor = first.requesterLeftAt !== undefined && first.approvalCard !== undefined && !first.approvalCard.localTest;
  const locale = forSponsor ? first.sponsorLocale : first.requesterLocale;
  const shown = guests.map((guest) => ({ ...guest, requesterLocale: locale }));
  const message = { type: 'message', text: requestLinksText(translatorFor(locale), shown, ctx), textFormat: 'markdown' };
  const conversationId = forSponsor ? (first.approvalCard?.conversationId as string) : first.requesterConversationId;
  if (!forSponsor && first.statusMessageId) await ctx.messenger.update(conversationId, first.statusMessageId, message);
  else await ctx.messenger.post(conversationId, message);
}

/** The owner stages a notice is about: the request's own that rejected it; the one the job names. */
interface StagesOfNotice {
  rejected?: ApprovalStage;
  about?: ApprovalStage;
}

function noticeText(
  notice: RequesterNotice,
  request: AccessRequest,
  ctx: Pick<JobContext, 'catalog' | 'clock' | 'directorySimulated' | 'timing' | 'sponsorCheck'>,
  stages: StagesOfNotice,
): string {
  const t = translatorFor(request.requesterLocale);
  const names = {
    // The id people quote: the request's, whichever of its guests the notice is about.
    id: request.requestId,
    sponsor: plainText(request.sponsor.displayName),
    guest: plainText(request.guestEmail),
    end: request.endsAt ? formatDate(request.endsAt, request.requesterLocale, ctx.clock()) : '',
    known: request.existingGuest?.displayName ? ` (${plainText(request.existingGuest.displayName)})` : '',
  };
  const until = request.endsAt ? t('notify.accessUntil', names) : '';
  switch (notice) {
    case 'invited':
      return [
        t('notify.invited', { ...names, url: request.inviteRedeemUrl ?? '' }),
        request.invitationEmailed ? t(ctx.directorySimulated ? 'notify.invitedEmailSimulated' : 'notify.invitedEmailToo', names) : '',
        resourceList(
          t,
          ctx.catalog.resources.filter((r) => request.resourceIds.includes(r.id)),
        ),
        until,
      ]
        .filter(Boolean)
        .join('\n\n');
    case 'rejected': {
      const byOwner = stages.rejected;
      const comment = byOwner ? byOwner.decisionComment : request.decisionComment;
      return [
        byOwner
          ? t('notify.rejectedByOwner', { ...names, owner: plainText(byOwner.decidedBy?.displayName ?? ''), resource: resourceName(ctx, byOwner.resourceId) })
          : t('notify.rejected', names),
        comment ? t('notify.rejectedComment', { comment: plainText(comment) }) : '',
        t('notify.rejectedNext', names),
      ]
        .filter(Boolean)
        .join('\n\n');
    }
    case 'ownersNext':
      return t('notify.ownersNext', {
        ...names,
        resources: ownerStagesFor(resourcesByIds(ctx.catalog, request.resourceIds))
          .map((stage) => resourceName(ctx, stage.resourceId))
          .join(', '),
      });
    case 'ownerUnreachable':
    case 'ownerOnlyRequester':
    case 'ownerOnlySponsor': {
      const resource = resourceName(ctx, stages.about?.resourceId ?? '');
      // An extension's stage nobody can decide: the request is not waiting, only its extension, and the end stands.
      return stages.about?.extensionFor !== undefined
        ? t('notify.extensionOwnerUnreachable', { ...names, resource })
        : t(`notify.${notice}`, { ...names, resource });
    }
    case 'failed':
      return t(isGuestPolicyFailure(request.failureReason) ? 'notify.failedPolicy' : 'notify.failed', {
        ...names,
        reason: failureReasonText(t, request, plainText),
      });
    case 'sponsorUnreachable':
      return t('notify.sponsorUnreachable', names);
    case 'alreadyGuest':
    case 'accepted':
      return [
        // Graph may have emailed a guest who accepted elsewhere in the meantime (see provisionGuest).
        t(notice === 'accepted' ? 'notify.accepted' : request.invitationEmailed ? 'notify.alreadyGuestEmailed' : 'notify.alreadyGuest', names),
        resourceList(
          t,
          ctx.catalog.resources.filter((r) => request.resourceIds.includes(r.id)),
          'notify.acceptedResourcesHeader',
        ),
        t('notify.acceptedMyApps', { url: myAppsUrl(request.tenantId) }),
        until,
      ]
        .filter(Boolean)
        .join('\n\n');
    case 'nudge':
      return request.inviteRedeemUrl ? t('notify.nudge', { ...names, url: request.inviteRedeemUrl }) : '';
    case 'expired':
      return t('notify.expired', names);
    case 'withdrawalSoon': {
      // A timer: a guest who accepted, a request that moved on, or a fresh link that moved the withdrawal later leaves nothing to say.
      const dueAt = request.withdrawalDueAt;
      const now = ctx.clock().getTime();
      if (request.state !== 'invited' || !request.inviteRedeemUrl || !dueAt || ctx.timing.pendingGuestMs <= 0) return '';
      if (now < Date.parse(dueAt) - withdrawalWarningLeadMs(ctx.timing) || now >= Date.parse(dueAt)) return '';
      return [
        t('withdrawal.soon', { ...names, url: request.inviteRedeemUrl, date: formatDate(dueAt, request.requesterLocale, ctx.clock()) }),
        t('withdrawal.freshLinkRestarts', { days: Math.round((ctx.timing.pendingGuestMs / ctx.timing.dayMs) * 10) / 10 }),
      ].join('\n\n');
    }
    case 'withdrawn':
      return [
        t('withdrawal.withdrawn', { ...names, date: formatDate(request.withdrawnAt ?? request.updatedAt, request.requesterLocale, ctx.clock()) }),
        request.createdGuestAccount ? t('withdrawal.accountToo') : '',
        t('withdrawal.requestAgain', names),
      ]
        .filter(Boolean)
        .join(' ');
    case 'extended':
      return t('notify.extended', names);
    case 'extensionAsked':
      return t('notify.extensionAsked', {
        ...names,
        newEnd: request.extensionOffer?.endsAt ? formatDate(request.extensionOffer.endsAt, request.requesterLocale, ctx.clock()) : '',
        resources: ownerStagesFor(resourcesByIds(ctx.catalog, request.resourceIds))
          .map((stage) => resourceName(ctx, stage.resourceId))
          .join(', '),
      });
    case 'extensionRejected':
      return t('notify.extensionRejected', {
        ...names,
        owner: plainText(stages.about?.decidedBy?.displayName ?? ''),
        resource: resourceName(ctx, stages.about?.resourceId ?? ''),
      });
    case 'notExtended':
      return t('notify.notExtended', names);
    case 'sponsorLeft':
      return t('sponsorship.requesterOffer', { ...names, former: plainText(request.formerSponsor?.displayName ?? request.sponsor.displayName) });
    case 'newSponsor':
      return t('sponsorship.newSponsor', names);
    case 'ended': {
      // Only what the bot gave is taken away (see requests/givenAccess): say what stays, and why.
      const removed = new Set(request.removedResourceIds ?? []);
      const listed = (ids: readonly string[]) => ids.map((id) => resourceName(ctx, id)).join(', ');
      const gone = request.resourceIds.filter((id) => removed.has(id));
      const kept = request.resourceIds.filter((id) => !removed.has(id));
      return t('notify.ended', {
        ...names,
        why:
          request.endReason === 'sponsor'
            ? t('notify.endedBySponsor', names)
            : request.endReason === 'noSponsor'
              ? t('sponsorship.endedNoSponsor')
              : t('notify.endedOnDate'),
        removed: gone.length > 0 ? t('notify.endedRemoved', { resources: listed(gone) }) : '',
        kept: kept.length > 0 ? t('notify.endedKept', { resources: listed(kept) }) : '',
      });
    }
  }
}

function resourceName(ctx: Pick<JobContext, 'catalog'>, id: string): string {
  return plainText(ctx.catalog.resources.find((r) => r.id === id)?.name ?? id);
}
