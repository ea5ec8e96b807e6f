/**
 * A click on the approval card: who may decide, the state change, and the card to answer with.
 * Authorization compares the clicking user with the sponsor stored on the request; nothing on
 * the card (which a client can forge) decides who may act.
 */
import { type AdaptiveCardJson, approvalCard } from '../../cards/approvalCard';
import { noticeCard } from '../../cards/noticeCard';
import { translatorFor } from '../i18n';
import type { AccessRequest, Actor } from '../requests/accessRequest';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { isAwaitingSponsor } from '../requests/lifecycle';
import { ANSWER_LIMITS } from '../requests/answerLimits';
import { type ApprovalStage, isStageOpen, ownerStagesFor } from '../requests/approvalStage';
import { isRequestId } from '../requests/requestId';
import type { TimerSettings } from '../requests/timers';
import { plainText } from '../../cards/plainText';
import type { RequestRepository } from '../requests/requestRepository';
import { refusalCard } from './refusal';
import { actsAsSponsor as mayActAsSponsor, isRequesterOf, isSponsorOf, mayDecideStage } from './roles';

const DECISION_VERBS = ['approve', 'reject', 'refresh'] as const;
type DecisionVerb = (typeof DECISION_VERBS)[number];

export interface Clicker {
  /** The clicking user's Entra object id, as resolved from the activity; undefined if unknown. */
  userId?: string;
  /** Their Teams id (`29:…`), shown to Teams as the sponsor's when it is them. */
  channelUserId: string;
  displayName: string;
  locale: string;
  /** The conversation the click came from. */
  conversationId: string;
}

interface DecisionRequest {
  verb: string;
  /** From the card's data: only a lookup key, never proof of anything. */
  requestId: unknown;
  /** From the card's data: which approval the card is for (0 or unset: the sponsor's; n: owner stage n). */
  stage?: unknown;
  comment: unknown;
  clicker: Clicker;
}

type DecisionOutcome = 'approved' | 'rejected' | 'unchanged' | 'refused' | 'notFound' | 'unknownVerb' | 'commentTooLong';

interface Decision {
  outcome: DecisionOutcome;
  /** The Adaptive Card to answer the invoke with. */
  card: AdaptiveCardJson;
  request?: AccessRequest;
}

interface DecisionContext {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  /**
   * True only when running unauthenticated: then a card that was shown in the requester's own
   * chat as a local test may be decided from that chat.
   */
  localTestsAllowed: boolean;
  /** When an owner stage's reminder and expiry come, counted from when it opens. */
  timing: TimerSettings;
  clock?: () => Date;
}

export async function decide(input: DecisionRequest, context: DecisionContext): Promise<Decision> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const notice = (text: string) => noticeCard({ title: t('approvalCard.title'), text });

  if (!isDecisionVerb(input.verb)) return { outcome: 'unknownVerb', card: notice(t('approvalCard.unknownAction')) };
  const request = isRequestId(input.requestId) ? await context.requests.get(input.requestId) : undefined;
  if (!request) return { outcome: 'notFound', card: refusalCard(clicker.locale) };
  const stageNumber = Number(input.stage ?? 0);
  if (Number.isInteger(stageNumber) && stageNumber > 0) return decideStage(input, request, stageNumber, context);

  const actsAsSponsor = mayActAsSponsor(clicker, request, context.localTestsAllowed);
  // A request's details are for its sponsor and its requester; anyone else gets the answer an unknown id gets.
  if (!actsAsSponsor && !isRequesterOf(clicker, request)) return { outcome: 'refused', request, card: refusalCard(clicker.locale) };
  const current = (shown: AccessRequest, outcome: DecisionOutcome, notice = actsAsSponsor ? undefined : t('approvalCard.notSponsor')): Decision => ({
    outcome,
    request: shown,
    card: approvalCard({
      request: shown,
      resources: resourcesByIds(context.catalog, shown.resourceIds),
      locale: clicker.locale,
      viewerIsSponsor: actsAsSponsor,
      sponsorMri: isSponsorOf(clicker, shown) ? clicker.channelUserId : undefined,
      notice,
    }),
  });
  // The requester sees where their request stands, without buttons, and why they cannot act.
  if (!actsAsSponsor) return current(request, 'refused');

  if (input.verb === 'refresh' || !isAwaitingSponsor(request.state)) return current(request, 'unchanged');
  if (isCommentTooLong(input)) return current(request, 'commentTooLong', t('approvalCard.commentTooLong', { max: ANSWER_LIMITS.decisionComment }));

  const now = clockOf(context)();
  const comment = commentOf(input);
  const approved = input.verb === 'approve';
  // Resources whose owners approve too: the sponsor's approval opens their stages instead of provisioning.
  const stages = approved ? ownerStagesFor(resourcesByIds(context.catalog, request.resourceIds)) : [];
  const decided = await context.requests.transition({
    id: request.id,
    from: 'pending_approval',
    to: !approved ? 'rejected' : stages.length > 0 ? 'pending_owner_approval' : 'approved',
    actor: actorOf(clicker),
    patch: { decisionComment: comment || undefined, decidedAt: now.toISOString() },
    detail: isSponsorOf(clicker, request) ? undefined : { localTest: true, actingFor: request.sponsor.id },
    openStages: stages,
  });
  if (decided) return current(decided, approved ? 'approved' : 'rejected');

  // Someone decided first (a second click, another device): show what stands now.
  const latest = await context.requests.get(request.id);
  return current(latest ?? request, 'unchanged');
}

/**
 * A click on an owner stage's card: only that stage's approvers (or, in a local test, whoever holds
 * its card) may decide it, and never the requester or the sponsor (roles.mayDecideStage); those two
 * see it read-only; anyone else, an approver of another stage too, gets the answer an unknown id gets.
 */
async function decideStage(input: DecisionRequest, request: AccessRequest, stageNumber: number, context: DecisionContext): Promise<Decision> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const stage = (await context.requests.stagesOf(request.id)).find((s) => s.stage === stageNumber);
  const mayDecide = stage !== undefined && mayDecideStage(clicker, request, stage, context.localTestsAllowed);
  if (!stage || (!mayDecide && !isRequesterOf(clicker, request) && !isSponsorOf(clicker, request)))
    return { outcome: stage ? 'refused' : 'notFound', request, card: refusalCard(clicker.locale) };
  const resources = resourcesByIds(context.catalog, request.resourceIds);
  const resourceName = plainText(resources.find((r) => r.id === stage.resourceId)?.name ?? stage.resourceId);
  const current = (
    shown: AccessRequest,
    shownStage: ApprovalStage,
    outcome: DecisionOutcome,
    notice = mayDecide ? undefined : t('approvalCard.notStageApprover', { resource: resourceName }),
  ): Decision => ({
    outcome,
    request: shown,
    card: approvalCard({
      request: shown,
      resources,
      stage: shownStage,
      locale: clicker.locale,
      viewerIsSponsor: mayDecide,
      viewerMri: mayDecide ? clicker.channelUserId : undefined,
      notice,
    }),
  });
  if (!mayDecide) return current(request, stage, 'refused');
  if (input.verb === 'refresh' || !isStageOpen(request, stage)) return current(request, stage, 'unchanged');
  if (isCommentTooLong(input)) return current(request, stage, 'commentTooLong', t('approvalCard.commentTooLong', { max: ANSWER_LIMITS.decisionComment }));

  const approved = input.verb === 'approve';
  const decision = {
    requestId: request.id,
    stage: stage.stage,
    decision: approved ? ('approved' as const) : ('rejected' as const),
    actor: actorOf(clicker),
    comment: commentOf(input) || undefined,
  };
  // An extension's stage is open only while its extension records the end asked for (isStageOpen).
  const extendedTo = request.extensionOffer?.endsAt;
  const decided =
    stage.extensionFor === undefined || extendedTo === undefined
      ? await context.requests.decideStage(decision)
      : // An extension's stage: its approval moves the end (and the timers with it); a rejection lets it end on its date.
        await context.requests.decideExtensionStage({ ...decision, extensionFor: stage.extensionFor });
  if (decided) return current(decided.request, decided.stage, approved ? 'approved' : 'rejected');
  const latest = (await context.requests.get(request.id)) ?? request;
  const latestStage = (await context.requests.stagesOf(request.id)).find((s) => s.stage === stageNumber) ?? stage;
  return current(latest, latestStage, 'unchanged');
}

function clockOf(context: DecisionContext): () => Date {
  return context.clock ?? (() => new Date());
}

function commentOf(input: DecisionRequest): string {
  return typeof input.comment === 'string' ? input.comment.trim() : '';
}

/**
 * Longer than the card's comment box takes (its `maxLength`): such a click came from another
 * client, and its comment is neither cut short unread nor stored whole; nothing is decided.
 */
function isCommentTooLong(input: DecisionRequest): boolean {
  return typeof input.comment === 'string' && input.comment.length > ANSWER_LIMITS.decisionComment && commentOf(input).length > ANSWER_LIMITS.decisionComment;
}

function isDecisionVerb(verb: string): verb is DecisionVerb {
  return (DECISION_VERBS as readonly string[]).includes(verb);
}

function actorOf(clicker: Clicker): Extract<Actor, { kind: 'user' }> {
  return { kind: 'user', id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
}
