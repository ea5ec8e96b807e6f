/**
 * The lists a person asks for: the requests they filed (`status`), what waits on their decision
 * (`pending`): approvals as a sponsor, then owner stages as a resource's approver; and the guests
 * they answer for (`guests`), as sponsor or requester. Each is one page, because a card is limited
 * in size: `status` and `pending` count the rest, `guests` is read page by page. Only the person's
 * own lists: who they are comes from the activity.
 */
import { actsAsSponsor, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import type { RequestState } from '../requests/lifecycle';
import type { ApprovalStage } from '../requests/approvalStage';
import type { RequestRepository } from '../requests/requestRepository';

/** A card is limited in size: this many requests on one, the rest counted. */
const PAGE = 10;

type OwnRequests =
  | { outcome: 'none' }
  | {
      outcome: 'listed';
      /** Each request as its guests, in order: one for most. */
      requests: AccessRequest[][];
      /** Filed before the page's, not shown. */
      older: number;
    };

type AwaitingDecision =
  | { outcome: 'none' }
  | {
      outcome: 'listed';
      approvals: AccessRequest[];
      stages: Array<{ request: AccessRequest; stage: ApprovalStage }>;
      /** Approvals after the page's, not shown. */
      more: number;
    };

export async function listOwnRequests(requests: RequestRepository, someone: Pick<Someone, 'userId'>): Promise<OwnRequests> {
  const filed = someone.userId ? await requests.requestsFiledBy(someone.userId, PAGE) : { requests: [], total: 0 };
  if (filed.requests.length === 0) return { outcome: 'none' };
  return { outcome: 'listed', requests: filed.requests, older: filed.total - filed.requests.length };
}

export async function listAwaitingDecision(requests: RequestRepository, someone: Pick<Someone, 'userId'>): Promise<AwaitingDecision> {
  const { userId } = someone;
  // A request for several guests is one approval, decided on one card.
  const approvals = userId ? await requests.requestsAwaitingDecisionBy(userId, PAGE) : { requests: [], total: 0 };
  // As a resource owner too: the stages waiting for them fill what the sponsor's approvals leave of the page.
  const stages = userId && approvals.requests.length < PAGE ? await requests.stagesOfRequestsAwaitingDecisionBy(userId, PAGE - approvals.requests.length) : [];
  if (approvals.requests.length + stages.length === 0) return { outcome: 'none' };
  return { outcome: 'listed', approvals: approvals.requests, stages, more: approvals.total - approvals.requests.length };
}

/**
 * A guest's access that is active or on its way: approved (the invitation is being made, seconds
 * as a rule, longer when Graph is retried: the sponsor answers for it already, and it would
 * otherwise vanish from the list and come back), invited (waiting to accept) or accepted. Not the
 * undecided (that is `pending`), nor what ended, failed or was never given.
 */
export const GUEST_LIST_STATES: readonly RequestState[] = ['approved', 'invited', 'accepted'];

/**
 * A guest on the list, whether the one looking answers for them as sponsor (roles.actsAsSponsor):
 * the buttons that may apply; and whether their request asks for other guests too, so that a
 * button names this one.
 */
export interface ListedGuest {
  request: AccessRequest;
  viewerActsAsSponsor: boolean;
  severalGuests: boolean;
}

type GuestList =
  | { outcome: 'none' }
  /** Asked for a page after the last: how many guests there are, on how many pages. */
  | { outcome: 'noSuchPage'; total: number; pages: number }
  | { outcome: 'listed'; guests: ListedGuest[]; page: number; pages: number; total: number; /** The 1-based position of the page's first. */ from: number };

/**
 * Page `page` (from 1) of the guests someone sponsors or asked for, soonest end first. What each
 * button may do is decided again when it is clicked: the list only leaves out what cannot apply.
 */
export async function listGuests(deps: { requests: RequestRepository; localTestsAllowed: boolean }, someone: Someone, page = 1): Promise<GuestList> {
  const offset = (page - 1) * PAGE;
  const { userId } = someone;
  const found = userId ? await deps.requests.guestsOf(userId, GUEST_LIST_STATES, { offset, limit: PAGE }) : { requests: [], total: 0 };
  const pages = Math.ceil(found.total / PAGE);
  if (found.total === 0) return { outcome: 'none' };
  if (found.requests.length === 0) return { outcome: 'noSuchPage', total: found.total, pages };
  const counts = await deps.requests.guestCounts([...new Set(found.requests.map((request) => request.requestId))]);
  const guests = found.requests.map((request) => ({
    request,
    viewerActsAsSponsor: actsAsSponsor(someone, request, deps.localTestsAllowed),
    severalGuests: (counts.get(request.requestId) ?? 1) > 1,
  }));
  return { outcome: 'listed', guests, page, pages, total: found.total, from: offset + 1 };
}
