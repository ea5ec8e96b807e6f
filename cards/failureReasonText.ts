/**
 * Why an approved request could not be completed, said to people: the same sentence for the
 * requester's notice, the sponsor's notice and the sponsor's card.
 */
import type { Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { FailureReason } from '../src/requests/failureReason';
import { domainOf } from '../src/requests/domains';

/** A plain sentence ending in a full stop, in `t`'s language. */
export function failureReasonText(t: Translate, request: Pick<AccessRequest, 'failureReason' | 'guestEmail'>, escape: (text: string) => string): string {
  const reason = (request.failureReason ?? 'unavailable') as FailureReason;
  return t(`notify.failureReason.${reason}`, { domain: escape(domainOf(request.guestEmail)), guest: escape(request.guestEmail) });
}
