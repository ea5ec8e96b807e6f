/**
 * The sponsor's answer on the card about a guest who has not signed in for INACTIVE_GUEST_DAYS:
 * - End access now: exactly the typed `end GA-…` (useCases/askAsSponsor), with the same checks,
 *   the same audit and the same job, which takes back only what the bot gave;
 * - Keep until the end date: recorded on the question and audited; the access stays, and the
 *   question comes again only after another period without a sign-in (access/inactivityWatcher).
 * Authorized like the other cards: by who clicked, as the channel vouches for them, against the
 * stored sponsor (approvals/roles). Of two clicks, one counts; the other finds it decided.
 */
import { isSponsorOf, standingOn } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { isGuestRowId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { askAsSponsor } from './askAsSponsor';
import { actorOf, type Clicker } from './clicker';

export const INACTIVE_GUEST_VERBS = ['endInactiveGuest', 'keepInactiveGuest', 'refreshInactiveGuest'] as const;

export interface InactiveGuestAnswerInput {
  verb: (typeof INACTIVE_GUEST_VERBS)[number];
  /** From the card's data: lookup keys only, never proof of anything. */
  requestId: unknown;
  askedAt: unknown;
  clicker: Clicker;
}

export type InactiveGuestAnswer =
  /** No such request or question, or the clicker is nobody to it: both get the same answer. */
  | { outcome: 'notFound' }
  | { outcome: 'refused' }
  /** The requester sees where it stands, and may not answer. */
  | { outcome: 'readOnly'; request: AccessRequest }
  | {
      /** `unchanged`: a refresh, a question already answered or no longer open. */
      outcome: 'ending' | 'kept' | 'unchanged';
      request: AccessRequest;
      /** The clicker is the sponsor themselves (not a local test's stand-in): Teams refreshes the card for them. */
      isTheirs: boolean;
    };

export interface InactiveGuestAnswerContext {
  requests: RequestRepository;
  localTestsAllowed: boolean;
  clock: () => Date;
}

export async function answerInactiveGuest(input: InactiveGuestAnswerInput, ctx: InactiveGuestAnswerContext): Promise<InactiveGuestAnswer> {
  const { clicker, askedAt } = input;
  const request = isGuestRowId(input.requestId) ? await ctx.requests.get(input.requestId) : undefined;
  if (!request || typeof askedAt !== 'string' || !request.inactivityQuestion) return { outcome: 'notFound' };
  const standing = standingOn(clicker, request, undefined, ctx.localTestsAllowed);
  if (standing === 'nobody') return { outcome: 'refused' };
  if (standing === 'looksOn') return { outcome: 'readOnly', request };
  const isTheirs = isSponsorOf(clicker, request);
  const shown = async (outcome: 'ending' | 'kept' | 'unchanged', latest?: AccessRequest) => ({
    outcome,
    request: latest ?? (await ctx.requests.get(request.id)) ?? request,
    isTheirs,
  });
  const question = request.inactivityQuestion;
  const open = request.state === 'accepted' && question.askedAt === askedAt && !question.answer;
  if (input.verb === 'refreshInactiveGuest' || !open) return shown('unchanged', request);

  if (input.verb === 'endInactiveGuest') {
    // The very path of the typed `end GA-…`: its checks, its audit, its job.
    const ask = await askAsSponsor(ctx, 'endAccess', request.id, clicker, clicker.displayName);
    if (ask.outcome !== 'mayAsk') return shown('unchanged');
    const recorded = await ask.record();
    return shown(recorded.outcome === 'asked' ? 'ending' : 'unchanged');
  }
  const kept = await ctx.requests.changeIf({
    id: request.id,
    states: ['accepted'],
    onlyWhile: [
      { field: 'inactivityAskedAt', equals: question.askedAt },
      { field: 'inactivityAnswer', equals: null },
    ],
    patch: { inactivityQuestion: { ...question, answer: 'kept' } },
    actor: actorOf(clicker),
    action: 'inactiveGuestKept',
    detail: { lastSignInAt: request.lastSignInAt ?? null, endsAt: request.endsAt },
  });
  return kept ? shown('kept', kept) : shown('unchanged');
}
