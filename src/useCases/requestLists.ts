/**
 * The two lists a person asks for: the requests they filed (`status`), and what waits on their
 * decision (`pending`): approvals as a sponsor, then owner stages as a resource's approver. Each
 * is one page, because a card is limited in size; the rest is counted, not shown. Only the
 * person's own lists: who they are comes from the activity.
 */
import type { Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import type { ApprovalStage } from '../requests/approvalStage';
import type { RequestRepository } from '../requests/requestRepository';

/** A card is limited in size: this many requests on one, the rest counted. */
const PAGE = 10;

type OwnRequests = { outcome: 'none' } | { outcome: 'listed'; requests: AccessRequest[]; /** Filed before the page's, not shown. */ older: number };

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
  const filed = someone.userId ? await requests.filedBy(someone.userId, PAGE) : { requests: [], total: 0 };
  if (filed.requests.length === 0) return { outcome: 'none' };
  return { outcome: 'listed', requests: filed.requests, older: filed.total - filed.requests.length };
}

export async function listAwaitingDecision(requests: RequestRepository, someone: Pick<Someone, 'userId'>): Promise<AwaitingDecision> {
  const { userId } = someone;
  const approvals = userId ? await requests.awaitingDecisionBy(userId, PAGE) : { requests: [], total: 0 };
  // As a resource owner too: the stages waiting for them fill what the sponsor's approvals leave of the page.
  const stages = userId && approvals.requests.length < PAGE ? await requests.stagesAwaitingDecisionBy(userId, PAGE - approvals.requests.length) : [];
  if (approvals.requests.length + stages.length === 0) return { outcome: 'none' };
  return { outcome: 'listed', approvals: approvals.requests, stages, more: approvals.total - approvals.requests.length };
}
