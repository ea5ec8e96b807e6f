/**
 * What only a sponsor may ask for a guest's access (they answer for the guest), once it is granted:
 * - `resetRedemption`: the guest must accept again (they lost the account they accepted with, or
 *   accepted with the wrong one); the reset runs as a job (access/reinviteGuest).
 * - `endAccess`: the access ends now rather than on its end date; the end runs as a job
 *   (access/endAccess).
 * The requester is told they cannot; anyone else hears of no such request (ids are quoted in
 * chats). The ask is audited under the sponsor's name.
 *
 * Checking and recording are two steps, the second a `record()` that only a passed check carries:
 * the caller asks the sponsor to confirm in between, checks again on the answer (the request may
 * have moved on meanwhile), and says "queued" before recording, because the job may answer within
 * milliseconds and its answer must come second.
 */
import { askerOf, type Someone } from '../approvals/roles';
import type { AccessRequest, Actor } from '../requests/accessRequest';
import type { RequestState } from '../requests/lifecycle';
import type { RequestRepository } from '../requests/requestRepository';

interface SponsorAskDependencies {
  requests: RequestRepository;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
  clock: () => Date;
}

export type SponsorOnlyAction = 'resetRedemption' | 'endAccess';

/** A guest who is invited or has accepted has access to reset or end. */
const GRANTED: readonly RequestState[] = ['invited', 'accepted'];

/** After the ask is recorded: its job is queued, or the access stopped being granted in the moment between. */
type RecordedSponsorAsk = { outcome: 'asked' } | { outcome: 'notGranted'; request: AccessRequest };

export type SponsorAsk =
  | { outcome: 'notFound' }
  | { outcome: 'sponsorOnly'; request: AccessRequest }
  | { outcome: 'notGranted'; request: AccessRequest }
  | { outcome: 'mayAsk'; request: AccessRequest; record(): Promise<RecordedSponsorAsk> };

/** Records each ask with its job while the request is still granted; undefined when it no longer is. */
const RECORD: Record<SponsorOnlyAction, (deps: SponsorAskDependencies, request: AccessRequest, actor: Actor) => Promise<AccessRequest | undefined>> = {
  resetRedemption: ({ requests }, request, actor) =>
    requests.recordAsk({
      id: request.id,
      states: GRANTED,
      actor,
      action: 'redemptionResetAsked',
      jobs: [{ kind: 'resetRedemption', requestId: request.id, notice: 'sponsor' }],
    }),
  // The end date becomes now, so the end of access runs as it would have on its date.
  endAccess: ({ requests, clock }, request, actor) =>
    requests.changeIf({
      id: request.id,
      states: GRANTED,
      patch: { endsAt: clock().toISOString(), endReason: 'sponsor' },
      actor,
      action: 'endAccessAsked',
      detail: { endsAtBefore: request.endsAt },
      jobs: [{ kind: 'endAccess', requestId: request.id }],
    }),
};

export async function askAsSponsor(
  deps: SponsorAskDependencies,
  action: SponsorOnlyAction,
  requestId: string,
  someone: Someone,
  displayName: string,
): Promise<SponsorAsk> {
  const request = await deps.requests.get(requestId);
  const asker = request && askerOf(someone, displayName, request, deps.localTestsAllowed);
  if (!request || !asker) return { outcome: 'notFound' };
  if (!asker.actsAsSponsor) return { outcome: 'sponsorOnly', request };
  if (!GRANTED.includes(request.state)) return { outcome: 'notGranted', request };
  return {
    outcome: 'mayAsk',
    request,
    async record() {
      if (await RECORD[action](deps, request, asker.actor)) return { outcome: 'asked' };
      return { outcome: 'notGranted', request: (await deps.requests.get(request.id)) ?? request };
    },
  };
}
