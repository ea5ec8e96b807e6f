/**
 * Work that follows a change of a request, written as job rows in the same transaction as the
 * change (a transactional outbox; which work follows which change is requests/followUp.ts) and run
 * later by the job worker (src/jobs/worker.ts).
 */

export const JOB_KINDS = [
  'deliverApprovalCard',
  'provisionGuest',
  'notifyRequester',
  'notifySponsor',
  'updateApprovalCard',
  'sendFreshLink',
  'sendInvitationEmail',
  'resetRedemption',
  'remindApprover',
  'expireRequest',
  'offerExtension',
  'endAccess',
  'withdrawInvitation',
  'offerSponsorship',
  'handOverSponsorship',
  'endOrphanedAccess',
  'askAboutInactiveGuest',
] as const;

/** Inviting a guest again after the first time, each for its own reason (see access/reinviteGuest). */
export type ReinvitationKind = 'sendFreshLink' | 'sendInvitationEmail' | 'resetRedemption';

export type JobKind = (typeof JOB_KINDS)[number];

/** What the requester is told by a `notifyRequester` job. */
export type RequesterNotice =
  | 'ownersNext'
  | 'ownerUnreachable'
  /** An owner stage nobody may decide: its only approvers are the requester, or the sponsor. */
  | 'ownerOnlyRequester'
  | 'ownerOnlySponsor'
  | 'invited'
  | 'alreadyGuest'
  | 'rejected'
  | 'failed'
  | 'sponsorUnreachable'
  | 'accepted'
  | 'nudge'
  | 'expired'
  | 'extended'
  /** The sponsor asked to extend; the owners of some resources must approve it too. */
  | 'extensionAsked'
  /** An owner rejected an extension (the job names the stage). */
  | 'extensionRejected'
  | 'notExtended'
  | 'ended'
  /** The guest has not accepted and the invitation is withdrawn soon (a timer: it checks it still applies). */
  | 'withdrawalSoon'
  /** The guest never accepted: the invitation was withdrawn. */
  | 'withdrawn'
  /** The sponsor left the organization: take over, or name another sponsor, before the access ends for want of one. */
  | 'sponsorLeft'
  /** Someone took over as sponsor of a request whose sponsor had left. */
  | 'newSponsor';

/** Who asked for a re-invitation, and so who hears how it went. */
export type LinkAskedBy = 'requester' | 'sponsor';

/** What the sponsor is told by a `notifySponsor` job, besides their card changing. */
export type SponsorNotice =
  | 'failed'
  | 'accepted'
  | 'ended'
  | 'endFailed'
  | 'withdrawn'
  /** The requester left: the sponsor hears about the request from now on. */
  | 'requesterLeft';

/** Jobs about one approval: the sponsor's when `stage` is unset, else that owner stage's (see approvalStage). */
type ApprovalJobKind = 'deliverApprovalCard' | 'remindApprover' | 'expireRequest';

type JobBody =
  | { kind: ApprovalJobKind; requestId: string; stage?: number }
  | { kind: 'provisionGuest'; requestId: string }
  | { kind: 'notifyRequester'; requestId: string; notice: RequesterNotice; /** The owner stage the notice is about. */ stage?: number }
  | { kind: 'notifySponsor'; requestId: string; notice: SponsorNotice }
  | { kind: 'updateApprovalCard'; requestId: string }
  | { kind: ReinvitationKind; requestId: string; notice: LinkAskedBy }
  | { kind: 'offerExtension' | 'endAccess' | 'withdrawInvitation' | 'askAboutInactiveGuest'; requestId: string }
  /** A sponsor who left: the offer to their manager, the change in Entra after a takeover, the end when nobody takes over. */
  | { kind: 'offerSponsorship' | 'handOverSponsorship' | 'endOrphanedAccess'; requestId: string };

/** A job to queue: due now, or at `runAt` (a timer), so a restart loses none. */
export type NewJob = JobBody & { runAt?: Date };

/**
 * One claim of a job by one worker. What a worker writes under it (a request's change, the job's
 * outcome) counts only while the claim is still the job's latest: once another worker has
 * claimed the job, the first one's writes change nothing.
 */
export interface JobLease {
  jobId: number;
  /** The worker that claimed it. */
  holder: string;
  /** Which claim of the job this is (its attempt number). */
  attempt: number;
}

/** A write made under a lease another worker has since taken over: nothing was changed. */
export class LeaseLostError extends Error {
  constructor(lease: JobLease) {
    super(`Job ${lease.jobId} (attempt ${lease.attempt}) is no longer held by ${lease.holder}; nothing was changed.`);
    this.name = 'LeaseLostError';
  }
}

/**
 * The job cannot go on now because another job holds what it needs (the same guest): it is tried
 * again after `retryAfterMs`, and the wait does not count as an attempt.
 */
export class JobMustWait extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'JobMustWait';
  }
}

export interface Job {
  id: number;
  kind: JobKind;
  requestId: string;
  /** Set on notify jobs: what to say. */
  notice?: RequesterNotice | SponsorNotice | LinkAskedBy;
  /** Set on approval jobs for an owner stage. */
  stage?: number;
  /** Counts this run: 1 on the first. */
  attempts: number;
  /** This run's claim; pass it to every write the job makes. */
  lease: JobLease;
}

/** A job for a request that does not have its id yet (see RequestRepository.create). */
export type JobTemplate = NewJob extends infer J ? (J extends NewJob ? Omit<J, 'requestId'> : never) : never;
