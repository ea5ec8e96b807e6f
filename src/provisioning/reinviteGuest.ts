/**
 * Inviting a guest again, after the first invitation, for one of three reasons; each is a job
 * queued by a chat command, and each posts its outcome to whoever asked, in their language:
 * - `sendFreshLink`: Graph never returns an old redeem link, so the same address is invited
 *   again without an email, which gives the same guest a new link (earlier ones keep working);
 * - `sendInvitationEmail`: the same, with Microsoft's own email, for guests the link does not
 *   suit. The job records itself on the request before calling Graph: a retry after a crash
 *   cannot know whether the email left, so it hands on a link instead of emailing twice;
 * - `resetRedemption`: the sponsor's reset (`resetRedemption` with the guest's object id). The
 *   guest keeps their access but must accept again, and earlier links stop working; the request
 *   goes back to `invited` for the watcher to follow, and the requester gets the new link.
 */
import { linkChoicesAttachment } from '../../cards/linkChoices';
import type { Invitation } from '../directory/directory';
import { translatorFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { resourcesByIds } from '../requests/catalog';
import type { Job, LinkAskedBy, ReinvitationKind } from '../requests/jobs';
import type { RequestState } from '../requests/lifecycle';
import { plainText } from '../teams/plainText';
import { inviteGuest, watchFrom } from './invitation';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

/** The states each kind still applies in when its job runs (the request may have moved on). */
const STILL_APPLIES: Readonly<Record<ReinvitationKind, readonly RequestState[]>> = {
  sendFreshLink: ['invited'],
  sendInvitationEmail: ['invited'],
  resetRedemption: ['invited', 'accepted'],
};

export function reinviteGuest(ctx: ProvisioningContext, kind: ReinvitationKind): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      // Accepted, ended or reset meanwhile: the asker was told what applies when they asked.
      if (!request?.invitedUserId || !STILL_APPLIES[kind].includes(request.state)) return;
      const askedBy = job.notice as LinkAskedBy;

      // Only an email must never go twice; a link or a reset repeated after a crash harms no one.
      const resumed = request.reinvitationJobId === job.id;
      if (kind === 'sendInvitationEmail' && !resumed) {
        request = await ctx.requests.update(request.id, { reinvitationJobId: job.id }, { kind: 'system' }, 'invitationEmailStarted', job.lease);
      }
      const emailed = kind === 'sendInvitationEmail' && !resumed;
      const invitation = await inviteGuest(ctx, request, resourcesByIds(ctx.catalog, request.resourceIds), {
        sendInvitationMessage: emailed,
        resetRedemption: kind === 'resetRedemption',
      });

      if (kind === 'resetRedemption') {
        await recordReset(ctx, request, invitation, job);
        await tellAboutReset(ctx, request, invitation.inviteRedeemUrl);
        return;
      }
      await ctx.requests.update(
        request.id,
        { inviteRedeemUrl: invitation.inviteRedeemUrl, ...(emailed ? { invitationEmailed: true } : {}) },
        { kind: 'system' },
        emailed ? 'invitationEmailed' : 'freshLinkCreated',
        job.lease,
      );
      const locale = askedBy === 'sponsor' ? request.sponsorLocale : request.requesterLocale;
      const t = translatorFor(locale);
      const names = { id: request.id, guest: plainText(request.guestEmail) };
      const conversationId = askedBy === 'sponsor' ? request.approvalCard?.conversationId : request.requesterConversationId;
      if (!conversationId) return;
      if (emailed) {
        await ctx.messenger.post(conversationId, { type: 'message', text: t(ctx.directorySimulated ? 'invitationEmail.sentSimulated' : 'invitationEmail.sent', names), textFormat: 'markdown' });
        return;
      }
      const text = kind === 'sendInvitationEmail' ? t('invitationEmail.maybeSent', { ...names, url: invitation.inviteRedeemUrl }) : t('freshLink.ready', { ...names, url: invitation.inviteRedeemUrl });
      await ctx.messenger.post(conversationId, {
        type: 'message',
        text,
        textFormat: 'markdown',
        attachments: [linkChoicesAttachment({ request, locale, forSponsor: askedBy === 'sponsor' })],
      });
    },
  };
}

/** The guest is back to accepting, so the request is too: the watcher follows it again from the start. */
async function recordReset(ctx: ProvisioningContext, request: AccessRequest, invitation: Invitation, job: Job): Promise<void> {
  const patch = { inviteRedeemUrl: invitation.inviteRedeemUrl, ...watchFrom(ctx.clock(), ctx) };
  if (request.state === 'accepted') {
    await ctx.requests.transition({
      id: request.id,
      from: 'accepted',
      to: 'invited',
      actor: { kind: 'system' },
      patch,
      detail: { redemptionReset: true },
      lease: job.lease,
      jobs: [{ kind: 'updateApprovalCard', requestId: request.id }],
    });
  } else {
    await ctx.requests.update(request.id, patch, { kind: 'system' }, 'redemptionReset', job.lease);
  }
}

/** The requester passes the new link on; the sponsor, who asked, hears it is done. */
async function tellAboutReset(ctx: ProvisioningContext, request: AccessRequest, url: string): Promise<void> {
  const names = { id: request.id, guest: plainText(request.guestEmail), sponsor: plainText(request.sponsor.displayName), requester: plainText(request.requester.displayName) };
  const forRequester = translatorFor(request.requesterLocale);
  await ctx.messenger.post(request.requesterConversationId, {
    type: 'message',
    text: forRequester('resetRedemption.requesterLink', { ...names, url }),
    textFormat: 'markdown',
    attachments: [linkChoicesAttachment({ request: { ...request, state: 'invited', invitationEmailed: false }, locale: request.requesterLocale, forSponsor: false })],
  });
  const sponsorChat = request.approvalCard?.conversationId;
  if (sponsorChat && sponsorChat !== request.requesterConversationId) {
    await ctx.messenger.post(sponsorChat, { type: 'message', text: translatorFor(request.sponsorLocale)('resetRedemption.done', names), textFormat: 'markdown' });
  }
}
