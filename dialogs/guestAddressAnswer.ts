/**
 * What the bot says to an answer at the address question, from what the checks made of it
 * (src/useCases/checkGuests.ts): for one address, the sentence it always said; for several, one
 * reply naming those taken (an existing guest marked as such) and why each of the others is not.
 * The message extension's form says the same next to its field.
 */
import type { Translate } from '../src/i18n';
import { domainOf } from '../src/requests/domains';
import type { ExistingGuest } from '../src/requests/accessRequest';
import type { GuestsCheck, RefusedGuest, TakenGuest } from '../src/useCases/checkGuests';
import { MAX_GUESTS_PER_REQUEST } from '../src/requests/guestAddresses';
import { plainText } from '../cards/plainText';

/** The reply, and whether the question is answered (at least one address taken). */
export interface GuestAddressAnswer {
  /** Undefined when there is nothing to say: one address, taken, that was no guest before. */
  text?: string;
  taken: TakenGuest[];
}

export function guestAddressAnswer(t: Translate, check: GuestsCheck): GuestAddressAnswer {
  if (check.outcome === 'none') return { text: t('dialog.guests.none', { max: MAX_GUESTS_PER_REQUEST }), taken: [] };
  if (check.outcome === 'tooMany') return { text: t('dialog.guests.tooMany', { count: check.count, max: check.max }), taken: [] };
  const { taken, refused } = check;
  if (taken.length + refused.length === 1) return oneAddress(t, taken[0], refused[0]);
  if (taken.length === 0) {
    return { text: [t('dialog.guests.noneTaken'), ...refused.map((r) => `- ${refusedLine(t, r)}`), t('dialog.guests.typeAgain')].join('\n'), taken };
  }
  const lines = [t('dialog.guests.taken', { count: taken.length }), ...taken.map((guest) => `- ${takenLine(t, guest)}`)];
  if (refused.length > 0) lines.push('', t('dialog.guests.refused'), ...refused.map((r) => `- ${refusedLine(t, r)}`), '', t('dialog.guests.goOnWithout'));
  return { text: lines.join('\n'), taken };
}

/** One address: the sentence the question has always answered with. */
function oneAddress(t: Translate, taken: TakenGuest | undefined, refused: RefusedGuest | undefined): GuestAddressAnswer {
  if (refused) return { text: refusalSentence(t, refused), taken: [] };
  const guest = taken as TakenGuest;
  const existing = guest.existingGuest;
  if (!existing) return { taken: [guest] };
  const key = existing.state === 'Accepted' ? 'dialog.guest.existingAccepted' : 'dialog.guest.existingPending';
  return { text: t(key, { email: plainText(guest.email), known: knownAs(existing) }), taken: [guest] };
}

/** Why one address alone was refused, with what to do next. */
export function refusalSentence(t: Translate, refused: RefusedGuest): string {
  const email = plainText(refused.email);
  if (refused.problem === 'alreadyMember') return t('dialog.guest.alreadyMember', { email, name: plainText(refused.member.displayName) });
  if (refused.problem === 'invalidAddress') return t('dialog.guest.invalidAddress', { text: plainText(refused.text.trim()) });
  return t(`dialog.guest.${refused.problem}`, { email, domain: plainText(domainOf(refused.email)) });
}

function takenLine(t: Translate, guest: TakenGuest): string {
  const existing = guest.existingGuest;
  if (!existing) return plainText(guest.email);
  const key = existing.state === 'Accepted' ? 'dialog.guests.existingAccepted' : 'dialog.guests.existingPending';
  return `${plainText(guest.email)}: ${t(key, { known: knownAs(existing) })}`;
}

export function refusedLine(t: Translate, refused: RefusedGuest): string {
  const reason =
    refused.problem === 'alreadyMember'
      ? t('dialog.guests.reason.alreadyMember', { name: plainText(refused.member.displayName) })
      : t(`dialog.guests.reason.${refused.problem}`, { domain: plainText(domainOf(refused.email)) });
  return `${plainText(refused.problem === 'invalidAddress' ? refused.text : refused.email)}: ${reason}`;
}

function knownAs(existing: ExistingGuest): string {
  return existing.displayName ? ` (${plainText(existing.displayName)})` : '';
}
