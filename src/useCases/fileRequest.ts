/**
 * Filing a request, the one way it happens: from the request dialog, from `request again`, and in
 * the tests. The requester's open-request limit is checked at the moment of filing (others may
 * have been filed elsewhere while a dialog was being answered), the end date is counted from that
 * moment (the date the requester and the sponsor are shown is the date that holds), and the
 * repository stores it with the work that follows (requests/followUp.ts). What happened is
 * returned; the caller says it, in the person's language.
 */
import type { AccessRequest, Actor, NewAccessRequest } from '../requests/accessRequest';
import type { RequestRepository } from '../requests/requestRepository';
import { endDateAfter, type TimerSettings } from '../requests/timers';

interface FilingDependencies {
  requests: RequestRepository;
  /** MAX_OPEN_REQUESTS: how many requests one person may have waiting for a decision. */
  maxOpenRequests: number;
  timing: Pick<TimerSettings, 'dayMs'>;
  clock: () => Date;
}

export type Filing = { outcome: 'filed'; request: AccessRequest } | { outcome: 'tooManyOpen'; open: AccessRequest[] };

/**
 * The requester's requests waiting for a decision, one guest's row each, when they are as many as
 * allowed; else undefined. A request for several guests is one request: its guests wait together.
 */
export async function openRequestsAtLimit(
  deps: Pick<FilingDependencies, 'requests' | 'maxOpenRequests'>,
  requesterId: string,
): Promise<AccessRequest[] | undefined> {
  const seen = new Set<string>();
  const open = (await deps.requests.awaitingDecisionFiledBy(requesterId)).filter((row) => !seen.has(row.requestId) && seen.add(row.requestId));
  return open.length >= deps.maxOpenRequests ? open : undefined;
}

export async function fileRequest(
  deps: FilingDependencies,
  draft: Omit<NewAccessRequest, 'endsAt'> & { accessDays: number },
  actor: Extract<Actor, { kind: 'user' }>,
): Promise<Filing> {
  const open = await openRequestsAtLimit(deps, draft.requester.id);
  if (open) return { outcome: 'tooManyOpen', open };
  const request = await deps.requests.create({ ...draft, endsAt: endDateAfter(draft.accessDays, deps.clock(), deps.timing) }, actor);
  return { outcome: 'filed', request };
}
