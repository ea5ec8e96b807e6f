/**
 * Inviting a guest again, after the first invitation, for one of three reasons; each is a job
 * queued by a chat command, and each posts its outcome to whoever asked, in their language:
 * - `sendFreshLink`: Graph never returns an old redeem link, so the same address is invited
 *   again without an email, which gives the same guest a new link (earlier ones keep working);
 * - `sendInvitationEmail`: the same, with Microsoft's own email, at most once an invitation (a
 *   reset starts a new one). The job records the email before calling Graph, only while none has
 *   been sent: of two asks one emails, and a retry after a crash, which cannot know whether the
 *   email left, hands on a link instead of emailing twice;
 * - `resetRedemption`: the sponsor's reset (`resetRedemption` with the guest's object id). The
 *   guest keeps their access but must accept again, and earlier links stop working; the request
 *   goes back to `invited` for the watcher to follow. Whoever redeems the new link takes the
 *   account, so it goes to the requester only when this request's own invitation created the
 *   account; for anyone else's account it goes to the sponsor, who answers for the guest.
 * A guest invited again before accepting has the whole PENDING_GUEST_DAYS again from the new
 * invitation: its due time moves, with timers of its own (requests/timers, withdrawalRestarted);
 * the earlier ones find it moved and do nothing. A guest who had accepted (and was reset since) is
 * never withdrawn: they keep their access until its end date.
 * Graph is called with what the request was when the job read it; every write after the call is
 * conditional on that state. A request that moved on meanwhile (accepted, ended) keeps no link,
 * and whoever asked is told plainly why none comes.
 */
import { linkChoicesAttachment } from '../../cards/linkChoices';
import type { Invitation } from '../directory/directory';
import { translatorFor, type Translate } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { myAppsUrl } from '../requests/accessPlan';
import { resourcesByIds } from '../requests/catalog';
import type { Job, LinkAskedBy, ReinvitationKind } from '../requests/jobs';
import type { RequestState } from '../requests/lifecycle';
import { plainText } from '../../cards/plainText';
import { inviteGuest } from './invitation';
import { watchFrom } from '../requests/timers';
import { withdrawalRestarted } from '../requests/timers';
import type { JobContext } from '../jobs/jobContext';
import { isOneOfSeveral } from '../requests/requestRepository';
import type { JobHandler } from '../jobs/worker';

/** The states each kind still applies in when its job runs (the request may have moved on). */
const STILL_APPLIES: Readonly<Record<ReinvitationKind, readonly RequestState[]>> = {
  sendFreshLink: ['invited'],
  sendInvitationEmail: ['invited'],
  resetRedemption: ['invited', 'accepted'],
};

export function reinviteGuest(ctx: JobContext, kind: ReinvitationKind): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      // Accepted, ended or reset meanwhile: the asker was told what applies when they asked.
      if (!request?.invitedUserId || !STILL_APPLIES[kind].includes(request.state)) return;
      const askedBy = job.notice as LinkAskedBy;

      // Only an email must never go twice; a link or a reset repeated after a crash harms no one.
      const resumed = request.reinvitationJobId === job.id;
      if (kind === 'sendInvitationEmail' && !resumed) {
        const recorded = await ctx.requests.changeIf({
          id: request.id,
          states: ['invited'],
          onlyWhile: [{ field: 'invitationEmailed', equals: false }],
          patch: { reinvitationJobId: job.id, invitationEmailed: true },
          actor: { kind: 'system' },
          action: 'invitationEmailStarted',
          lease: job.lease,
        });
        if (!recorded) return tellNoLink(ctx, (await ctx.requests.get(request.id)) ?? request, askedBy, 'alreadyEmailed');
        request = recorded;
      }
      const emailed = kind === 'sendInvitationEmail' && !resumed;
      const invitation = await inviteGuest(ctx, request, resourcesByIds(ctx.catalog, request.resourceIds), {
        sendInvitationMessage: emailed,
        resetRedemption: kind === 'resetRedemption',
      });

      if (kind === 'resetRedemption') {
        const reset = await recordReset(ctx, request, invitation, job);
        if (!reset) return discard(ctx, request, askedBy, 'redemptionResetDiscarded', job, 'reset');
        await tellAboutReset(ctx, reset, invitation.inviteRedeemUrl);
        return;
      }
      const restarted = withdrawalRestarted(ctx.clock(), request, ctx.timing);
      const stored = await ctx.requests.changeIf({
        id: request.id,
        states: ['invited'],
        patch: { inviteRedeemUrl: invitation.inviteRedeemUrl, ...restarted.patch },
        actor: { kind: 'system' },
        action: emailed ? 'invitationEmailed' : 'freshLinkCreated',
        jobs: restarted.jobs,
        lease: job.lease,
      });
      if (!stored) return discard(ctx, request, askedBy, emailed ? 'invitationEmailDiscarded' : 'freshLinkDiscarded', job);
      const locale = askedBy === 'sponsor' ? stored.sponsorLocale : stored.requesterLocale;
      const t = translatorFor(locale);
      const names = { id: stored.requestId, guest: plainText(stored.guestEmail) };
      const conversationId = chatOf(stored, askedBy);
      if (!conversationId) return;
      if (emailed) {
        await ctx.messenger.post(conversationId, {
          type: 'message',
          text: t(ctx.directorySimulated ? 'invitationEmail.sentSimulated' : 'invitationEmail.sent', names),
          textFormat: 'markdown',
        });
        return;
      }
      const text =
        kind === 'sendInvitationEmail'
          ? t('invitationEmail.maybeSent', { ...names, url: invitation.inviteRedeemUrl })
          : t('freshLink.ready', { ...names, url: invitation.inviteRedeemUrl });
      await ctx.messenger.post(conversationId, {
        type: 'message',
        text,
        textFormat: 'markdown',
        attachments: [
          linkChoicesAttachment({ request: stored, locale, forSponsor: askedBy === 'sponsor', severalGuests: await isOneOfSeveral(ctx.requests, stored) }),
        ],
      });
    },
  };
}

/**
 * The guest is back to accepting, so the request is too: the watcher follows it again from the
 * start, and Microsoft's email may be asked for once more. Undefined when the request left the
 * state the job read (accepted, ended) meanwhile.
 */
async function recordReset(ctx: JobContext, request: AccessRequest, invitation: Invitation, job: Job): Promise<AccessRequest | undefined> {
  const patch = { inviteRedeemUrl: invitation.inviteRedeemUrl, invitationEmailed: false, reinvitationJobId: undefined };
  if (request.state === 'accepted') {
    // Back to invited: the watcher follows the guest again from now (requests/followUp.ts).
    return ctx.requests.transition({
      id: request.id,
      from: 'accepted',
      to: 'invited',
      actor: { kind: 'system' },
      patch,
      detail: { redemptionReset: true },
      lease: job.lease,
    });
  }
  // Not accepted yet: a new invitation, with the whole wait before the withdrawal again.
  const now = ctx.clock();
  const restarted = withdrawalRestarted(now, request, ctx.timing);
  return ctx.requests.changeIf({
    id: request.id,
    states: ['invited'],
    patch: { ...patch, ...watchFrom(now, ctx), ...restarted.patch },
    actor: { kind: 'system' },
    action: 'redemptionReset',
    jobs: restarted.jobs,
    lease: job.lease,
  });
}

/**
 * Whoever redeems the link takes the account: the requester passes it on only when this request's
 * invitation created the account; otherwise the sponsor, who asked and answers for the guest, gets it.
 */
async function tellAboutReset(ctx: JobContext, request: AccessRequest, url: string): Promise<void> {
  const names = {
    id: request.requestId,
    guest: plainText(request.guestEmail),
    sponsor: plainText(request.sponsor.displayName),
    requester: plainText(request.requester.displayName),
  };
  const forRequester = translatorFor(request.requesterLocale);
  const sponsorChat = request.approvalCard?.conversationId;
  const linkToRequester = request.createdGuestAccount === true || !sponsorChat || sponsorChat === request.requesterConversationId;
  if (linkToRequester) {
    await ctx.messenger.post(request.requesterConversationId, {
      type: 'message',
      text: forRequester('resetRedemption.requesterLink', { ...names, url }),
      textFormat: 'markdown',
      attachments: [
        linkChoicesAttachment({ request, locale: request.requesterLocale, forSponsor: false, severalGuests: await isOneOfSeveral(ctx.requests, request) }),
      ],
    });
    if (sponsorChat && sponsorChat !== request.requesterConversationId) {
      await ctx.messenger.post(sponsorChat, {
        type: 'message',
        text: translatorFor(request.sponsorLocale)('resetRedemption.done', names),
        textFormat: 'markdown',
      });
    }
    return;
  }
  await ctx.messenger.post(sponsorChat, {
    type: 'message',
    text: translatorFor(request.sponsorLocale)('resetRedemption.sponsorLink', { ...names, url }),
    textFormat: 'markdown',
    attachments: [
      linkChoicesAttachment({ request, locale: request.sponsorLocale, forSponsor: true, severalGuests: await isOneOfSeveral(ctx.requests, request) }),
    ],
  });
  await ctx.messenger.post(request.requesterConversationId, {
    type: 'message',
    text: forRequester('resetRedemption.requesterNoLink', names),
    textFormat: 'markdown',
  });
}

/** Graph made a link the request no longer has a use for: audited, not kept, and the asker told why none comes. */
async function discard(ctx: JobContext, read: AccessRequest, askedBy: LinkAskedBy, action: string, job: Job, what: 'link' | 'reset' = 'link'): Promise<void> {
  const now = (await ctx.requests.get(read.id)) ?? read;
  await ctx.requests.changeIf({
    id: now.id,
    states: [now.state],
    patch: {},
    actor: { kind: 'system' },
    action,
    detail: { readAs: read.state, now: now.state },
    lease: job.lease,
  });
  await tellNoLink(ctx, now, askedBy, what === 'reset' ? 'nothingToReset' : now.state === 'accepted' ? 'alreadyAccepted' : 'notInvited');
}

async function tellNoLink(ctx: JobContext, request: AccessRequest, askedBy: LinkAskedBy, why: WhyNoLink | 'nothingToReset'): Promise<void> {
  const conversationId = chatOf(request, askedBy);
  if (!conversationId) return;
  const t = translatorFor(askedBy === 'sponsor' ? request.sponsorLocale : request.requesterLocale);
  const text =
    why === 'nothingToReset'
      ? t('resetRedemption.notInvited', { id: request.requestId, guest: plainText(request.guestEmail), state: t(`requestState.${request.state}`) })
      : whyNoLink(t, request, why);
  await ctx.messenger.post(conversationId, { type: 'message', text, textFormat: 'markdown' });
}

type WhyNoLink = 'alreadyEmailed' | 'alreadyAccepted' | 'notInvited';

/** Why no link (or no email) comes for a request: said the same way by the command and by the job. */
export function whyNoLink(t: Translate, request: AccessRequest, why: WhyNoLink = request.state === 'accepted' ? 'alreadyAccepted' : 'notInvited'): string {
  const names = { id: request.requestId, guest: plainText(request.guestEmail) };
  if (why === 'alreadyEmailed') return t('invitationEmail.alreadySent', names);
  if (why === 'alreadyAccepted') return t('reinvite.alreadyAccepted', { ...names, url: myAppsUrl(request.tenantId) });
  return t('reinvite.notInvited', { ...names, state: t(`requestState.${request.state}`) });
}

function chatOf(request: AccessRequest, askedBy: LinkAskedBy): string | undefined {
  return askedBy === 'sponsor' ? request.approvalCard?.conversationId : request.requesterConversationId;
}
