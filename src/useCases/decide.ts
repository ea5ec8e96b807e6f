/**
 * A decision on an approval card: the sponsor's card, or a resource owner's card for their stage.
 * Read once, decide purely, write once: the request is read whole (its guests, its owner stages),
 * approvals/cardDecision says what the click decides, and the repository writes that in one
 * transaction and answers with what stands after it. Of two clicks at once one counts; the other
 * finds it decided. What happened is returned; the Teams edge draws the card that answers the click.
 */
import { cardDecision, type CardRules, type Decision, type CardClick } from '../approvals/cardDecision';
import { isRequestId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { actorOf, type Clicker } from './clicker';

export type { Decision } from '../approvals/cardDecision';

export interface DecisionInput extends Omit<CardClick, 'clicker' | 'actor'> {
  /** From the card's data: only a lookup key, never proof of anything. */
  requestId: unknown;
  clicker: Clicker;
}

export interface DecisionContext extends CardRules {
  requests: RequestRepository;
  clock: () => Date;
}

export async function decide(input: DecisionInput, context: DecisionContext): Promise<Decision> {
  const found = isRequestId(input.requestId) ? await context.requests.wholeRequest(input.requestId) : undefined;
  const decision = cardDecision({ ...input, actor: actorOf(input.clicker) }, found, context, context.clock());
  if (!('change' in decision)) return decision;
  const after = await context.requests.decideOnCard(decision.change);
  const { change: _written, ...decided } = decision;
  if (!after) return { ...decided, outcome: 'unchanged' };
  // Someone decided first (a second click, another device, another approver of the stage): what stands now.
  const outcome = after.decided ? decided.outcome : 'unchanged';
  return { ...decided, outcome, request: after.request, guests: after.guests, stage: after.stage ?? decided.stage };
}
