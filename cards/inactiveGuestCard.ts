/**
 * The sponsor's card about a guest with no successful sign-in for INACTIVE_GUEST_DAYS: who, what
 * they have, their last sign-in, and the choice: end the access now, or keep it until its end date.
 * One card serves every moment (the question, the answer, the end), so a click, a refresh and an
 * update in place all show where it stands.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { formatDate, translatorFor } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { type ResourceCatalog, resourcesByIds } from '../src/requests/catalog';
import type { AdaptiveCardJson } from './approvalCard';
import { expandCard } from './expandCard';
import { plainText } from './plainText';
import template from './inactiveGuest.json';

/** What the card is drawn with besides the request. */
export interface InactiveGuestCardSettings {
  catalog: ResourceCatalog;
  /** INACTIVE_GUEST_DAYS, as set: the card says it. */
  inactiveGuestDays: number;
  clock: () => Date;
}

/** Who sees the card: in their language; the sponsor (or a local test's stand-in) may answer it. */
export interface InactiveGuestCardViewer {
  locale: string;
  isSponsor: boolean;
  /** The sponsor's Teams id when they are the one looking: Teams refreshes the card for them. */
  sponsorMri?: string;
  notice?: string;
}

/** Where the question stands: still open, kept, the end asked for and under way, over, or no longer asked (the guest must accept again). */
export type InactiveGuestStage = 'open' | 'kept' | 'ending' | 'ended' | 'moot';

export function inactiveGuestStage(request: AccessRequest, now: Date): InactiveGuestStage {
  if (request.state === 'ended') return 'ended';
  if (request.state !== 'accepted' || !request.inactivityQuestion) return 'moot';
  if (request.endsAt && Date.parse(request.endsAt) <= now.getTime()) return 'ending';
  return request.inactivityQuestion.answer === 'kept' ? 'kept' : 'open';
}

export function inactiveGuestCardFor(request: AccessRequest, settings: InactiveGuestCardSettings, viewer: InactiveGuestCardViewer): AdaptiveCardJson {
  const t = translatorFor(viewer.locale);
  const now = settings.clock();
  const date = (iso: string | undefined) => (iso ? formatDate(iso, viewer.locale, now) : '');
  const stage = inactiveGuestStage(request, now);
  const names = {
    guest: plainText(request.guestEmail),
    days: settings.inactiveGuestDays,
    accepted: date(request.acceptedAt),
    lastSignIn: date(request.lastSignInAt),
    end: date(request.endsAt),
    ended: date(request.endedAt),
    requester: plainText(request.requester.displayName),
  };
  const signedInSinceAccepting =
    request.lastSignInAt !== undefined && (!request.acceptedAt || Date.parse(request.lastSignInAt) >= Date.parse(request.acceptedAt));
  return expandCard<AdaptiveCardJson>(template, {
    strings: {
      refresh: t('approvalCard.refresh'),
      title: t('inactivity.title'),
      guest: t('approvalCard.guest'),
      resources: t('approvalCard.resources'),
      requester: t('approvalCard.requester'),
      lastSignIn: t('inactivity.lastSignIn'),
      endsAt: t('extension.endsAt'),
      requestId: t('approvalCard.requestId'),
      endNow: t('inactivity.endNow'),
      keep: t('inactivity.keep'),
    },
    requestId: request.id,
    askedAt: request.inactivityQuestion?.askedAt ?? '',
    refreshUserIds: [viewer.sponsorMri, request.sponsor.id].filter((id): id is string => Boolean(id)),
    intro: signedInSinceAccepting ? t('inactivity.introLastSignIn', names) : t('inactivity.introNeverSignedIn', names),
    guest: names.guest,
    resources: resourcesByIds(settings.catalog, request.resourceIds)
      .map((r) => plainText(r.name))
      .join(', '),
    requester: names.requester,
    lastSignIn: signedInSinceAccepting ? names.lastSignIn : t('inactivity.notSinceAccepting', names),
    endsAt: names.end,
    status: t(`inactivity.status.${stage}`, names),
    statusColor: stage === 'open' ? 'Accent' : stage === 'kept' ? 'Good' : 'Default',
    notice: viewer.notice ?? '',
    canDecide: viewer.isSponsor && stage === 'open',
  });
}

/** The card as the sponsor's chat shows it, to post. */
export function inactiveGuestCardAttachment(request: AccessRequest, settings: InactiveGuestCardSettings, locale: string): Attachment {
  return CardFactory.adaptiveCard(inactiveGuestCardFor(request, settings, { locale, isSponsor: true }));
}
