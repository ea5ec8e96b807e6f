/**
 * The requester's `status` card: their requests, newest first, each with where it stands, when
 * each step happened, and the buttons that apply now (cancel while the sponsor decides; a fresh
 * link or Microsoft's email while the guest has not accepted). A button runs as typing its command
 * would (see cards/linkChoices).
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { translatorFor, formatDate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { ResourceCatalog } from '../src/requests/catalog';
import { plainText } from './plainText';
import { takeOverButton } from './sponsorshipOffer';
import type { AdaptiveCardJson } from './approvalCard';
import { followUpButtons } from './linkChoices';
import template from './status.json';
import { expandCard } from './expandCard';

interface StatusCardView {
  /** Newest first; at most the page to show. */
  requests: readonly AccessRequest[];
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

export function statusCard(view: StatusCardView): AdaptiveCardJson {
  const t = translatorFor(view.locale);
  const when = (iso: string | undefined) => (iso ? formatDate(iso, view.locale) : undefined);
  const requests = view.requests.map((request) => {
    const steps: [string, string | undefined][] = [
      ['requested', request.createdAt],
      [request.state === 'rejected' ? 'rejected' : 'approved', request.decidedAt],
      ['invited', request.invitedAt],
      ['accepted', request.acceptedAt],
      // Undecided until it expired; granted until it ends (or ended).
      ['expired', request.state === 'expired' ? request.updatedAt : undefined],
      ['withdrawn', request.withdrawnAt],
      [
        request.state === 'ended' ? 'ended' : 'ends',
        request.state === 'ended' ? request.endedAt : ['invited', 'accepted'].includes(request.state) ? request.endsAt : undefined,
      ],
    ];
    const timeline = steps
      .filter(([, at]) => at)
      .map(([step, at]) => t(`status.step.${step as 'requested'}`, { date: when(at) }))
      .join(' → ');
    const actions = [
      ...(request.state === 'pending_approval' ? [{ title: t('status.cancel'), command: t('status.cancelCommand', { id: request.id }) }] : []),
      ...followUpButtons(t, request, { forSponsor: false }),
      // A request whose sponsor left waits for someone to take over: the requester may.
      ...(request.sponsorLeftAt ? [takeOverButton(t, request.id)] : []),
    ];
    return {
      heading: `${request.id} · ${plainText(request.guestEmail)}`,
      state: t(`status.state.${request.state}`, { sponsor: plainText(request.sponsor.displayName) }),
      stateColor: STATE_COLORS[request.state] ?? 'Default',
      // A resource removed from the catalog since is shown by its id.
      resources: request.resourceIds.map((id) => plainText(view.catalog.resources.find((r) => r.id === id)?.name ?? id)).join(', '),
      // A request without a sponsor is shown as such: who left, since when, and how to take over.
      sponsor: request.sponsorLeftAt
        ? t('sponsorship.statusNoSponsor', {
            date: when(request.sponsorLeftAt),
            former: plainText(request.formerSponsor?.displayName ?? request.sponsor.displayName),
            command: t('sponsorship.takeOverCommand', { id: request.id }),
          })
        : plainText(request.sponsor.displayName),
      timeline,
      actions,
    };
  });
  return expandCard(template, {
    title: t('status.title'),
    strings: { resources: t('approvalCard.resources'), sponsor: t('approvalCard.sponsor'), timeline: t('status.timeline') },
    requests,
    more: view.older > 0 ? t('status.older', { count: view.older }) : '',
  }) as AdaptiveCardJson;
}

export function statusCardAttachment(view: StatusCardView): Attachment {
  return CardFactory.adaptiveCard(statusCard(view));
}
