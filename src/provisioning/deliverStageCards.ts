/**
 * Once the sponsor has approved, each owner stage's card goes to every approver of its resource,
 * in a 1:1 chat as the sponsor's does. The catalog names approvers by email or Entra object id;
 * they are resolved here (members only: a guest cannot approve), recorded on the stage, and only
 * they may then decide it. In an unauthenticated local run, where nobody else can be reached, the
 * card goes to the requester's own chat, labelled as a local test.
 */
import { approvalCardAttachment } from '../../cards/approvalCard';
import type { DirectoryUser } from '../directory/directory';
import { translatorFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import type { ApprovalStage, StageApprover, StageCard } from '../requests/approvalStage';
import { resourcesByIds } from '../requests/catalog';
import type { Job } from '../requests/jobs';
import type { ProvisioningContext } from './provisioningContext';
import { PermanentJobError } from './retryPolicy';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function deliverStageCards(ctx: ProvisioningContext, job: Job & { stage: number }): Promise<void> {
  const request = await ctx.requests.get(job.requestId);
  if (!request || request.state !== 'pending_owner_approval') return;
  let stage = (await ctx.requests.stagesOf(request.id)).find((s) => s.stage === job.stage);
  // Decided, or its cards already out: nothing left to do.
  if (!stage || stage.state !== 'pending' || (stage.cards?.length ?? 0) > 0) return;
  const resources = resourcesByIds(ctx.catalog, request.resourceIds);
  const resource = resources.find((r) => r.id === stage?.resourceId);
  if (!resource) return;

  if (!stage.approvers) {
    const approvers = await resolveApprovers(ctx, resource.approvers ?? [], request);
    await ctx.requests.updateStage(request.id, stage.stage, { approvers }, { kind: 'system' }, 'stageApproversResolved', job.lease);
    stage = { ...stage, approvers };
  }
  const approvers = stage.approvers ?? [];
  const cards: StageCard[] = [];
  let lastError: unknown;
  for (const approver of approvers) {
    try {
      const chat = await ctx.messenger.personalConversationWith({ id: approver.id, tenantId: request.tenantId }, request.requesterConversationId);
      const location = { approverId: approver.id, conversationId: chat.conversationId, activityId: '', localTest: false };
      cards.push(await post(ctx, request, { ...stage, cards: [location] }, approver.locale, location, chat.userChannelId));
    } catch (error) {
      lastError = error;
    }
  }
  if (cards.length === 0 && ctx.localTestsAllowed) {
    const location = { approverId: '', conversationId: request.requesterConversationId, activityId: '', localTest: true };
    cards.push(await post(ctx, request, { ...stage, cards: [location] }, request.requesterLocale, location));
  }
  if (cards.length === 0) {
    if (approvers.length === 0) {
      throw new PermanentJobError(`No approver of "${resource.id}" could be found in the directory: check its approvers in RESOURCE_CATALOG_FILE.`, 'approverMissing');
    }
    throw lastError;
  }
  await ctx.requests.updateStage(request.id, stage.stage, { cards }, { kind: 'system' }, 'stageCardsPosted', job.lease);
}

async function post(ctx: ProvisioningContext, request: AccessRequest, stage: ApprovalStage, locale: string, location: StageCard, viewerMri?: string): Promise<StageCard> {
  const card = approvalCardAttachment({ request, resources: resourcesByIds(ctx.catalog, request.resourceIds), stage, locale, viewerIsSponsor: true, viewerMri });
  const activityId = await ctx.messenger.post(location.conversationId, {
    type: 'message',
    attachments: [card],
    summary: translatorFor(locale)('approvalCard.subtitle', { requester: request.requester.displayName }),
  });
  return { ...location, activityId };
}

/** The catalog's approvers as people of the tenant; whoever cannot be found, or is not a member, is left out (and logged by the caller's audit). */
async function resolveApprovers(ctx: ProvisioningContext, refs: readonly string[], request: AccessRequest): Promise<StageApprover[]> {
  const found: StageApprover[] = [];
  for (const ref of refs) {
    const user: DirectoryUser | undefined = GUID.test(ref) ? await ctx.directory.getUser(ref) : await ctx.directory.findUserByAddress(ref.toLowerCase());
    if (user?.userType !== 'Member' || found.some((a) => a.id === user.id)) continue;
    found.push({ id: user.id, displayName: user.displayName, address: user.mail ?? user.userPrincipalName, locale: user.preferredLanguage ?? request.sponsorLocale });
  }
  return found;
}
