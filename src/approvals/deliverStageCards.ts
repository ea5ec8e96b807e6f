/**
 * Once the sponsor has approved (the request, or an extension of its access), each owner stage's
 * card goes to every approver of its resource, in a 1:1 chat as the sponsor's does. The catalog names approvers by email or Entra object id;
 * they are resolved here (enabled members only), recorded on the stage, and only they may then
 * decide it: never the requester or the sponsor, even when the catalog names them (separation of
 * duties, approvals/roles). A stage nobody may decide stops here and the requester is told why
 * (see deliverApprovalCard's giveUp). In an unauthenticated local run, where nobody else can be
 * reached, the card goes to the requester's own chat, labelled as a local test; an approver
 * Teams throttles is not unreachable, and their card waits as Teams asks, then goes to them.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import { eligibleApprovers, gapOf, resolveApprovers, type StageGap } from './stageApprovers';
import { translatorFor, wordingFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { type ApprovalStage, isStageOpen, type StageCard } from '../requests/approvalStage';
import { resourcesByIds } from '../requests/catalog';
import type { Job } from '../requests/jobs';
import type { JobContext } from '../jobs/jobContext';
import { PermanentJobError } from '../jobs/retryPolicy';
import { isUnreachable } from '../messaging/messenger';

/** Why a stage's job gives up, by why nobody may decide it: for the requester's notice and the log. */
export const STAGE_GAP_REASONS: Record<StageGap, string> = {
  noApprover: 'approverMissing',
  onlyRequester: 'approverIsRequester',
  onlySponsor: 'approverIsSponsor',
};

export async function deliverStageCards(ctx: JobContext, job: Job & { stage: number }): Promise<void> {
  const request = await ctx.requests.get(job.requestId);
  if (!request) return;
  let stage = (await ctx.requests.stagesOf(request.id)).find((s) => s.stage === job.stage);
  // Decided, or no longer waited for (the request or its extension moved on): nothing left to do.
  if (!stage || !isStageOpen(request, stage)) return;
  const posted = stage.cards ?? [];
  // A local-test card stands for every approver.
  if (posted.some((card) => card.localTest)) return;
  const resources = resourcesByIds(ctx.catalog, request.resourceIds);
  const resource = resources.find((r) => r.id === stage?.resourceId);
  if (!resource) return;

  if (!stage.approvers) {
    const named = await resolveApprovers(ctx.directory, resource.approvers ?? [], request.sponsorLocale);
    const gap = gapOf(named, request);
    if (gap) throw stageGapError(gap, resource.id, request.id);
    const approvers = eligibleApprovers(named, request);
    const barred = named.filter((person) => !approvers.includes(person)).map((person) => person.id);
    await ctx.requests.updateStage(
      request.id,
      stage.stage,
      { approvers },
      { kind: 'system' },
      'stageApproversResolved',
      job.lease,
      barred.length > 0 ? { barredAsRequesterOrSponsor: barred } : undefined,
    );
    stage = { ...stage, approvers };
  }
  // Approvers recorded before separation of duties was checked here may name the requester or the sponsor.
  const approvers = eligibleApprovers(stage.approvers ?? [], request);
  if (approvers.length === 0) throw stageGapError('noApprover', resource.id, request.id);
  const cards: StageCard[] = [];
  let unreachable: unknown;
  let held: unknown;
  for (const approver of approvers.filter((a) => !posted.some((card) => card.approverId === a.id))) {
    try {
      const chat = await ctx.messenger.personalConversationWith({ id: approver.id, tenantId: request.tenantId }, request.requesterConversationId);
      const location = { approverId: approver.id, conversationId: chat.conversationId, activityId: '', localTest: false };
      cards.push(await post(ctx, request, { ...stage, cards: [location] }, approver.locale, location, chat.userChannelId));
    } catch (error) {
      if (isUnreachable(error)) unreachable = error;
      else held = error;
    }
  }
  // Recorded before a held card's retry, so nobody gets their card twice.
  if (cards.length > 0)
    await ctx.requests.updateStage(request.id, stage.stage, { cards: [...posted, ...cards] }, { kind: 'system' }, 'stageCardsPosted', job.lease);
  // Throttled (or Teams down) is not unreachable: the job waits as asked and that approver's card goes to them.
  if (held !== undefined) throw held;
  if (posted.length + cards.length > 0) return;
  if (!ctx.localTestsAllowed) throw unreachable;
  const location = { approverId: '', conversationId: request.requesterConversationId, activityId: '', localTest: true };
  const card = await post(ctx, request, { ...stage, cards: [location] }, request.requesterLocale, location);
  await ctx.requests.updateStage(request.id, stage.stage, { cards: [card] }, { kind: 'system' }, 'stageCardsPosted', job.lease);
}

function stageGapError(gap: StageGap, resourceId: string, requestId: string): PermanentJobError {
  return new PermanentJobError(
    gap === 'noApprover'
      ? `No approver of "${resourceId}" is an enabled member of the directory: check its approvers in RESOURCE_CATALOG_FILE.`
      : `The only approvers of "${resourceId}" are the requester or the sponsor of ${requestId}, who may not approve it again: add another approver in RESOURCE_CATALOG_FILE.`,
    STAGE_GAP_REASONS[gap],
  );
}

async function post(
  ctx: JobContext,
  request: AccessRequest,
  stage: ApprovalStage,
  locale: string,
  location: StageCard,
  viewerMri?: string,
): Promise<StageCard> {
  const card = approvalCardAttachment({
    request,
    guests: await ctx.requests.guestsOfRequest(request.requestId),
    resources: resourcesByIds(ctx.catalog, request.resourceIds),
    stage,
    wording: wordingFor(locale),
    viewerIsSponsor: true,
    viewerMri,
  });
  const activityId = await ctx.messenger.post(location.conversationId, {
    type: 'message',
    attachments: [card],
    summary: translatorFor(locale)('approvalCard.subtitle', { requester: request.requester.displayName }),
  });
  return { ...location, activityId };
}
