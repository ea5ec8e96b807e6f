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
import { formatDate } from '../i18n/dates';
import { translatorFor, type Translate } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { myAppsUrl } from '../requests/accessPlan';
import { type ApprovalStage, ownerStagesFor } from '../requests/approvalStage';
import { type Resource, resourcesByIds } from '../requests/catalog';
import { failureReasonText, isGuestPolicyFailure } from '../requests/failureReason';
import type { RequesterNotice } from '../requests/jobs';
import { plainText } from '../teams/plainText';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function notifyRequester(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request || !job.notice) return;
      const notice = job.notice as RequesterNotice;
      const stages = notice === 'rejected' || notice === 'ownerUnreachable' ? await ctx.requests.stagesOf(request.id) : [];
      const text = noticeText(notice, request, ctx, { rejected: stages.find((s) => s.state === 'rejected'), unreachable: stages.find((s) => s.stage === job.stage) });
      // A reminder whose link is gone (the guest accepted in the meantime) has nothing to say.
      if (!text) return;
      const choices: Attachment[] =
        notice === 'invited' || notice === 'nudge'
          ? [linkChoicesAttachment({ request, locale: request.requesterLocale, forSponsor: false })]
          : notice === 'expired'
            ? [commandCardAttachment(translatorFor(request.requesterLocale)('requestAgain.offer'), followUpButtons(translatorFor(request.requesterLocale), request, false))]
            : [];
      const message = { type: 'message', text, textFormat: 'markdown' };
      if (request.statusMessageId && (notice === 'invited' || notice === 'alreadyGuest' || notice === 'failed')) {
        // Teams cannot turn a text message into text and a card ("Activity resulted into multiple
        // skype activities"), so the choices follow the updated message as a card of their own.
        await ctx.messenger.update(request.requesterConversationId, request.statusMessageId, message);
        if (choices.length > 0) await ctx.messenger.post(request.requesterConversationId, { type: 'message', attachments: choices });
      } else {
        await ctx.messenger.post(request.requesterConversationId, { ...message, ...(choices.length > 0 ? { attachments: choices } : {}) });
      }
    },
  };
}

/** The owner stage a notice is about: the one that rejected, or the one whose owners could not be reached. */
interface StagesOfNotice {
  rejected?: ApprovalStage;
  unreachable?: ApprovalStage;
}

function noticeText(notice: RequesterNotice, request: AccessRequest, ctx: Pick<ProvisioningContext, 'catalog' | 'clock' | 'directorySimulated'>, stages: StagesOfNotice): string {
  const t = translatorFor(request.requesterLocale);
  const names = {
    id: request.id,
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
        resourceList(t, ctx.catalog.resources.filter((r) => request.resourceIds.includes(r.id))),
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
      return t('notify.ownerUnreachable', { ...names, resource: resourceName(ctx, stages.unreachable?.resourceId ?? '') });
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
        resourceList(t, ctx.catalog.resources.filter((r) => request.resourceIds.includes(r.id)), 'notify.acceptedResourcesHeader'),
        t('notify.acceptedMyApps', { url: myAppsUrl(request.tenantId) }),
        until,
      ]
        .filter(Boolean)
        .join('\n\n');
    case 'nudge':
      return request.inviteRedeemUrl ? t('notify.nudge', { ...names, url: request.inviteRedeemUrl }) : '';
    case 'expired':
      return t('notify.expired', names);
    case 'extended':
      return t('notify.extended', names);
    case 'notExtended':
      return t('notify.notExtended', names);
    case 'ended':
      return t('notify.ended', {
        ...names,
        why: request.endReason === 'sponsor' ? t('notify.endedBySponsor', names) : t('notify.endedOnDate'),
        resources: ctx.catalog.resources
          .filter((r) => request.resourceIds.includes(r.id))
          .map((r) => plainText(r.name))
          .join(', '),
      });
  }
}

function resourceName(ctx: Pick<ProvisioningContext, 'catalog'>, id: string): string {
  return plainText(ctx.catalog.resources.find((r) => r.id === id)?.name ?? id);
}

function resourceList(t: Translate, resources: readonly Resource[], header: 'notify.resourcesHeader' | 'notify.acceptedResourcesHeader' = 'notify.resourcesHeader'): string {
  const lines = resources.map((r) =>
    r.link ? t('notify.resourceWithLink', { name: plainText(r.name), link: r.link }) : t('notify.resourceWithoutLink', { name: plainText(r.name) }),
  );
  return [t(header), ...lines].join('\n');
}
