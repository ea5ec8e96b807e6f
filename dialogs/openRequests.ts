import type { Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';

/** MAX_OPEN_REQUESTS reached: how many wait for a decision, with their ids, so the person can cancel one. */
export function openRequestsText(t: Translate, open: readonly AccessRequest[]): string {
  return t('limits.openRequests', { count: open.length, ids: open.map((r) => r.requestId).join(', ') });
}
