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
import { isAwaitingDecision } from '../requests/lifecycle';
import { isRequestId } from '../requests/requestId';
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

  if (input.verb === 'refresh' || !isAwaitingDecision(request.state)) return current(request, 'unchanged');

  const now = (context.clock ?? (() => new Date()))();
  const comment = typeof input.comment === 'string' ? input.comment.trim().slice(0, MAX_COMMENT_LENGTH) : '';
  const approved = input.verb === 'approve';
  const decided = await context.requests.transition({
    id: request.id,
    from: 'pending_approval',
    to: approved ? 'approved' : 'rejected',
    actor: actorOf(clicker),
    patch: { decisionComment: comment || undefined, decidedAt: now.toISOString() },
    detail: isSponsorOf(clicker, request) ? undefined : { localTest: true, actingFor: request.sponsor.id },
    // The card in the chat is updated too, so every client and later refreshes show the decision.
    jobs: approved
      ? [
          { kind: 'updateApprovalCard', requestId: request.id },
          { kind: 'provisionGuest', requestId: request.id },
        ]
      : [
          { kind: 'updateApprovalCard', requestId: request.id },
          { kind: 'notifyRequester', requestId: request.id, notice: 'rejected' },
        ],
  });
  if (decided) return current(decided, approved ? 'approved' : 'rejected');

  // Someone decided first (a second click, another device): show what stands now.
  const latest = await context.requests.get(request.id);
  return current(latest ?? request, 'unchanged');
}

function isDecisionVerb(verb: string): verb is DecisionVerb {
  return (DECISION_VERBS as readonly string[]).includes(verb);
}

function actorOf(clicker: Clicker): Actor {
  return { kind: 'user', id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
}
