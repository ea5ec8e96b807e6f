/**
 * The answer to a per-guest command that does not say which guest of a request for several it is
 * for (useCases/findGuest): the request's guests, each with where they stand, how to name one, and
 * a button for each guest the command may apply to, which types the command with their address.
 * An address that is no guest of the request gets its own sentence, with the same list.
 */
import type { TurnContext } from 'botbuilder';
import { type CommandButton, commandCardAttachment } from '../cards/commandCard';
import { guestTarget } from '../cards/guestTarget';
import { plainText } from '../cards/plainText';
import { guestsWithStates } from './guestNames';
import { translatorFor } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { RequestState } from '../src/requests/lifecycle';
import type { FoundGuest } from '../src/useCases/findGuest';

/** The commands that act on one guest, and the one that may act on a single guest of several. */
export type PerGuestCommand = 'link' | 'email' | 'reset' | 'end' | 'extend' | 'request';

type CommandText =
  | 'linkChoices.freshLinkCommand'
  | 'linkChoices.emailCommand'
  | 'linkChoices.resetCommand'
  | 'endAccess.command'
  | 'guestList.extendCommand'
  | 'requestAgain.command';

/** How each is typed (the texts take the target as `id`), and for whom a button makes sense now: the command checks again on the click. */
const COMMANDS: Record<PerGuestCommand, { text: CommandText; appliesTo: readonly RequestState[] }> = {
  link: { text: 'linkChoices.freshLinkCommand', appliesTo: ['invited'] },
  email: { text: 'linkChoices.emailCommand', appliesTo: ['invited'] },
  reset: { text: 'linkChoices.resetCommand', appliesTo: ['invited', 'accepted'] },
  end: { text: 'endAccess.command', appliesTo: ['invited', 'accepted'] },
  extend: { text: 'guestList.extendCommand', appliesTo: ['invited', 'accepted'] },
  request: { text: 'requestAgain.command', appliesTo: ['expired', 'cancelled', 'withdrawn'] },
};

export async function sayWhichGuest(
  context: TurnContext,
  found: Extract<FoundGuest, { outcome: 'whichGuest' | 'notAGuest' }>,
  command: PerGuestCommand,
): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const { guests } = found;
  const { requestId } = guests[0];
  const { text, appliesTo } = COMMANDS[command];
  const typed = (guest: AccessRequest) => t(text, { id: guestTarget(guest, true) });
  const candidates = guests.filter((guest) => appliesTo.includes(guest.state));
  const buttons: CommandButton[] = candidates.map((guest) => ({ title: guest.guestEmail, command: typed(guest) }));
  const names = { id: requestId, count: guests.length, guests: guestsWithStates(t, guests) };
  const how =
    candidates.length > 0 ? t('severalGuests.nameOne', { command: plainText(typed(candidates[0])) }) : t('severalGuests.noneApplies', { count: guests.length });
  const what =
    found.outcome === 'notAGuest' ? t('severalGuests.notAGuest', { ...names, address: plainText(found.address) }) : t('severalGuests.whichGuest', names);
  await context.sendActivity(buttons.length > 0 ? { attachments: [commandCardAttachment(`${what} ${how}`, buttons)] } : `${what} ${how}`);
}
