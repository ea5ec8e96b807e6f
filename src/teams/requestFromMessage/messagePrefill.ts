/**
 * What the message a person started the extension on gives the form: the partners' addresses in
 * its text, and its sender when they are from outside. Teams gives a sender as an Entra object id
 * and a name, no address: a guest of the tenant is found in the directory (their `mail` is their
 * own address); anyone the directory does not know (someone of another organization chatting
 * through external access) is named under the addresses, for the person to add if they need access.
 * Addresses of the organization's own domains are left out (colleagues need no guest access), and
 * so is whatever only looks like one: the form is a suggestion, which the person corrects, and
 * each address is checked when the form is sent.
 */
import type { MessageActionsPayload } from 'botbuilder';
import type { Directory } from '../../directory/directory';
import { addressesIn } from '../../requests/guestAddresses';
import { checkGuestAddress } from '../../requests/policy';
import { textOfMessage } from './messageText';

export interface MessagePrefill {
  /** The addresses to put in the form, in the order the message gives them, the sender's last. */
  addresses: string[];
  /** The sender's name, when they may be a partner whose address the bot cannot see. */
  unknownSender?: string;
}

/** Prose marks around an address (`kim@fabrikam.com?`) that addressesIn, made for a list, keeps as part of it. */
const PROSE_MARKS = /[?!¿¡…]/g;

const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function prefillFromMessage(
  payload: MessageActionsPayload | undefined,
  deps: { directory: Pick<Directory, 'getUser'>; internalDomains: readonly string[] },
): Promise<MessagePrefill> {
  const lists = { allowedDomains: [], blockedDomains: [], internalDomains: deps.internalDomains };
  const external = (address: string) => checkGuestAddress(address, lists).ok;
  const addresses = addressesIn(textOfMessage(payload?.body).replace(PROSE_MARKS, ' ')).filter(external);
  const sender = payload?.from?.user;
  // No person (an app or a bot wrote it), or nobody named: nothing to add or say.
  if (!sender) return { addresses };
  const name = typeof sender.displayName === 'string' ? sender.displayName.trim() : '';
  const unknown = name ? { addresses, unknownSender: name } : { addresses };
  // Only an Entra user of some tenant has an object id the directory could know.
  const inDirectory =
    (sender.userIdentityType === undefined || sender.userIdentityType === 'aadUser') && typeof sender.id === 'string' && OBJECT_ID.test(sender.id);
  if (!inDirectory) return unknown;
  const person = await deps.directory.getUser(sender.id as string);
  if (person?.userType === 'Member') return { addresses };
  const address = person?.mail?.toLowerCase();
  if (!address) return unknown;
  return { addresses: addresses.includes(address) || !external(address) ? addresses : [...addresses, address] };
}
