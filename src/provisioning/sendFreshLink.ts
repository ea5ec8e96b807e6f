/**
 * A fresh redeem link for a guest who has not accepted yet, asked for by the requester or the
 * sponsor (Graph never returns an old one). Inviting the same address again without an email
 * gives the same guest a new link; the old one keeps working until they accept. The link goes to
 * whoever asked, in their language.
 */
import { DirectoryError } from '../directory/directory';
import { translatorFor } from '../i18n';
import { invitationRedirectUrl } from '../requests/accessPlan';
import { resourcesByIds } from '../requests/catalog';
import type { LinkAskedBy } from '../requests/jobs';
import { plainText } from '../teams/plainText';
import type { ProvisioningContext } from './provisioningContext';
import { PermanentJobError } from './retryPolicy';
import type { JobHandler } from './worker';

export function sendFreshLink(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      // Accepted or ended meanwhile: the asker was told what applies when they asked.
      if (!request || request.state !== 'invited') return;
      const askedBy = job.notice as LinkAskedBy;
      const conversationId = askedBy === 'sponsor' ? request.approvalCard?.conversationId : request.requesterConversationId;
      if (!conversationId) return;
      let url: string;
      try {
        const invitation = await ctx.directory.invite({
          email: request.guestEmail,
          redirectUrl: invitationRedirectUrl(resourcesByIds(ctx.catalog, request.resourceIds), request.tenantId),
          sendInvitationMessage: false,
          messageBody: translatorFor(request.requesterLocale)('notify.invitationMessage', { requester: request.requester.displayName }),
        });
        url = invitation.inviteRedeemUrl;
      } catch (error) {
        if (error instanceof DirectoryError && !error.transient) throw new PermanentJobError(`Microsoft Entra refused a fresh link: ${error.message}`, 'rejectedByDirectory');
        throw error;
      }
      await ctx.requests.update(request.id, { inviteRedeemUrl: url }, { kind: 'system' }, 'freshLinkCreated', job.lease);
      const t = translatorFor(askedBy === 'sponsor' ? request.sponsorLocale : request.requesterLocale);
      const text = t('freshLink.ready', { id: request.id, guest: plainText(request.guestEmail), url });
      await ctx.messenger.post(conversationId, { type: 'message', text, textFormat: 'markdown' });
    },
  };
}
