/**
 * The checks that run inside the dialog, before any sponsor is asked: who may be invited and
 * who may sponsor. Pure rules plus lookups through the Directory port.
 */
import { z } from 'zod';
import type { Directory, DirectoryUser } from '../directory/directory';
import type { AccessRequest, ExistingGuest } from './accessRequest';
import { domainMatches, domainOf } from './domains';
import type { TenantPolicy, TenantPolicyProblem } from './tenantPolicy';

export interface GuestPolicy {
  /** When not empty, only these domains (and their subdomains) may be invited. */
  allowedDomains: readonly string[];
  /** Never invited, whatever the allow list says. */
  blockedDomains: readonly string[];
  /** The organization's own domains: their people are members, not guests. */
  internalDomains: readonly string[];
}

/** Why an address may not be invited: the bot's own rules, then the tenant's external-collaboration settings. */
export type GuestPolicyProblem = 'invalidAddress' | 'domainNotAllowed' | 'domainBlocked' | 'internalDomain' | TenantPolicyProblem;

/** What the address and the domain lists alone say. */
type AddressCheck = { ok: true; email: string } | { ok: false; email: string; problem: GuestPolicyProblem };

export type GuestCheck =
  | { ok: true; email: string; existingGuest?: DirectoryUser }
  | { ok: false; email: string; problem: GuestPolicyProblem }
  | { ok: false; email: string; problem: 'alreadyMember'; member: DirectoryUser };

export type SponsorCheck = { ok: true; sponsor: DirectoryUser } | { ok: false; problem: 'notFound' | 'notMember' | 'isRequester' | 'disabled' };

const emailSchema = z.email();

export function normalizeAddress(text: string): string {
  return text
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
}

/** The checks that need no directory: the address itself and the domain lists. */
export function checkGuestAddress(text: string, policy: GuestPolicy): AddressCheck {
  const email = normalizeAddress(text);
  if (!emailSchema.safeParse(email).success) return { ok: false, email, problem: 'invalidAddress' };
  const domain = domainOf(email);
  if (policy.internalDomains.some((d) => domainMatches(domain, d))) return { ok: false, email, problem: 'internalDomain' };
  if (policy.blockedDomains.some((d) => domainMatches(domain, d))) return { ok: false, email, problem: 'domainBlocked' };
  if (policy.allowedDomains.length > 0 && !policy.allowedDomains.some((d) => domainMatches(domain, d))) {
    return { ok: false, email, problem: 'domainNotAllowed' };
  }
  return { ok: true, email };
}

/**
 * The address rules once more for a request filed earlier, with today's settings: before it is
 * filed again, and before its access is extended. The requester's own domain counts as internal,
 * as it did when they filed it.
 */
export function checkGuestAgain(request: Pick<AccessRequest, 'guestEmail' | 'requester'>, policy: GuestPolicy): AddressCheck {
  return checkGuestAddress(request.guestEmail, { ...policy, internalDomains: [...policy.internalDomains, domainOf(request.requester.address)] });
}

/**
 * All guest checks: the address and the bot's own lists, whether the directory already knows it,
 * then the tenant's own settings (kept readings) for anyone who still needs an invitation: a guest
 * who has accepted is not invited again, and Entra's lists do not apply to them.
 */
export async function checkGuest(text: string, policy: GuestPolicy, directory: Directory, tenantPolicy: Pick<TenantPolicy, 'check'>): Promise<GuestCheck> {
  const local = checkGuestAddress(text, policy);
  if (!local.ok) return local;
  const existing = await directory.findUserByAddress(local.email);
  if (existing?.userType === 'Member') return { ok: false, email: local.email, problem: 'alreadyMember', member: existing };
  if (existing?.externalUserState !== 'Accepted') {
    const tenant = await tenantPolicy.check(local.email);
    if (!tenant.ok) return { ok: false, email: local.email, problem: tenant.problem };
  }
  return existing ? { ok: true, email: local.email, existingGuest: existing } : local;
}

/** A sponsor must be a member of the organization who may sign in, and someone other than the requester. */
export function checkSponsor(candidate: DirectoryUser | undefined, requesterId: string): SponsorCheck {
  if (!candidate) return { ok: false, problem: 'notFound' };
  if (candidate.userType !== 'Member') return { ok: false, problem: 'notMember' };
  if (candidate.id === requesterId) return { ok: false, problem: 'isRequester' };
  if (candidate.accountEnabled === false) return { ok: false, problem: 'disabled' };
  return { ok: true, sponsor: candidate };
}

/**
 * An address that is already a guest, as the sponsor is shown it: its directory name only when it
 * says more than the address (Graph names an invited guest after the address's local part).
 */
export function existingGuestOf(user: DirectoryUser, email: string): ExistingGuest {
  const localPart = email.split('@')[0]?.toLowerCase();
  const name = user.displayName.trim();
  return {
    ...(name && name.toLowerCase() !== localPart && name.toLowerCase() !== email.toLowerCase() ? { displayName: name } : {}),
    state: user.externalUserState === 'Accepted' ? 'Accepted' : 'PendingAcceptance',
    ...(user.externalUserStateChangedAt ? { since: user.externalUserStateChangedAt } : {}),
  };
}
