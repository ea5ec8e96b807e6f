/**
 * PLACEHOLDERS until issue 24 part 1 lands on main (src/requests/guestAddresses.ts,
 * src/useCases/checkGuests.ts, the request dialog's RequestDraft): deleted at the merge.
 */
import type { Directory } from '../../directory/directory';
import type { ExistingGuest } from '../../requests/accessRequest';
import { checkGuest, existingGuestOf, type GuestPolicy, type GuestPolicyProblem } from '../../requests/policy';
import type { TenantPolicy } from '../../requests/tenantPolicy';

export const MAX_GUESTS_PER_REQUEST = 20;

export function addressesIn(text: string): string[] {
  const found = text.match(/[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}/gi) ?? [];
  return [...new Set(found.map((address) => address.toLowerCase()))];
}

export interface RequestDraft {
  guests: Array<{ email: string; existingGuest?: ExistingGuest }>;
  resourceIds: string[];
  accessDays: number;
  justification: string;
  sponsorId: string;
}

export interface CheckedGuests {
  taken: Array<{ email: string; existingGuest?: ExistingGuest }>;
  refused: Array<{ email: string; problem: GuestPolicyProblem | 'alreadyMember' }>;
}

export async function checkGuests(
  deps: { directory: Directory; guestPolicy: GuestPolicy; tenantPolicy: Pick<TenantPolicy, 'check'> },
  text: string,
  requesterDomains: readonly string[],
): Promise<CheckedGuests> {
  const policy = { ...deps.guestPolicy, internalDomains: [...deps.guestPolicy.internalDomains, ...requesterDomains] };
  const checks = await Promise.all(addressesIn(text).map((address) => checkGuest(address, policy, deps.directory, deps.tenantPolicy)));
  return {
    taken: checks.flatMap((c) => (c.ok ? [{ email: c.email, ...(c.existingGuest ? { existingGuest: existingGuestOf(c.existingGuest, c.email) } : {}) }] : [])),
    refused: checks.flatMap((c) => (c.ok ? [] : [{ email: c.email, problem: c.problem }])),
  };
}
