/**
 * Why an approved request could not be completed, as stored on the request (said to people by
 * cards/failureReasonText.ts).
 */
import type { GuestPolicyProblem } from './policy';

export type FailureReason = 'rejectedByDirectory' | 'resourceMissing' | 'grantsFailed' | 'unavailable' | GuestPolicyProblem;

const GUEST_POLICY_PROBLEMS: readonly string[] = [
  'invalidAddress',
  'domainNotAllowed',
  'domainBlocked',
  'internalDomain',
  'tenantBlocksDomain',
  'tenantBlocksOrganization',
] satisfies GuestPolicyProblem[];

/** The guest policy changed between the request and its provisioning. */
export function isGuestPolicyFailure(reason: string | undefined): reason is GuestPolicyProblem {
  return reason !== undefined && GUEST_POLICY_PROBLEMS.includes(reason);
}
