/**
 * The address question's checks, for every address given at once (up to MAX_GUESTS_PER_REQUEST):
 * the request dialog and the message extension's form both ask here, so an address is taken or
 * refused for the same reasons wherever a request starts. What each address came to is returned;
 * the caller says it (dialogs/guestAddressAnswer.ts).
 */
import type { Directory } from '../directory/directory';
import type { ExistingGuest } from '../requests/accessRequest';
import { addressesIn, MAX_GUESTS_PER_REQUEST } from '../requests/guestAddresses';
import { checkGuest, existingGuestOf, type GuestCheck, type GuestPolicy } from '../requests/policy';
import type { TenantPolicy } from '../requests/tenantPolicy';

interface GuestCheckDependencies {
  directory: Directory;
  guestPolicy: GuestPolicy;
  /** The tenant's own external-collaboration settings, from readings kept a few minutes. */
  tenantPolicy: Pick<TenantPolicy, 'check'>;
}

/** An address that may be asked for, with what the directory knows of it when it is a guest already. */
export interface TakenGuest {
  email: string;
  existingGuest?: ExistingGuest;
}

/** An address that may not, as it was typed, and why. */
export type RefusedGuest = { text: string } & Extract<GuestCheck, { ok: false }>;

export type GuestsCheck =
  /** No address at all in the answer. */
  | { outcome: 'none' }
  /** More addresses than one request takes: none was checked. */
  | { outcome: 'tooMany'; count: number; max: number }
  /** Every address checked: those that may be asked for (possibly none), and the others with their reasons. */
  | { outcome: 'checked'; taken: TakenGuest[]; refused: RefusedGuest[] };

/**
 * Checks every address in `text`. The requester's own domains count as internal. The directory is
 * asked for every address at once, so several addresses cost the turn about what one does.
 */
export async function checkGuests(deps: GuestCheckDependencies, text: string, requesterDomains: readonly string[]): Promise<GuestsCheck> {
  const addresses = addressesIn(text);
  if (addresses.length === 0) return { outcome: 'none' };
  if (addresses.length > MAX_GUESTS_PER_REQUEST) return { outcome: 'tooMany', count: addresses.length, max: MAX_GUESTS_PER_REQUEST };
  const policy: GuestPolicy = { ...deps.guestPolicy, internalDomains: [...deps.guestPolicy.internalDomains, ...requesterDomains] };
  const checks = await Promise.all(addresses.map((address) => checkGuest(address, policy, deps.directory, deps.tenantPolicy)));
  const taken: TakenGuest[] = [];
  const refused: RefusedGuest[] = [];
  checks.forEach((check, index) => {
    if (check.ok) taken.push({ email: check.email, ...(check.existingGuest ? { existingGuest: existingGuestOf(check.existingGuest, check.email) } : {}) });
    else refused.push({ text: addresses[index], ...check });
  });
  return { outcome: 'checked', taken, refused };
}
