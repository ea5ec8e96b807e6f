/**
 * Which guest a per-guest command names (`link`, `email`, `reset`, `end`, `extend`, and one guest
 * of `request again`): the request's id alone names its only guest; for a request with several, the
 * address typed after the id (`link GA-7K3QZP kim@fabrikam.com`) or the guest's row id
 * (`GA-7K3QZP-2`, as the bot's own buttons may send it) names one. Without either, the caller hears
 * the request's guests, to name one. Someone who is neither the requester nor the sponsor hears of
 * no such request, and never its guests' addresses: ids are quoted in chats.
 */
import { askerOf, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { requestIdOfRow } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';

interface FindGuestDependencies {
  requests: RequestRepository;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
}

/** What a command typed: the request's id or a guest's row id, and the address after it, if any. */
export interface NamedGuest {
  id: string;
  address?: string;
}

export type FoundGuest =
  | { outcome: 'notFound' }
  /** The one guest named (or the request's only guest). */
  | { outcome: 'guest'; guest: AccessRequest }
  /** A request with several guests, none of them named: every guest of it, in order. */
  | { outcome: 'whichGuest'; guests: AccessRequest[] }
  /** The address named is no guest of the request (or not the guest of the row named): every guest of it, in order. */
  | { outcome: 'notAGuest'; address: string; guests: AccessRequest[] };

export async function findGuest(deps: FindGuestDependencies, named: NamedGuest, someone: Someone, displayName: string): Promise<FoundGuest> {
  const guests = await deps.requests.guestsOfRequest(requestIdOfRow(named.id));
  const [first] = guests;
  // Every guest of a request shares its requester and sponsor: asking the first is asking them all.
  if (!first || !askerOf(someone, displayName, first, deps.localTestsAllowed)) return { outcome: 'notFound' };
  const ofRow = guests.find((guest) => guest.id === named.id);
  if (!ofRow) return { outcome: 'notFound' };
  const { address } = named;
  // A row id (`GA-7K3QZP-2`) names its guest; so does the request's id for a request with one.
  const rowNamesOne = named.id !== first.requestId || guests.length === 1;
  if (address === undefined) return rowNamesOne ? { outcome: 'guest', guest: ofRow } : { outcome: 'whichGuest', guests };
  const byAddress = guests.find((guest) => guest.guestEmail.toLowerCase() === address);
  if (!byAddress || (rowNamesOne && byAddress !== ofRow)) return { outcome: 'notAGuest', address, guests };
  return { outcome: 'guest', guest: byAddress };
}
