/**
 * The sponsor's card before a guest's access ends: extend it by the period first asked for, or let
 * it end. Like the approval card, one card serves every moment (the offer, then the answer, then
 * the end), so a click, a refresh and an update in place all show where it stands.
 */
import { translatorFor } from '../src/i18n';
import { formatDate } from '../src/i18n/dates';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { Resource } from '../src/requests/catalog';
import { plainText } from '../src/teams/plainText';
import type { AdaptiveCardJson } from './approvalCard';
import template from './extension.json';
import { expandCard } from './expandCard';

export interface ExtensionCardView {
  request: AccessRequest;
  /** The end date this card's offer was made for: a later offer (after an extension) has a card of its own. */
  offeredFor: string;
  resources: readonly Resource[];
  /** What an extension would give: its days and the new end date. */
  extension: { days: number; endsAt: string };
  locale: string;
  /** The sponsor (or a local test's stand-in): may answer while the offer is open. */
  viewerIsSponsor: boolean;
  sponsorMri?: string;
  notice?: string;
  now: Date;
}

type Stage = 'open' | 'extended' | 'declined' | 'ended';

/** Where the offer made for the end date `offeredFor` stands: answered, the access over, or still open. */
export function extensionStage(request: AccessRequest, offeredFor: string): Stage {
  if (request.state === 'ended') return 'ended';
  // A newer offer is only ever made after an extension moved the end.
  if (request.extensionOffer?.for !== offeredFor) return 'extended';
  return request.extensionOffer.answer ?? 'open';
}

export function extensionCard(view: ExtensionCardView): AdaptiveCardJson {
  const { request } = view;
  const t = translatorFor(view.locale);
  const date = (iso: string | undefined) => (iso ? formatDate(iso, view.locale, view.now) : '');
  const stage = extensionStage(request, view.offeredFor);
  const names = { days: view.extension.days, newEnd: date(view.extension.endsAt), end: date(request.endsAt), ended: date(request.endedAt) };
  return expandCard(template, {
    strings: {
      refresh: t('approvalCard.refresh'),
      title: t('extension.title'),
      guest: t('approvalCard.guest'),
      resources: t('approvalCard.resources'),
      requester: t('approvalCard.requester'),
      endsAt: t('extension.endsAt'),
      requestId: t('approvalCard.requestId'),
      extend: t('extension.extend', names),
      letEnd: t('extension.letEnd'),
    },
    requestId: request.id,
    offeredFor: view.offeredFor,
    refreshUserIds: [view.sponsorMri, request.sponsor.id].filter((id): id is string => Boolean(id)),
    intro: t('extension.intro', { guest: plainText(request.guestEmail), end: names.end }),
    guest: plainText(request.guestEmail),
    resources: view.resources.map((r) => plainText(r.name)).join(', '),
    requester: plainText(request.requester.displayName),
    endsAt: names.end,
    status: t(`extension.status.${stage}`, names),
    statusColor: stage === 'open' ? 'Accent' : stage === 'extended' ? 'Good' : 'Default',
    notice: view.notice ?? '',
    canDecide: view.viewerIsSponsor && stage === 'open',
  }) as AdaptiveCardJson;
}
