/**
 * The requester withdraws a request nobody has decided yet. The change is conditional, so a
 * cancel and the sponsor's click at the same moment cannot both win. Someone else's request is
 * answered like one that does not exist: ids are quoted in chats.
 *
 * A request for several guests is decided, and so cancelled, as a whole: every guest of it moves
 * together (RequestRepository.transition). Naming one of its guests (by address, or by their
 * row's id) cancels nothing: the requester is told it would cancel them all.
 */
import { isRequesterOf, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { isAwaitingDecision } from '../requests/lifecycle';
import { requestIdOfRow } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import type { NamedGuest } from './findGuest';

/** Each outcome but `notFound` carries the request's first guest, and every guest of it, in order, as they stand now. */
type Cancellation =
  | { outcome: 'notFound' }
  | { outcome: 'cancelled'; request: AccessRequest; guests: AccessRequest[] }
  | { outcome: 'tooLate'; request: AccessRequest; guests: AccessRequest[] }
  /** One guest of several was named: a request is cancelled for all its guests, or for none. */
  | { outcome: 'wholeRequestOnly'; request: AccessRequest; guests: AccessRequest[] };

export async function cancelRequest(requests: RequestRepository, named: NamedGuest, someone: Someone): Promise<Cancellation> {
  const requestId = requestIdOfRow(named.id);
  const guests = await requests.guestsOfRequest(requestId);
  const [request] = guests;
  if (!request || !guests.some((guest) => guest.id === named.id) || !someone.userId || !isRequesterOf(someone, request)) return { outcome: 'notFound' };
  if (guests.length > 1 && (named.id !== requestId || named.address !== undefined)) return { outcome: 'wholeRequestOnly', request, guests };
  const cancelled = isAwaitingDecision(request.state)
    ? await requests.transition({
        id: request.id,
        from: request.state,
        to: 'cancelled',
        actor: { kind: 'user', id: someone.userId, displayName: request.requester.displayName },
      })
    : undefined;
  const now = await requests.guestsOfRequest(requestId);
  if (cancelled) return { outcome: 'cancelled', request: cancelled, guests: now };
  return { outcome: 'tooLate', request: now[0] ?? request, guests: now };
}
