/**
 * The sponsor's answer to the offer to extend a guest's access: Extend or Let it end (Refresh only
 * reads). Authorized like a decision on the approval card: by who clicked, against the stored
 * sponsor. Of two clicks, one counts; the other finds the offer answered.
 *
 * An extension is held to what the first approval was (requests/extensionPlan): the guest policy
 * as today's settings say, the resources' `maxDays` counted from today, and the owners of every
 * resource whose catalog entry names approvers. With such resources, Extend opens an owner stage
 * for each (the extension's own, numbered after the request's); the access stays as it is
 * meanwhile; when every one approves, the end moves (useCases/decide); a rejection, or no
 * answer before the end, lets the access end on its date.
 */
import type { AccessRequest } from '../requests/accessRequest';
import { extensionStagesFor } from '../requests/approvalStage';
import { type ExtensionSettings, extensionPlanNow, extensionStage } from '../requests/extensionPlan';
import { canAnswerExtension, type ExtensionAnswer } from '../requests/lifecycle';
import type { RequestRepository } from '../requests/requestRepository';
import { actorOf } from './clicker';
import { type SponsorCardAnswer, type SponsorCardClick, type SponsorCardContext, sponsorOnCard } from './sponsorCard';

/** A change made only while the offer is still open: what changeIf takes. */
type OfferChange = Parameters<RequestRepository['changeIf']>[0];

export const EXTENSION_VERBS = ['extend', 'letEnd', 'refreshExtension'] as const;

export type ExtensionAnswerInput = SponsorCardClick<(typeof EXTENSION_VERBS)[number], 'offeredFor'>;

/** `notAllowed`: today's settings allow no extension; `unchanged`: a refresh, an offer answered or over. */
export type ExtensionAnswerResult = SponsorCardAnswer<'extended' | 'ownersAsked' | 'declined' | 'unchanged' | 'notAllowed', { offeredFor: string }>;

export interface ExtensionAnswerContext extends ExtensionSettings, SponsorCardContext {}

export async function answerExtension(input: ExtensionAnswerInput, ctx: ExtensionAnswerContext): Promise<ExtensionAnswerResult> {
  const { clicker, offeredFor } = input;
  if (typeof offeredFor !== 'string') return { outcome: 'notFound' };
  // The offer is the sponsor's to answer, as the approval card was: the same standing.
  const standing = await sponsorOnCard(input, ctx);
  if (standing.outcome === 'readOnly') return { ...standing, offeredFor };
  if (standing.outcome !== 'answers') return standing;
  const { request, isTheirs } = standing;
  const shown = (outcome: 'extended' | 'ownersAsked' | 'declined' | 'unchanged' | 'notAllowed', latest: AccessRequest): ExtensionAnswerResult => ({
    outcome,
    request: latest,
    offeredFor,
    isTheirs,
  });
  // The end has come (its job may not have run yet): nothing can be extended any more.
  const ending = request.endsAt !== undefined && Date.parse(request.endsAt) <= ctx.clock().getTime();
  const offer = request.extensionOffer;
  if (input.verb === 'refreshExtension' || extensionStage(request, offeredFor) !== 'open' || !offer || ending) return shown('unchanged', request);

  /** The answer, recorded only while the offer is still this one and unanswered, and the end where it was. */
  const answered = (answer: ExtensionAnswer, change: Pick<OfferChange, 'patch' | 'action' | 'detail' | 'openStages'>) => {
    if (!canAnswerExtension(offer.answer, answer)) throw new Error(`An offer to extend cannot be answered ${answer} after ${offer.answer ?? 'nothing'}.`);
    return ctx.requests.changeIf({
      id: request.id,
      states: ['invited', 'accepted'],
      onlyWhile: [
        { field: 'extensionOfferedFor', equals: offeredFor },
        { field: 'extensionAnswer', equals: null },
        { field: 'endsAt', equals: offeredFor },
      ],
      actor: actorOf(clicker),
      answersOffer: answer,
      ...change,
    });
  };
  let outcome: 'extended' | 'ownersAsked' | 'declined';
  let changed: AccessRequest | undefined;
  if (input.verb === 'letEnd') {
    outcome = 'declined';
    changed = await answered('declined', {
      patch: { extensionOffer: { ...offer, answer: 'declined' } },
      action: 'extensionDeclined',
      detail: { endsAt: request.endsAt },
    });
  } else {
    const plan = extensionPlanNow(request, ctx);
    // The card said so before the click; the settings may have changed since it was drawn.
    if (!plan.ok) return shown('notAllowed', request);
    const detail = { from: request.endsAt, to: plan.endsAt, days: plan.days };
    if (plan.ownedResources.length > 0) {
      const stages = extensionStagesFor(plan.ownedResources, await ctx.requests.stagesOf(request.id), offeredFor);
      outcome = 'ownersAsked';
      changed = await answered('awaitingOwners', {
        patch: { extensionOffer: { ...offer, answer: 'awaitingOwners', endsAt: plan.endsAt } },
        action: 'extensionAsked',
        detail: { ...detail, stages: stages.map((s) => s.stage) },
        openStages: stages,
      });
    } else {
      outcome = 'extended';
      changed = await answered('extended', {
        patch: { endsAt: plan.endsAt, extensionOffer: { ...offer, answer: 'extended', endsAt: plan.endsAt }, extensions: (request.extensions ?? 0) + 1 },
        action: 'extended',
        detail,
      });
    }
  }
  if (changed) return shown(outcome, changed);
  return shown('unchanged', (await ctx.requests.get(request.id)) ?? request);
}
