/**
 * How a command that names a request is read: `cancel GA-7K3QZP`, `new link GA-7K3QZP`,
 * `request again GA-7K3QZP`, `quitar acceso GA-7K3QZP`. Only the first few words are read, so a
 * long message is never split whole. One guest of a request for several is named by the address
 * after the id (`link GA-7K3QZP kim@fabrikam.com`) or by their row's id (`link GA-7K3QZP-2`).
 */
import { type CommandName, commandOf } from '../src/i18n';
import { addressesIn } from '../src/requests/guestAddresses';
import { isGuestRowId } from '../src/requests/requestId';

/** The words a command that names a request is read in (`solicitar de nuevo GA-…` has four). */
const COMMAND_WORDS_WITH_ID = 8;

/**
 * The first word after the command that is a request id, or a guest's row id (any case), or
 * undefined when the text names no request.
 */
export function requestIdIn(text: string): string | undefined {
  return words(text)
    .slice(1)
    .map((word) => word.toUpperCase())
    .find(isGuestRowId);
}

/** The address typed right after the id (`link GA-7K3QZP kim@fabrikam.com`), lowercased; undefined when none is. */
export function guestAddressIn(text: string, requestId: string): string | undefined {
  const all = words(text);
  const at = all.findIndex((word) => word.toUpperCase() === requestId);
  const after = at < 0 ? undefined : all[at + 1];
  return after?.includes('@') ? addressesIn(after)[0] : undefined;
}

/**
 * Which of `names` the words before the id say: all of them (`new link`, `quitar acceso`), else
 * the first (`request again`, `solicitar de nuevo`: the request command, on a request named).
 */
export function commandNamingRequest(text: string, requestId: string, names: readonly CommandName[]): CommandName | undefined {
  const all = words(text);
  const before = all.slice(
    0,
    all.findIndex((word) => word.toUpperCase() === requestId),
  );
  return commandOf(before.join(' '), names) ?? commandOf(before[0], names);
}

function words(text: string): string[] {
  return text.trim().split(/\s+/, COMMAND_WORDS_WITH_ID);
}
