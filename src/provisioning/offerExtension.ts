/**
 * ACCESS_EXTENSION_NOTICE_DAYS before a guest's access ends, the sponsor gets a card: extend it
 * or let it end (see approvals/extension). Saying nothing lets it end. The card is posted, then
 * recorded as the offer for this end date: a crash in between offers twice rather than never, and
 * an access extended since (its end moved) waits for the offer of its new end.
 */
import { extensionAttachmentFor } from '../approvals/extension';
import { translatorFor } from '../i18n';
import { plainText } from '../teams/plainText';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function offerExtension(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request?.endsAt || !['invited', 'accepted'].includes(request.state) || request.extensionOffer?.for === request.endsAt) return;
      if (ctx.clock().getTime() < Date.parse(request.endsAt) - ctx.timing.extensionNoticeMs) return;
      const card = request.approvalCard;
      // No chat with the sponsor to ask in: the access ends on its date, as everyone was told.
      if (!card) return;
      const locale = card.localTest ? request.requesterLocale : request.sponsorLocale;
      const cardId = await ctx.messenger.post(card.conversationId, {
        type: 'message',
        attachments: [extensionAttachmentFor({ ...request, extensionOffer: { for: request.endsAt } }, request.endsAt, ctx, locale)],
        summary: translatorFor(locale)('extension.summary', { guest: plainText(request.guestEmail) }),
      });
      await ctx.requests.changeIf({
        id: request.id,
        states: ['invited', 'accepted'],
        onlyWhile: [{ field: 'endsAt', equals: request.endsAt }],
        patch: { extensionOffer: { for: request.endsAt, cardId } },
        actor: { kind: 'system' },
        action: 'extensionOffered',
        detail: { endsAt: request.endsAt },
        lease: job.lease,
      });
    },
  };
}
