/**
 * The requester's `status` card: their requests, newest first, each with where it stands, when
 * each step happened, and the buttons that apply now (cancel while the sponsor decides; a fresh
 * link or Microsoft's email while the guest has not accepted). A button runs as typing its command
 * would (see cards/linkChoices). A request for several guests is one entry, its guests listed
 * under it, each with where they stand and their own buttons.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { translatorFor, formatDate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { isDecidedTogether } from '../src/requests/lifecycle';
import type { ResourceCatalog } from '../src/requests/catalog';
import { plainText } from './plainText';
import { takeOverButton } from './sponsorshipOffer';
import type { AdaptiveCardJson } from './approvalCard';
import { followUpButtons } from './linkChoices';
import template from './status.json';
import type en from '../src/i18n/en.json';
import { expandCard } from './expandCard';

interface StatusCardView {
  /** Newest first; at most the page to show. Each request as its guests, in order (one for most). */
  requests: ReadonlyArray<readonly AccessRequest[]>;
  /** How many more, older ones there are. */
  older: number;
  catalog: ResourceCatalog;
  locale: string;
}

const STATE_COLORS: Record<string, string> = {
  pending_approval: 'Accent',
  rejected: 'Attention',
  failed: 'Warning',
  invited: 'Good',
  accepted: 'Good',
  approved: 'Good',
};

/** Whose a step is: the request's as a whole (asked for, decided, expired undecided), or its guest's (invited, accepted, withdrawn, the end). */
type StepsOf = 'request' | 'guest';

type Step = keyof (typeof en)['status']['step'];

/** Every step of a guest's row, in order, with when it happened (undefined: not yet, or never). */
function steps(request: AccessRequest): Array<{ of: StepsOf; step: Step; at?: string }> {
  const granted = request.state === 'invited' || request.state === 'accepted';
  return [
    { of: 'request', step: 'requested', at: request.createdAt },
    { of: 'request', step: request.state === 'rejected' ? 'rejected' : 'approved', at: request.decidedAt },
    { of: 'guest', step: 'invited', at: request.invitedAt },
    { of: 'guest', step: 'accepted', at: request.acceptedAt },
    // Undecided until it expired; granted until it ends (or ended).
    { of: 'request', step: 'expired', at: request.state === 'expired' ? request.updatedAt : undefined },
    { of: 'guest', step: 'withdrawn', at: request.withdrawnAt },
    { of: 'guest', step: request.state === 'ended' ? 'ended' : 'ends', at: request.state === 'ended' ? request.endedAt : granted ? request.endsAt : undefined },
  ];
}

export function statusCard(view: StatusCardView): AdaptiveCardJson {
  const t = translatorFor(view.locale);
  const when = (iso: string | undefined) => (iso ? formatDate(iso, view.locale) : undefined);
  const timelineOf = (request: AccessRequest, of: readonly StepsOf[]) =>
    steps(request)
      .filter((step) => step.at && of.includes(step.of))
      .map(({ step, at }) => t(`status.step.${step}`, { date: when(at) }))
      .join(' → ');
  const stateOf = (request: AccessRequest) => ({
    state: t(`status.state.${request.state}`, { sponsor: plainText(request.sponsor.displayName) }),
    stateColor: STATE_COLORS[request.state] ?? 'Default',
  });
  const requests = view.requests.map((guests) => {
    const request = guests[0];
    // A request for several guests: what is the request's (its decision, its people) above, and
    // each guest below with where they stand and their own buttons, which name them.
    const several = guests.length > 1;
    const decidedTogether = several && !isDecidedApart(request.state);
    const actions = [
      ...(request.state === 'pending_approval' ? [{ title: t('status.cancel'), command: t('status.cancelCommand', { id: request.requestId }) }] : []),
      ...(several
        ? request.state === 'expired'
          ? [{ title: t('requestAgain.button'), command: t('requestAgain.command', { id: request.requestId }) }]
          : []
        : followUpButtons(t, request, { forSponsor: false })),
      // A request whose sponsor left waits for someone to take over: the requester may.
      ...(request.sponsorLeftAt ? [takeOverButton(t, request.requestId)] : []),
    ];
    return {
      heading: several ? t('severalGuests.statusHeading', { id: request.requestId, count: guests.length }) : `${request.id} · ${plainText(request.guestEmail)}`,
      ...(several && !decidedTogether
        ? { state: t('severalGuests.statusApart', { sponsor: plainText(request.sponsor.displayName) }), stateColor: 'Default' }
        : stateOf(request)),
      // A resource removed from the catalog since is shown by its id.
      resources: request.resourceIds.map((id) => plainText(view.catalog.resources.find((r) => r.id === id)?.name ?? id)).join(', '),
      // A request without a sponsor is shown as such: who left, since when, and how to take over.
      sponsor: request.sponsorLeftAt
        ? t('sponsorship.statusNoSponsor', {
            date: when(request.sponsorLeftAt),
            former: plainText(request.formerSponsor?.displayName ?? request.sponsor.displayName),
            command: t('sponsorship.takeOverCommand', { id: request.requestId }),
          })
        : plainText(request.sponsor.displayName),
      timeline: timelineOf(request, several ? ['request'] : ['request', 'guest']),
      actions,
      guests: several
        ? guests.map((guest) => ({
            who: plainText(guest.guestEmail),
            ...stateOf(guest),
            timeline: timelineOf(guest, ['guest']),
            // Until the decision (and when it expired undecided), what may be done is the request's, above.
            actions: decidedTogether ? [] : followUpButtons(t, guest, { forSponsor: false, severalGuests: true }),
          }))
        : [],
    };
  });
  return expandCard(template, {
    title: t('status.title'),
    strings: { resources: t('approvalCard.resources'), sponsor: t('approvalCard.sponsor'), timeline: t('status.timeline') },
    requests,
    more: view.older > 0 ? t('status.older', { count: view.older }) : '',
  }) as AdaptiveCardJson;
}

/** From the approval on, each guest of a request goes their own way: the request has no one state to show. */
function isDecidedApart(state: AccessRequest['state']): boolean {
  return !isDecidedTogether(state) && !['rejected', 'cancelled', 'expired'].includes(state);
}

export function statusCardAttachment(view: StatusCardView): Attachment {
  return CardFactory.adaptiveCard(statusCard(view));
}
