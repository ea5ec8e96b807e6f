/**
 * How a typed command (or a button that types it) names one guest: by the request's id, and the
 * guest's address when the request asks for several (`link GA-7K3QZP kim@fabrikam.com`), since
 * there the request's id alone names every guest of it; by the id alone otherwise, so a one-guest
 * request's commands are as they always were. The command texts take it as their `id`.
 */
import type { AccessRequest } from '../src/requests/accessRequest';

export function guestTarget(guest: Pick<AccessRequest, 'requestId' | 'guestEmail'>, severalGuests: boolean): string {
  return severalGuests ? `${guest.requestId} ${guest.guestEmail}` : guest.requestId;
}
