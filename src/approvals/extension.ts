/**
 * The sponsor's answer to the offer to extend a guest's access: Extend (by the period first asked
 * for, within what the resources allow today) or Let it end. Authorized like a decision on the
 * approval card: by who clicked, against the stored sponsor. Of two clicks, one counts; the other
 * gets the card as it stands.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/approvalCard';
import { extensionCard, extensionStage } from '../../cards/extensionCard';
import { noticeCard } from '../../cards/noticeCard';
import type { Timing } from '../config';
import { translatorFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { extendedEndDate } from '../requests/accessPlan';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { isRequestId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { accessTimers, type TimerSettings } from '../requests/timers';
import type { Clicker } from './decide';
import { actsAsSponsor, isSponsorOf } from './roles';

export const EXTENSION_VERBS = ['extend', 'letEnd', 'refreshExtension'] as const;

export interface ExtensionContext {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  localTestsAllowed: boolean;
  clock: () => Date;
}

export interface ExtensionAnswerInput {
  verb: string;
  requestId: unknown;
  offeredFor: unknown;
  clicker: Clicker;
}

/** What an extension of this request would give now. */
export function extensionOf(request: AccessRequest, catalog: ResourceCatalog, timing: ExtensionContext['timing']): { days: number; endsAt: string } {
  return extendedEndDate(request, resourcesByIds(catalog, request.resourceIds), timing.accessDays, timing.dayMs);
}

/** The card for the offer made for `offeredFor`, as `locale` reads it. */
export function extensionCardFor(
  request: AccessRequest,
  offeredFor: string,
  ctx: Pick<ExtensionContext, 'catalog' | 'timing' | 'clock'>,
  viewer: { locale: string; isSponsor: boolean; sponsorMri?: string; notice?: string },
): AdaptiveCardJson {
  return extensionCard({
    request,
    offeredFor,
    resources: resourcesByIds(ctx.catalog, request.resourceIds),
    extension: extensionOf(request, ctx.catalog, ctx.timing),
    locale: viewer.locale,
    viewerIsSponsor: viewer.isSponsor,
    sponsorMri: viewer.sponsorMri,
    notice: viewer.notice,
    now: ctx.clock(),
  });
}

/** The card as the sponsor's chat shows it, to post or update in place. */
export function extensionAttachmentFor(request: AccessRequest, offeredFor: string, ctx: Pick<ExtensionContext, 'catalog' | 'timing' | 'clock'>, locale: string): Attachment {
  return CardFactory.adaptiveCard(extensionCardFor(request, offeredFor, ctx, { locale, isSponsor: true }));
}

export async function answerExtension(input: ExtensionAnswerInput, ctx: ExtensionContext): Promise<{ outcome: 'extended' | 'declined' | 'unchanged' | 'refused' | 'notFound'; card: AdaptiveCardJson }> {
  const { clicker } = input;
  const t = translatorFor(clicker.locale);
  const request = isRequestId(input.requestId) ? await ctx.requests.get(input.requestId) : undefined;
  if (!request || typeof input.offeredFor !== 'string') return { outcome: 'notFound', card: noticeCard({ title: t('extension.title'), text: t('approvalCard.notFound') }) };
  const offeredFor = input.offeredFor;
  const sponsor = actsAsSponsor(clicker, request, ctx.localTestsAllowed);
  if (!sponsor) return { outcome: 'refused', card: noticeCard({ title: t('extension.title'), text: t('extension.notSponsor') }) };
  const card = (shown: AccessRequest) =>
    extensionCardFor(shown, offeredFor, ctx, { locale: clicker.locale, isSponsor: true, sponsorMri: isSponsorOf(clicker, shown) ? clicker.channelUserId : undefined });
  if (input.verb === 'refreshExtension' || extensionStage(request, offeredFor) !== 'open' || !request.extensionOffer) return { outcome: 'unchanged', card: card(request) };

  const actor = { kind: 'user' as const, id: clicker.userId ?? clicker.channelUserId, displayName: clicker.displayName };
  const onlyOpen = { id: request.id, states: ['invited', 'accepted'] as const, onlyWhile: [
    { field: 'extensionOfferedFor' as const, equals: offeredFor },
    { field: 'extensionAnswer' as const, equals: null },
  ] };
  let changed: AccessRequest | undefined;
  if (input.verb === 'extend') {
    const extension = extensionOf(request, ctx.catalog, ctx.timing);
    changed = await ctx.requests.changeIf({
      ...onlyOpen,
      patch: { endsAt: extension.endsAt, extensionOffer: { ...request.extensionOffer, answer: 'extended' }, extensions: (request.extensions ?? 0) + 1 },
      actor,
      action: 'extended',
      detail: { from: request.endsAt, to: extension.endsAt, days: extension.days },
      jobs: [
        ...accessTimers(request.id, extension.endsAt, ctx.clock(), ctx.timing),
        { kind: 'notifyRequester', requestId: request.id, notice: 'extended' },
        { kind: 'updateApprovalCard', requestId: request.id },
      ],
    });
  } else {
    changed = await ctx.requests.changeIf({
      ...onlyOpen,
      patch: { extensionOffer: { ...request.extensionOffer, answer: 'declined' } },
      actor,
      action: 'extensionDeclined',
      detail: { endsAt: request.endsAt },
      jobs: [
        { kind: 'notifyRequester', requestId: request.id, notice: 'notExtended' },
        { kind: 'updateApprovalCard', requestId: request.id },
      ],
    });
  }
  if (changed) return { outcome: input.verb === 'extend' ? 'extended' : 'declined', card: card(changed) };
  return { outcome: 'unchanged', card: card((await ctx.requests.get(request.id)) ?? request) };
}
