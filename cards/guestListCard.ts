/**
 * The `guests` card: the guests someone answers for (as sponsor) or asked for (as requester), one
 * page of them, soonest end first: who, what they have, until when, their last sign-in when the
 * bot knows it, and the buttons that may apply. Each button stands for a typed command
 * (`extend GA-…`, `link GA-…`, `end GA-…`) and runs exactly as typing it would, so it is checked
 * again when clicked: a card from last week cannot do what its request no longer allows.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { formatDate, translatorFor, type Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { ResourceCatalog } from '../src/requests/catalog';
import type { AdaptiveCardJson } from './approvalCard';
import type { CommandButton } from './commandCard';
import { expandCard } from './expandCard';
import { guestTarget } from './guestTarget';
import { plainText } from './plainText';
import template from './guestList.json';

/** A guest on the list, whether the one looking acts as its sponsor (approvals/roles), and whether their request asks for other guests too. */
interface ListedGuest {
  request: AccessRequest;
  viewerActsAsSponsor: boolean;
  severalGuests: boolean;
}

interface GuestListCardView {
  guests: readonly ListedGuest[];
  /** The page shown (from 1), of how many; the 1-based position of its first guest, of how many. */
  page: number;
  pages: number;
  from: number;
  total: number;
  catalog: ResourceCatalog;
  locale: string;
  now: Date;
}

const STATE_COLORS: Record<string, string> = { approved: 'Accent', invited: 'Warning', accepted: 'Good' };

/**
 * What the one looking may ask for this guest: the sponsor extends or ends a given access; the
 * requester and the sponsor ask for a new link while the guest has not accepted. The checks of
 * the commands decide again on the click. A guest of a request for several is named by address.
 */
export function guestButtons(t: Translate, { request, viewerActsAsSponsor, severalGuests }: ListedGuest): CommandButton[] {
  const id = guestTarget(request, severalGuests);
  const granted = request.state === 'invited' || request.state === 'accepted';
  return [
    ...(viewerActsAsSponsor && granted ? [{ title: t('guestList.extend'), command: t('guestList.extendCommand', { id }) }] : []),
    ...(request.state === 'invited' ? [{ title: t('linkChoices.freshLink'), command: t('linkChoices.freshLinkCommand', { id }) }] : []),
    // Last: it cannot be undone (the command asks to confirm first).
    ...(viewerActsAsSponsor && granted ? [{ title: t('endAccess.button'), command: t('endAccess.command', { id }) }] : []),
  ];
}

export function guestListCard(view: GuestListCardView): AdaptiveCardJson {
  const t = translatorFor(view.locale);
  const when = (iso: string) => formatDate(iso, view.locale, view.now);
  const guests = view.guests.map((guest) => {
    const { request, viewerActsAsSponsor } = guest;
    const name = request.existingGuest?.displayName;
    const address = plainText(request.guestEmail);
    const facts = [
      { title: t('approvalCard.requestId'), value: request.requestId },
      // A resource removed from the catalog since is shown by its id.
      {
        title: t('approvalCard.resources'),
        value: request.resourceIds.map((id) => plainText(view.catalog.resources.find((r) => r.id === id)?.name ?? id)).join(', '),
      },
      ...(request.endsAt ? [{ title: t('guestList.until'), value: when(request.endsAt) }] : []),
      ...(request.lastSignInAt ? [{ title: t('guestList.lastSignIn'), value: when(request.lastSignInAt) }] : []),
      // The other one who answers for the guest: the requester to the sponsor, the sponsor to the requester.
      viewerActsAsSponsor
        ? { title: t('approvalCard.requester'), value: plainText(request.requester.displayName) }
        : { title: t('approvalCard.sponsor'), value: plainText(request.sponsor.displayName) },
    ];
    return {
      who: name ? `${plainText(name)} (${address})` : address,
      state: t(`status.state.${request.state}`, { sponsor: plainText(request.sponsor.displayName) }),
      stateColor: STATE_COLORS[request.state] ?? 'Default',
      facts,
      actions: guestButtons(t, guest),
    };
  });
  const to = view.from + view.guests.length - 1;
  const left = view.total - to;
  const nextCommand = t('guestList.pageCommand', { page: view.page + 1 });
  return expandCard(template, {
    title: t('guestList.title'),
    intro: t('guestList.intro', { from: view.from, to, total: view.total }),
    guests,
    more: left > 0 ? t('guestList.more', { count: left, command: nextCommand }) : '',
    next: left > 0 ? [{ title: t('guestList.next', { count: Math.min(left, view.guests.length) }), command: nextCommand }] : [],
  }) as AdaptiveCardJson;
}

export function guestListCardAttachment(view: GuestListCardView): Attachment {
  return CardFactory.adaptiveCard(guestListCard(view));
}
