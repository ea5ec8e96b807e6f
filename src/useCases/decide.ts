/**
 * A decision on an approval card: the sponsor's card, or a resource owner's card for their stage.
 * Read once, decide purely, write once: the request is read whole (its guests, its owner stages),
 * the roles say whether the clicker may decide the card (approvals/roles: identity is who clicked,
 * as the channel vouches, never the card's data, which a client can forge; the requester, and on a
 * stage the sponsor, see it read-only; anyone else gets the answer an unknown id gets),
 * approvals/cardDecision says what the click decides, and the repository writes that in one
 * transaction and answers with what stands after it. Of two clicks at once one counts; the other
 * finds it decided. What happened is returned; the Teams edge draws the card that answers the click.
 */
import { cardDecision, type CardRules, type Decision, type CardClick } from '../approvals/cardDecision';
import { standingOn } from '../approvals/roles';
import { approvalOnCard } from '../requests/approvalStage';
import { isRequestId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { actorOf, type Clicker } from './clicker';

export type { Decision } from '../approvals/cardDecision';

export interface DecisionInput extends Omit<CardClick, 'actor'> {
  /** From the card's data: only a lookup key, never proof of anything. */
  requestId: unknown;
  /** From the card's data: which approval the card is for (0 or unset: the sponsor's; n: owner stage n). */
  stage?: unknown;
  clicker: Clicker;
}

export interface DecisionContext extends CardRules {
  requests: RequestRepository;
  clock: () => Date;
}

export async function decide(input: DecisionInput, context: DecisionContext): Promise<Decision> {
  const found = isRequestId(input.requestId) ? await context.requests.wholeRequest(input.requestId) : undefined;
  const card = found && approvalOnCard(found.stages, input.stage);
  if (!found || !card) return { outcome: 'notFound' };
  const seen = { request: found.request, guests: found.guests, stage: card.stage };
  const standing = standingOn(input.clicker, found.request, card.stage, context.localTestsAllowed);
  if (standing === 'nobody') return { outcome: 'refused' };
  if (standing === 'looksOn') return { outcome: 'readOnly', ...seen };
  const decision = cardDecision({ ...input, actor: actorOf(input.clicker) }, { ...seen, isTheirs: standing === 'decides' }, context, context.clock());
  if (!('change' in decision)) return decision;
  const after = await context.requests.decideOnCard(decision.change);
  const { change: _written, ...decided } = decision;
  if (!after) return { ...decided, outcome: 'unchanged' };
  // Someone decided first (a second click, another device, another approver of the stage): what stands now.
  const outcome = after.decided ? decided.outcome : 'unchanged';
  return { ...decided, outcome, request: after.request, guests: after.guests, stage: after.stage ?? decided.stage };
}
