/**
 * Posts the approval card to the sponsor in a 1:1 chat, opening one if needed. In an
 * unauthenticated local run (the Emulator, the Agents Playground) there is no second person to
 * reach: when the sponsor has no chat to be had, the card goes to the requester's own chat,
 * labelled as a local test. Anything else (Teams throttling with a 429, an outage) is not
 * "unreachable": the job waits as asked and the card goes to the sponsor, in every mode.
 * Authenticated runs retry, then tell the requester.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { translatorFor, wordingFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { type Resource, resourcesByIds } from '../requests/catalog';
import { deliverStageCards, STAGE_GAP_REASONS } from './deliverStageCards';
import type { JobContext } from '../jobs/jobContext';
import { PermanentJobError } from '../jobs/retryPolicy';
import type { JobHandler } from '../jobs/worker';
import { isUnreachable } from '../messaging/messenger';

type CardLocation = NonNullable<AccessRequest['approvalCard']>;

export function deliverApprovalCard(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      if (job.stage) return deliverStageCards(ctx, { ...job, stage: job.stage });
      const request = await ctx.requests.get(job.requestId);
      // Decided, withdrawn or already delivered, or not the request's first guest (whose row keeps its one card): nothing to do.
      if (!request || request.state !== 'pending_approval' || request.approvalCard || request.id !== request.requestId) return;
      const resources = resourcesByIds(ctx.catalog, request.resourceIds);

      let location: CardLocation;
      try {
        const chat = await ctx.messenger.personalConversationWith({ id: request.sponsor.id, tenantId: request.tenantId }, request.requesterConversationId);
        location = await post(ctx, request, resources, { conversationId: chat.conversationId, activityId: '', localTest: false }, chat.userChannelId);
      } catch (error) {
        if (!ctx.localTestsAllowed || !isUnreachable(error)) throw error;
        location = await post(ctx, request, resources, { conversationId: request.requesterConversationId, activityId: '', localTest: true });
      }
      await ctx.requests.update(request.id, { approvalCard: location }, { kind: 'system' }, 'approvalCardPosted', job.lease);
    },

    async giveUp(job, error) {
      const reason = error instanceof PermanentJobError ? error.reason : undefined;
      const notice = !job.stage
        ? 'sponsorUnreachable'
        : reason === STAGE_GAP_REASONS.onlyRequester
          ? 'ownerOnlyRequester'
          : reason === STAGE_GAP_REASONS.onlySponsor
            ? 'ownerOnlySponsor'
            : 'ownerUnreachable';
      await ctx.queue.enqueue([{ kind: 'notifyRequester', requestId: job.requestId, notice, ...(job.stage ? { stage: job.stage } : {}) }], job.lease);
    },
  };
}

async function post(
  ctx: JobContext,
  request: AccessRequest,
  resources: readonly Resource[],
  location: CardLocation,
  sponsorMri?: string,
): Promise<CardLocation> {
  // A local-test card is read by the requester, so it speaks their language.
  const locale = location.localTest ? request.requesterLocale : request.sponsorLocale;
  const guests = await ctx.requests.guestsOfRequest(request.requestId);
  const card = approvalCardAttachment({
    request: { ...request, approvalCard: location },
    guests,
    resources,
    wording: wordingFor(locale),
    viewerIsSponsor: true,
    sponsorMri,
  });
  const activityId = await ctx.messenger.post(location.conversationId, {
    type: 'message',
    attachments: [card],
    summary: translatorFor(locale)('approvalCard.subtitle', { requester: request.requester.displayName }),
  });
  return { ...location, activityId };
}
