/**
 * The sponsor's card before a guest's access ends: extend it by the period first asked for, or let
 * it end. Like the approval card, one card serves every moment (the offer, the owners deciding when
 * a resource has approvers, the answer, the end), so a click, a refresh and an update in place all
 * show where it stands. When it cannot be extended (the guest policy, the resources' `maxDays`) it
 * says why, and offers nothing to click.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { type Translate, translatorFor, formatDate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { Resource } from '../src/requests/catalog';
import { type ExtensionPlan, type ExtensionSettings, extensionPlanNow, extensionStage } from '../src/requests/extensionPlan';
import { resourcesByIds } from '../src/requests/catalog';
import { failureReasonText } from './failureReasonText';
import { plainText } from './plainText';
import type { AdaptiveCardJson } from './approvalCard';
import template from './extension.json';
import { expandCard } from './expandCard';

interface ExtensionCardView {
  request: AccessRequest;
  /** The end date this card's offer was made for: a later offer (after an extension) has a card of its own. */
  offeredFor: string;
  resources: readonly Resource[];
  /** What an extension would give now, or why there can be none. */
  extension: ExtensionPlan;
  locale: string;
  /** The sponsor (or a local test's stand-in): may answer while the offer is open. */
  viewerIsSponsor: boolean;
  sponsorMri?: string;
  notice?: string;
  now: Date;
}

function extensionCard(view: ExtensionCardView): AdaptiveCardJson {
  const { request, extension } = view;
  const t = translatorFor(view.locale);
  const date = (iso: string | undefined) => (iso ? formatDate(iso, view.locale, view.now) : '');
  const stage = extensionStage(request, view.offeredFor);
  const owned = extension.ok ? extension.ownedResources : view.resources.filter((r) => (r.approvers?.length ?? 0) > 0);
  const names = {
    days: extension.ok ? extension.days : 0,
    newEnd: date(stage === 'open' && extension.ok ? extension.endsAt : request.extensionOffer?.endsAt),
    end: date(request.endsAt),
    ended: date(request.endedAt),
    owners: owned.map((r) => plainText(r.name)).join(', '),
  };
  const blocked = stage === 'open' && !extension.ok ? whyNot(t, request, extension, names.end) : undefined;
  const intro = t('extension.intro', { guest: plainText(request.guestEmail), end: names.end });
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
    // Said before the click: extending asks the owners, and the access ends on its date unless they approve in time.
    intro: stage === 'open' && extension.ok && owned.length > 0 ? `${intro} ${t('extension.ownersToo', names)}` : intro,
    guest: plainText(request.guestEmail),
    resources: view.resources.map((r) => plainText(r.name)).join(', '),
    requester: plainText(request.requester.displayName),
    endsAt: names.end,
    status: blocked ?? t(`extension.status.${stage}`, names),
    statusColor: blocked ? 'Warning' : stage === 'open' || stage === 'awaitingOwners' ? 'Accent' : stage === 'extended' ? 'Good' : 'Default',
    notice: view.notice ?? '',
    canDecide: view.viewerIsSponsor && stage === 'open' && !blocked,
  }) as AdaptiveCardJson;
}

/** Who sees the card: in their language; the sponsor (or a local test's stand-in) may answer it. */
interface ExtensionCardViewer {
  locale: string;
  isSponsor: boolean;
  /** The sponsor's Teams id when they are the one looking: Teams refreshes the card for them. */
  sponsorMri?: string;
  notice?: string;
}

/** The card for the offer made for `offeredFor`, as it stands now by today's settings. */
export function extensionCardFor(request: AccessRequest, offeredFor: string, settings: ExtensionSettings, viewer: ExtensionCardViewer): AdaptiveCardJson {
  return extensionCard({
    request,
    offeredFor,
    resources: resourcesByIds(settings.catalog, request.resourceIds),
    extension: extensionPlanNow(request, settings),
    locale: viewer.locale,
    viewerIsSponsor: viewer.isSponsor,
    sponsorMri: viewer.sponsorMri,
    notice: viewer.notice,
    now: settings.clock(),
  });
}

/** The card as the sponsor's chat shows it, to post or update in place. */
export function extensionCardAttachment(request: AccessRequest, offeredFor: string, settings: ExtensionSettings, locale: string): Attachment {
  return CardFactory.adaptiveCard(extensionCardFor(request, offeredFor, settings, { locale, isSponsor: true }));
}

/** Why this access cannot be extended, as a sentence with its end date. */
function whyNot(t: Translate, request: AccessRequest, extension: Extract<ExtensionPlan, { ok: false }>, end: string): string {
  return extension.why === 'guestPolicy'
    ? t('extension.status.notAllowed', { end, reason: failureReasonText(t, { failureReason: extension.problem, guestEmail: request.guestEmail }, plainText) })
    : t('extension.status.atLimit', { end, max: extension.maxDays });
}
