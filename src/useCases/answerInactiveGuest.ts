/**
 * The sponsor's answer on the card about a guest who has not signed in for INACTIVE_GUEST_DAYS:
 * - End access now: exactly the typed `end GA-…` (useCases/askAsSponsor), with the same checks,
 *   the same audit and the same job, which takes back only what the bot gave;
 * - Keep until the end date: recorded on the question and audited; the access stays, and the
 *   question comes again only after another period without a sign-in (access/inactivityWatcher).
 * Authorized like the other cards: by who clicked, as the channel vouches for them, against the
 * stored sponsor (approvals/roles). Of two clicks, one counts; the other finds it decided.
 */
import type { AccessRequest } from '../requests/accessRequest';
import { askAsSponsor } from './askAsSponsor';
import { actorOf } from './clicker';
import { type SponsorCardAnswer, type SponsorCardClick, type SponsorCardContext, sponsorOnCard } from './sponsorCard';

export const INACTIVE_GUEST_VERBS = ['endInactiveGuest', 'keepInactiveGuest', 'refreshInactiveGuest'] as const;

export type InactiveGuestAnswerInput = SponsorCardClick<(typeof INACTIVE_GUEST_VERBS)[number], 'askedAt'>;

/** `unchanged`: a refresh, a question already answered or no longer open. */
export type InactiveGuestAnswer = SponsorCardAnswer<'ending' | 'kept' | 'unchanged'>;

export interface InactiveGuestAnswerContext extends SponsorCardContext {
  clock: () => Date;
}

export async function answerInactiveGuest(input: InactiveGuestAnswerInput, ctx: InactiveGuestAnswerContext): Promise<InactiveGuestAnswer> {
  const { clicker, askedAt } = input;
  if (typeof askedAt !== 'string') return { outcome: 'notFound' };
  const standing = await sponsorOnCard(input, ctx, (request) => request.inactivityQuestion !== undefined);
  if (standing.outcome !== 'answers') return standing;
  const { request, isTheirs } = standing;
  const shown = async (outcome: 'ending' | 'kept' | 'unchanged', latest?: AccessRequest) => ({
    outcome,
    request: latest ?? (await ctx.requests.get(request.id)) ?? request,
    isTheirs,
  });
  const question = request.inactivityQuestion as NonNullable<AccessRequest['inactivityQuestion']>;
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
