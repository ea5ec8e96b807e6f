/**
 * Why an approved request could not be completed, as stored on the request and said to people:
 * the same sentence for the requester's notice, the sponsor's notice and the sponsor's card.
 */
import type { Translate } from '../i18n';
import type { AccessRequest } from './accessRequest';
import { domainOf, type GuestPolicyProblem } from './policy';

export type FailureReason = 'rejectedByDirectory' | 'resourceMissing' | 'grantsFailed' | 'unavailable' | GuestPolicyProblem;

const GUEST_POLICY_PROBLEMS: readonly string[] = ['invalidAddress', 'domainNotAllowed', 'domainBlocked', 'internalDomain'] satisfies GuestPolicyProblem[];

/** The guest policy changed between the request and its provisioning. */
export function isGuestPolicyFailure(reason: string | undefined): reason is GuestPolicyProblem {
  return reason !== undefined && GUEST_POLICY_PROBLEMS.includes(reason);
}

/** A plain sentence ending in a full stop, in `t`'s language. */
export function failureReasonText(t: Translate, request: Pick<AccessRequest, 'failureReason' | 'guestEmail'>, escape: (text: string) => string): string {
  const reason = (request.failureReason ?? 'unavailable') as FailureReason;
  return t(`notify.failureReason.${reason}`, { domain: escape(domainOf(request.guestEmail)), guest: escape(request.guestEmail) });
}
