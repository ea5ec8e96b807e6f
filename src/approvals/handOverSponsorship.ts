/**
 * Someone took over a request whose sponsor had left (useCases/takeOverSponsorship): Entra's
 * sponsors of the guest change (the new one added, the old one removed, in one `$batch`), and the
 * new sponsor gets the request's card in their own chat, which from then on is where the bot
 * writes to the sponsor: the card's updates, the offer to extend (posted again there when one was
 * out and unanswered, so they can answer it), the notices. Each step counts as done when done
 * before: a sponsor already set or already removed, a card already in the new sponsor's chat.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor, wordingFor } from '../i18n';
import { plainText } from '../../cards/plainText';
import { resourcesByIds } from '../requests/catalog';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function handOverSponsorship(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      // Not active any more, or unsponsored again since: a later takeover brings its own job.
      if (!request || request.sponsorLeftAt || !['invited', 'accepted'].includes(request.state)) return;
      const { sponsor, formerSponsor } = request;
      if (request.invitedUserId && formerSponsor) await ctx.directory.replaceSponsor(request.invitedUserId, sponsor.id, formerSponsor.id);

      const chat = await ctx.messenger.personalConversationWith({ id: sponsor.id, tenantId: request.tenantId }, request.requesterConversationId);
      if (request.approvalCard?.conversationId === chat.conversationId && !request.approvalCard.localTest) return;
      const locale = request.sponsorLocale;
      const t = translatorFor(locale);
      await ctx.messenger.post(chat.conversationId, {
        type: 'message',
        text: t('sponsorship.youSponsor', {
          id: request.id,
          guest: plainText(request.guestEmail),
          requester: plainText(request.requester.displayName),
          former: plainText(formerSponsor?.displayName ?? ''),
        }),
        textFormat: 'markdown',
      });
      const location = { conversationId: chat.conversationId, activityId: '', localTest: false };
      const card = approvalCardAttachment({
        request: { ...request, approvalCard: location },
        guests: await ctx.requests.guestsOfRequest(request.requestId),
        resources: resourcesByIds(ctx.catalog, request.resourceIds),
        wording: wordingFor(locale),
        viewerIsSponsor: true,
        sponsorMri: chat.userChannelId,
      });
      const activityId = await ctx.messenger.post(chat.conversationId, { type: 'message', attachments: [card] });
      // An offer to extend that went to the old sponsor and was never answered goes to the new one.
      const offer = request.extensionOffer;
      const offerAgain = offer !== undefined && offer.answer === undefined && offer.cardId !== undefined;
      await ctx.requests.changeIf({
        id: request.id,
        states: ['invited', 'accepted'],
        onlyWhile: [
          { field: 'sponsorId', equals: sponsor.id },
          { field: 'sponsorLeftAt', equals: null },
        ],
        patch: { approvalCard: { ...location, activityId }, ...(offerAgain ? { extensionOffer: { ...offer, cardId: undefined } } : {}) },
        actor: { kind: 'system' },
        action: 'sponsorCardPosted',
        jobs: offerAgain ? [{ kind: 'offerExtension', requestId: request.id }] : [],
        lease: job.lease,
      });
    },
  };
}
