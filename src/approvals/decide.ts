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
import { type ApprovalStage, ownerStagesFor } from '../requests/approvalStage';
import { isRequestId } from '../requests/requestId';
import { approvalTimers, type TimerSettings } from '../requests/timers';
import { plainText } from '../teams/plainText';
import type { RequestRepository } from '../requests/requestRepository';
import { actsAsSponsor as mayActAsSponsor, isRequesterOf, isSponsorOf } from './roles';

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

export interface DecisionRequest {
  verb: string;
  /** From the card's data: only a lookup key, never proof of anything. */
  requestId: unknown;
  /** From the card's data: which approval the card is for (0 or unset: the sponsor's; n: owner stage n). */
  stage?: unknown;
  comment: unknown;
  clicker: Clicker;
}

export type DecisionOutcome = 'approved' | 'rejected' | 'unchanged' | 'refused' | 'notFound' | 'unknownVerb';

export interface Decision {
  outcome: DecisionOutcome;
  /** The Adaptive Card to answer the invoke with. */
  card: AdaptiveCardJson;
  request?: AccessRequest;
}

export interface DecisionContext {
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

const MAX_COMMENT_LENGTH = 500;

export async function decide(input: DecisionRequest, context: DecisionContext): Promise<Decision> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const notice = (text: string) => noticeCard({ title: t('approvalCard.title'), text });

  if (!isDecisionVerb(input.verb)) return { outcome: 'unknownVerb', card: notice(t('approvalCard.unknownAction')) };
  const request = isRequestId(input.requestId) ? await context.requests.get(input.requestId) : undefined;
  if (!request) return { outcome: 'notFound', card: notice(t('approvalCard.notFound')) };
  const stageNumber = Number(input.stage ?? 0);
  if (Number.isInteger(stageNumber) && stageNumber > 0) return decideStage(input, request, stageNumber, context);

  const actsAsSponsor = mayActAsSponsor(clicker, request, context.localTestsAllowed);
  // A request's details are for its sponsor and its requester; anyone else learns only that they cannot act.
  if (!actsAsSponsor && !isRequesterOf(clicker, request)) return { outcome: 'refused', request, card: notice(t('approvalCard.notSponsor')) };
  const current = (shown: AccessRequest, outcome: DecisionOutcome): Decision => ({
    outcome,
    request: shown,
    card: approvalCard({
      request: shown,
      resources: resourcesByIds(context.catalog, shown.resourceIds),
      locale: clicker.locale,
      viewerIsSponsor: actsAsSponsor,
      sponsorMri: isSponsorOf(clicker, shown) ? clicker.channelUserId : undefined,
      notice: actsAsSponsor ? undefined : t('approvalCard.notSponsor'),
    }),
  });
  // The requester sees where their request stands, without buttons, and why they cannot act.
  if (!actsAsSponsor) return current(request, 'refused');

  if (input.verb === 'refresh' || !isAwaitingSponsor(request.state)) return current(request, 'unchanged');

  const now = (context.clock ?? (() => new Date()))();
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
    // The card in the chat is updated too, so every client and later refreshes show the decision.
    jobs: !approved
      ? [
          { kind: 'updateApprovalCard', requestId: request.id },
          { kind: 'notifyRequester', requestId: request.id, notice: 'rejected' },
        ]
      : stages.length > 0
        ? [
            { kind: 'updateApprovalCard', requestId: request.id },
            { kind: 'notifyRequester', requestId: request.id, notice: 'ownersNext' },
            ...stages.flatMap(({ stage }) => [
              { kind: 'deliverApprovalCard' as const, requestId: request.id, stage },
              // Each owner stage waits and expires like the sponsor's, counted from now.
              ...approvalTimers(now, context.timing).map((timer) => ({ ...timer, requestId: request.id, stage })),
            ]),
          ]
        : [
            { kind: 'updateApprovalCard', requestId: request.id },
            { kind: 'provisionGuest', requestId: request.id },
          ],
  });
  if (decided) return current(decided, approved ? 'approved' : 'rejected');

  // Someone decided first (a second click, another device): show what stands now.
  const latest = await context.requests.get(request.id);
  return current(latest ?? request, 'unchanged');
}

/**
 * A click on an owner stage's card: only that stage's approvers (or, in a local test, whoever holds
 * its card) may decide it; the requester and the sponsor see it read-only; anyone else learns
 * only that they cannot act.
 */
async function decideStage(input: DecisionRequest, request: AccessRequest, stageNumber: number, context: DecisionContext): Promise<Decision> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const stage = (await context.requests.stagesOf(request.id)).find((s) => s.stage === stageNumber);
  if (!stage) return { outcome: 'notFound', card: noticeCard({ title: t('approvalCard.title'), text: t('approvalCard.notFound') }) };
  const resources = resourcesByIds(context.catalog, request.resourceIds);
  const resourceName = plainText(resources.find((r) => r.id === stage.resourceId)?.name ?? stage.resourceId);
  const mayDecide = isStageApprover(clicker, stage, context.localTestsAllowed);
  if (!mayDecide && !isRequesterOf(clicker, request) && !isSponsorOf(clicker, request)) {
    return { outcome: 'refused', request, card: noticeCard({ title: t('approvalCard.title'), text: t('approvalCard.notStageApprover', { resource: resourceName }) }) };
  }
  const current = (shown: AccessRequest, shownStage: ApprovalStage, outcome: DecisionOutcome): Decision => ({
    outcome,
    request: shown,
    card: approvalCard({
      request: shown,
      resources,
      stage: shownStage,
      locale: clicker.locale,
      viewerIsSponsor: mayDecide,
      viewerMri: mayDecide ? clicker.channelUserId : undefined,
      notice: mayDecide ? undefined : t('approvalCard.notStageApprover', { resource: resourceName }),
    }),
  });
  if (!mayDecide) return current(request, stage, 'refused');
  if (input.verb === 'refresh' || stage.state !== 'pending' || request.state !== 'pending_owner_approval') return current(request, stage, 'unchanged');

  const approved = input.verb === 'approve';
  const update = { kind: 'updateApprovalCard' as const, requestId: request.id };
  const decided = await context.requests.decideStage({
    requestId: request.id,
    stage: stage.stage,
    decision: approved ? 'approved' : 'rejected',
    actor: actorOf(clicker),
    comment: commentOf(input) || undefined,
    jobs: {
      approved: [update, { kind: 'provisionGuest', requestId: request.id }],
      rejected: [update, { kind: 'notifyRequester', requestId: request.id, notice: 'rejected' }],
      waiting: [update],
    },
  });
  if (decided) return current(decided.request, decided.stage, approved ? 'approved' : 'rejected');
  const latest = (await context.requests.get(request.id)) ?? request;
  const latestStage = (await context.requests.stagesOf(request.id)).find((s) => s.stage === stageNumber) ?? stage;
  return current(latest, latestStage, 'unchanged');
}

/** An approver of the stage, by the identity the channel vouches for; or whoever holds its local-test card. */
function isStageApprover(clicker: Clicker, stage: ApprovalStage, localTestsAllowed: boolean): boolean {
  if (clicker.userId !== undefined && (stage.approvers ?? []).some((approver) => approver.id === clicker.userId)) return true;
  return localTestsAllowed && (stage.cards ?? []).some((card) => card.localTest && card.conversationId === clicker.conversationId);
}

function commentOf(input: DecisionRequest): string {
  return typeof input.comment === 'string' ? input.comment.trim().slice(0, MAX_COMMENT_LENGTH) : '';
}

function isDecisionVerb(verb: string): verb is DecisionVerb {
  return (DECISION_VERBS as readonly string[]).includes(verb);
}

function actorOf(clicker: Clicker): Extract<Actor, { kind: 'user' }> {
  return { kind: 'user', id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
}
