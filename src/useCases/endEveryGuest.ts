/**
 * `end GA-…` on a request for several guests, no guest named: the sponsor ends the access of every
 * guest of it who has access now (invited or accepted), each as `end GA-… kim@…` would
 * (useCases/askAsSponsor: the same checks, the same job, audited under their name): from the
 * approval on each guest goes their own way, so each is ended on their own row, and one who stopped
 * having access meanwhile is simply not ended again. A guest who never had access, or whose access
 * is over, is left as they are. The requester is told they cannot; anyone else hears of no such
 * request.
 *
 * As with askAsSponsor, checking and recording are two steps: the caller asks the sponsor to
 * confirm in between, and says "queued" before recording.
 */
import type { Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { requestIdOfRow } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { askAsSponsor } from './askAsSponsor';

interface EndEveryGuestDependencies {
  requests: RequestRepository;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
  clock: () => Date;
}

/** After the asks are recorded: the guests whose end is queued, and those whose access stopped in the moment between. */
interface RecordedEnds {
  ended: AccessRequest[];
  notGranted: AccessRequest[];
}

/** Each outcome but `notFound` carries every guest of the request, in order, as they stood when checked. */
export type EveryGuestEnd =
  | { outcome: 'notFound' }
  | { outcome: 'sponsorOnly'; guests: AccessRequest[] }
  /** No guest of it has access to end. */
  | { outcome: 'noneGranted'; guests: AccessRequest[] }
  /** `granted`: the guests whose access would end. */
  | { outcome: 'mayAsk'; guests: AccessRequest[]; granted: AccessRequest[]; record(): Promise<RecordedEnds> };

export async function askToEndEveryGuest(deps: EndEveryGuestDependencies, requestId: string, someone: Someone, displayName: string): Promise<EveryGuestEnd> {
  const guests = await deps.requests.guestsOfRequest(requestIdOfRow(requestId));
  const asks = await Promise.all(guests.map((guest) => askAsSponsor(deps, 'endAccess', guest.id, someone, displayName)));
  // Every guest of a request has the same requester and sponsor: the first answers for them all.
  const [first] = asks;
  if (!first || first.outcome === 'notFound') return { outcome: 'notFound' };
  if (first.outcome === 'sponsorOnly') return { outcome: 'sponsorOnly', guests };
  const mayAsk = asks.flatMap((ask) => (ask.outcome === 'mayAsk' ? [ask] : []));
  if (mayAsk.length === 0) return { outcome: 'noneGranted', guests };
  return {
    outcome: 'mayAsk',
    guests,
    granted: mayAsk.map((ask) => ask.request),
    async record() {
      const recorded: RecordedEnds = { ended: [], notGranted: [] };
      for (const ask of mayAsk) {
        const outcome = await ask.record();
        if (outcome.outcome === 'asked') recorded.ended.push(ask.request);
        else recorded.notGranted.push(outcome.request);
      }
      return recorded;
    },
  };
}
