/**
 * Work that follows a change of a request, written as job rows in the same transaction as the
 * change (a transactional outbox) and run later by the provisioning worker.
 */

export const JOB_KINDS = ['deliverApprovalCard', 'provisionGuest', 'notifyRequester', 'updateApprovalCard'] as const;

export type JobKind = (typeof JOB_KINDS)[number];

/** What the requester is told by a `notifyRequester` job. */
export type RequesterNotice = 'invited' | 'rejected' | 'failed' | 'sponsorUnreachable';

export type NewJob =
  | { kind: 'deliverApprovalCard'; requestId: string }
  | { kind: 'provisionGuest'; requestId: string }
  | { kind: 'notifyRequester'; requestId: string; notice: RequesterNotice }
  | { kind: 'updateApprovalCard'; requestId: string };

export interface Job {
  id: number;
  kind: JobKind;
  requestId: string;
  notice?: RequesterNotice;
  /** Counts this run: 1 on the first. */
  attempts: number;
}

/** A job for a request that does not have its id yet (see RequestRepository.create). */
export type JobTemplate = NewJob extends infer J ? (J extends NewJob ? Omit<J, 'requestId'> : never) : never;
