/**
 * The requester withdraws a request nobody has decided yet. The change is conditional, so a
 * cancel and the sponsor's click at the same moment cannot both win. Someone else's request is
 * answered like one that does not exist: ids are quoted in chats.
 */
import { isRequesterOf, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { isAwaitingDecision } from '../requests/lifecycle';
import type { RequestRepository } from '../requests/requestRepository';

type Cancellation = { outcome: 'cancelled'; request: AccessRequest } | { outcome: 'notFound' } | { outcome: 'tooLate'; request: AccessRequest };

export async function cancelRequest(requests: RequestRepository, requestId: string, someone: Someone): Promise<Cancellation> {
  const request = await requests.get(requestId);
  if (!request || !someone.userId || !isRequesterOf(someone, request)) return { outcome: 'notFound' };
  const cancelled = isAwaitingDecision(request.state)
    ? await requests.transition({
        id: request.id,
        from: request.state,
        to: 'cancelled',
        actor: { kind: 'user', id: someone.userId, displayName: request.requester.displayName },
      })
    : undefined;
  if (cancelled) return { outcome: 'cancelled', request: cancelled };
  return { outcome: 'tooLate', request: (await requests.get(request.id)) ?? request };
}
