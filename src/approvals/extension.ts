/**
 * The sponsor's answer to the offer to extend a guest's access: Extend or Let it end. Authorized
 * like a decision on the approval card: by who clicked, against the stored sponsor. Of two clicks,
 * one counts; the other gets the card as it stands.
 *
 * An extension is held to what the first approval was (requests/extensionPlan): the guest policy
 * as today's settings say, the resources' `maxDays` counted from today, and the owners of every
 * resource whose catalog entry names approvers. With such resources, Extend opens an owner stage
 * for each (the extension's own, numbered after the request's); the access stays as it is
 * meanwhile; when every one approves, the end moves (approvals/decide); a rejection, or no answer
 * before the end, lets the access end on its date.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/approvalCard';
import { extensionCard, extensionStage } from '../../cards/extensionCard';
import type { Timing } from '../requests/timers';
import { translatorFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { extensionStagesFor } from '../requests/approvalStage';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { type ExtensionPlan, extensionPlan } from '../requests/extensionPlan';
import { canAnswerExtension, type ExtensionAnswer } from '../requests/lifecycle';
import type { GuestPolicy } from '../requests/policy';
import { isRequestId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import type { TimerSettings } from '../requests/timers';
import type { Clicker } from './decide';
import { refusalCard } from './refusal';
import { actsAsSponsor, isRequesterOf, isSponsorOf } from './roles';

export const EXTENSION_VERBS = ['extend', 'letEnd', 'refreshExtension'] as const;

export interface ExtensionContext {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  /** Today's guest policy: an address no longer allowed is not extended. */
  guestPolicy: GuestPolicy;
  localTestsAllowed: boolean;
  clock: () => Date;
}

interface ExtensionAnswerInput {
  verb: string;
  requestId: unknown;
  offeredFor: unknown;
  clicker: Clicker;
}

type ExtensionOutcome = 'extended' | 'ownersAsked' | 'declined' | 'unchanged' | 'notAllowed' | 'refused' | 'notFound';

type CardContext = Pick<ExtensionContext, 'catalog' | 'timing' | 'guestPolicy' | 'clock'>;

/** What an extension of this request would give now, or why none. */
function extensionOf(request: AccessRequest, ctx: CardContext): ExtensionPlan {
  return extensionPlan(
    request,
    resourcesByIds(ctx.catalog, request.resourceIds),
    { guestPolicy: ctx.guestPolicy, accessDays: ctx.timing.accessDays, dayMs: ctx.timing.dayMs },
    ctx.clock(),
  );
}

/** The card for the offer made for `offeredFor`, as `locale` reads it. */
function extensionCardFor(
  request: AccessRequest,
  offeredFor: string,
  ctx: CardContext,
  viewer: { locale: string; isSponsor: boolean; sponsorMri?: string; notice?: string },
): AdaptiveCardJson {
  return extensionCard({
    request,
    offeredFor,
    resources: resourcesByIds(ctx.catalog, request.resourceIds),
    extension: extensionOf(request, ctx),
    locale: viewer.locale,
    viewerIsSponsor: viewer.isSponsor,
    sponsorMri: viewer.sponsorMri,
    notice: viewer.notice,
    now: ctx.clock(),
  });
}

/** The card as the sponsor's chat shows it, to post or update in place. */
export function extensionAttachmentFor(request: AccessRequest, offeredFor: string, ctx: CardContext, locale: string): Attachment {
  return CardFactory.adaptiveCard(extensionCardFor(request, offeredFor, ctx, { locale, isSponsor: true }));
}

export async function answerExtension(input: ExtensionAnswerInput, ctx: ExtensionContext): Promise<{ outcome: ExtensionOutcome; card: AdaptiveCardJson }> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const request = isRequestId(input.requestId) ? await ctx.requests.get(input.requestId) : undefined;
  if (!request || typeof input.offeredFor !== 'string') return { outcome: 'notFound', card: refusalCard(clicker.locale) };
  const offeredFor = input.offeredFor;
  if (!actsAsSponsor(clicker, request, ctx.localTestsAllowed)) {
    // The requester sees where their guest's access stands, read-only; anyone else gets the answer an unknown id gets.
    if (!isRequesterOf(clicker, request)) return { outcome: 'refused', card: refusalCard(clicker.locale) };
    return {
      outcome: 'refused',
      card: extensionCardFor(request, offeredFor, ctx, { locale: clicker.locale, isSponsor: false, notice: t('extension.notSponsor') }),
    };
  }
  const card = (shown: AccessRequest) =>
    extensionCardFor(shown, offeredFor, ctx, {
      locale: clicker.locale,
      isSponsor: true,
      sponsorMri: isSponsorOf(clicker, shown) ? clicker.channelUserId : undefined,
    });
  const now = ctx.clock();
  // The end has come (its job may not have run yet): nothing can be extended any more.
  const ending = request.endsAt !== undefined && Date.parse(request.endsAt) <= now.getTime();
  if (input.verb === 'refreshExtension' || extensionStage(request, offeredFor) !== 'open' || !request.extensionOffer || ending)
    return { outcome: 'unchanged', card: card(request) };

  const actor = { kind: 'user' as const, id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
  const answered = (answer: ExtensionAnswer) => {
    if (!canAnswerExtension(request.extensionOffer?.answer, answer))
      throw new Error(`An offer to extend cannot be answered ${answer} after ${request.extensionOffer?.answer ?? 'nothing'}.`);
    return {
      id: request.id,
      states: ['invited', 'accepted'] as const,
      onlyWhile: [
        { field: 'extensionOfferedFor' as const, equals: offeredFor },
        { field: 'extensionAnswer' as const, equals: null },
        { field: 'endsAt' as const, equals: offeredFor },
      ],
      actor,
    };
  };
  let changed: AccessRequest | undefined;
  let outcome: ExtensionOutcome;
  if (input.verb === 'extend') {
    const plan = extensionOf(request, ctx);
    // The card said so before the click; the settings may have changed since it was drawn.
    if (!plan.ok) return { outcome: 'notAllowed', card: card(request) };
    if (plan.ownedResources.length > 0) {
      const stages = extensionStagesFor(plan.ownedResources, await ctx.requests.stagesOf(request.id), offeredFor);
      outcome = 'ownersAsked';
      changed = await ctx.requests.changeIf({
        ...answered('awaitingOwners'),
        patch: { extensionOffer: { ...request.extensionOffer, answer: 'awaitingOwners', endsAt: plan.endsAt } },
        action: 'extensionAsked',
        detail: { from: request.endsAt, to: plan.endsAt, days: plan.days, stages: stages.map((s) => s.stage) },
        openStages: stages,
        answersOffer: 'awaitingOwners',
      });
    } else {
      outcome = 'extended';
      changed = await ctx.requests.changeIf({
        ...answered('extended'),
        patch: {
          endsAt: plan.endsAt,
          extensionOffer: { ...request.extensionOffer, answer: 'extended', endsAt: plan.endsAt },
          extensions: (request.extensions ?? 0) + 1,
        },
        action: 'extended',
        detail: { from: request.endsAt, to: plan.endsAt, days: plan.days },
        answersOffer: 'extended',
      });
    }
  } else {
    outcome = 'declined';
    changed = await ctx.requests.changeIf({
      ...answered('declined'),
      patch: { extensionOffer: { ...request.extensionOffer, answer: 'declined' } },
      action: 'extensionDeclined',
      detail: { endsAt: request.endsAt },
      answersOffer: 'declined',
    });
  }
  if (changed) return { outcome, card: card(changed) };
  return { outcome: 'unchanged', card: card((await ctx.requests.get(request.id)) ?? request) };
}
