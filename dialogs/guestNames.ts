/**
 * How the guests of a request are named in a sentence: their addresses as a list in the reader's
 * language (`kim@fabrikam.com, jo@fabrikam.com and lee@fabrikam.com`), or each with where they
 * stand (`kim@fabrikam.com (accepted), jo@fabrikam.com (invited, not accepted yet)`). What people
 * typed is shown through plainText.
 */
import { plainText } from '../cards/plainText';
import { languageOf, type Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';

export function guestAddresses(locale: string | undefined, guests: ReadonlyArray<Pick<AccessRequest, 'guestEmail'>>): string {
  return new Intl.ListFormat(languageOf(locale), { style: 'long', type: 'conjunction' }).format(guests.map((guest) => plainText(guest.guestEmail)));
}

export function guestsWithStates(t: Translate, guests: ReadonlyArray<Pick<AccessRequest, 'guestEmail' | 'state'>>): string {
  return guests
    .map((guest) => t('severalGuests.guestWithState', { guest: plainText(guest.guestEmail), state: t(`severalGuests.state.${guest.state}`) }))
    .join(', ');
}
