/**
 * The requester's one message about a request for several guests, once it is approved: where each
 * guest's invitation stands, each link labelled with its guest, the resources and the end date
 * once. Drawn from every guest of the request as they stand, so a redraw after any of them is
 * settled (invited, already a guest, failed) replaces the message with the whole picture.
 */
import { failureReasonText } from '../../cards/failureReasonText';
import { plainText } from '../../cards/plainText';
import { formatDate, type Translate } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import type { ResourceCatalog } from '../requests/catalog';
import { resourceList } from './resourceList';

export function requestLinksText(t: Translate, guests: readonly AccessRequest[], ctx: { catalog: ResourceCatalog; clock: () => Date }): string {
  const first = guests[0];
  const locale = first.requesterLocale;
  const names = { id: first.requestId, sponsor: plainText(first.sponsor.displayName), count: guests.length };
  return [
    t('notify.links.title', names),
    guests.map((guest) => `- ${guestLine(t, guest, names.sponsor)}`).join('\n'),
    resourceList(
      t,
      ctx.catalog.resources.filter((r) => first.resourceIds.includes(r.id)),
      'notify.links.resourcesHeader',
    ),
    first.endsAt ? t('notify.accessUntil', { end: formatDate(first.endsAt, locale, ctx.clock()), sponsor: names.sponsor }) : '',
    // The example names one of this request's own guests, as the command needs it.
    t('notify.links.next', { id: first.requestId, example: plainText((guests.find((guest) => guest.state === 'invited') ?? first).guestEmail) }),
  ]
    .filter(Boolean)
    .join('\n\n');
}

function guestLine(t: Translate, guest: AccessRequest, sponsor: string): string {
  const names = { guest: plainText(guest.guestEmail), sponsor };
  switch (guest.state) {
    case 'invited':
      return guest.inviteRedeemUrl
        ? t('notify.links.invited', { ...names, url: guest.inviteRedeemUrl })
        : t('notify.links.state', { ...names, state: t('requestState.invited') });
    case 'accepted':
      return t(guest.invitedAt ? 'notify.links.accepted' : 'notify.links.alreadyGuest', names);
    case 'approved':
      return t('notify.links.underWay', names);
    case 'failed':
      return t('notify.links.failed', { ...names, reason: failureReasonText(t, guest, plainText) });
    case 'left_out':
      return t('notify.links.leftOut', names);
    default:
      return t('notify.links.state', { ...names, state: t(`requestState.${guest.state}`) });
  }
}
