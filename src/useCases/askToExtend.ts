/**
 * `extend GA-…` (the **Extend** button of the `guests` list): the sponsor asks for the choice
 * to extend a guest's access now, rather than waiting for the offer that comes
 * ACCESS_EXTENSION_NOTICE_DAYS before the end (approvals/offerExtension). It is the same offer:
 * recorded for the current end date, answered on the same card with the same check
 * (useCases/answerExtension), held to today's settings. Nothing is extended here: the sponsor
 * sees what extending would give (or why it cannot) and answers on the card, as a confirmation.
 *
 * An offer already made for this end date (open, waiting for owners, or answered) is shown as it
 * stands rather than made again: of two cards for one offer, one answer counts. The requester is
 * told only the sponsor can extend; anyone else hears of no such request (ids are quoted in chats).
 */
import { askerOf, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import type { RequestState } from '../requests/lifecycle';
import type { RequestRepository } from '../requests/requestRepository';

interface ExtendAskDependencies {
  requests: RequestRepository;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
  clock: () => Date;
}

/** Only access that is given can be extended: the offer to extend is made for these, as by offerExtension. */
const GRANTED: readonly RequestState[] = ['invited', 'accepted'];

export type ExtendAsk =
  | { outcome: 'notFound' }
  | { outcome: 'sponsorOnly'; request: AccessRequest }
  /** Not given (yet, or any more), or its end has come: nothing to extend. */
  | { outcome: 'notGranted'; request: AccessRequest }
  /** The offer for the current end date, to show: `offeredFor` is its end date. */
  | { outcome: 'offered'; request: AccessRequest; offeredFor: string };

export async function askToExtend(deps: ExtendAskDependencies, requestId: string, someone: Someone, displayName: string): Promise<ExtendAsk> {
  // Twice at most: a change in between (another click, the offer's job) is read again once.
  for (let attempt = 0; ; attempt++) {
    const request = await deps.requests.get(requestId);
    const asker = request && askerOf(someone, displayName, request, deps.localTestsAllowed);
    if (!request || !asker) return { outcome: 'notFound' };
    if (!asker.actsAsSponsor) return { outcome: 'sponsorOnly', request };
    const { endsAt } = request;
    // The end has come (its job may not have run yet): answerExtension would refuse it too.
    if (!GRANTED.includes(request.state) || !endsAt || Date.parse(endsAt) <= deps.clock().getTime()) return { outcome: 'notGranted', request };
    if (request.extensionOffer?.for === endsAt) return { outcome: 'offered', request, offeredFor: endsAt };
    const offered = await deps.requests.changeIf({
      id: request.id,
      states: GRANTED,
      onlyWhile: [{ field: 'endsAt', equals: endsAt }],
      patch: { extensionOffer: { for: endsAt } },
      actor: asker.actor,
      action: 'extensionOffered',
      detail: { endsAt, by: 'sponsor' },
    });
    if (offered) return { outcome: 'offered', request: offered, offeredFor: endsAt };
    if (attempt > 0) return { outcome: 'notGranted', request: (await deps.requests.get(requestId)) ?? request };
  }
}
