/**
 * A request lost its sponsor: the old sponsor's manager, when the directory names one (Graph's
 * `GET /users/{id}/manager`) who may sponsor (a member who can sign in, not the requester, who has
 * an offer of their own), gets the same offer as the requester: take over, or name another member.
 * They are recorded as offered before the message goes, so their click always finds it; a manager
 * the bot cannot reach in Teams leaves the requester's offer standing alone.
 */
import { commandCardAttachment } from '../../cards/commandCard';
import { plainText } from '../../cards/plainText';
import { sponsorshipOfferText, takeOverButton } from '../../cards/sponsorshipOffer';
import { translatorFor } from '../i18n';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';
import { isUnreachable } from '../messaging/messenger';
import { checkSponsor } from '../requests/policy';

export function offerSponsorship(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      const former = request?.formerSponsor;
      if (!request?.sponsorLeftAt || !former || !['invited', 'accepted'].includes(request.state)) return;
      const manager = await ctx.directory.getManager(former.id);
      if (!manager || manager.id === request.requester.id || !checkSponsor(manager, request.requester.id).ok) return;
      const offered =
        request.sponsorshipOfferedToId === manager.id ||
        (await ctx.requests.changeIf({
          id: request.id,
          states: ['invited', 'accepted'],
          onlyWhile: [{ field: 'sponsorLeftAt', equals: request.sponsorLeftAt }],
          patch: { sponsorshipOfferedToId: manager.id },
          actor: { kind: 'system' },
          action: 'sponsorshipOffered',
          detail: { to: manager.id },
          lease: job.lease,
        })) !== undefined;
      if (!offered) return;
      let conversationId: string;
      try {
        ({ conversationId } = await ctx.messenger.personalConversationWith({ id: manager.id, tenantId: request.tenantId }, request.requesterConversationId));
      } catch (error) {
        if (isUnreachable(error)) return;
        throw error;
      }
      const locale = manager.preferredLanguage ?? request.sponsorLocale;
      const t = translatorFor(locale);
      const text = [
        t('sponsorship.managerOffer', { former: plainText(former.displayName), requester: plainText(request.requester.displayName) }),
        sponsorshipOfferText(t, request, ctx, locale),
      ].join('\n\n');
      await ctx.messenger.post(conversationId, { type: 'message', attachments: [commandCardAttachment(text, [takeOverButton(t, request.id)])] });
    },
  };
}
