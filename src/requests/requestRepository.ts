/**
 * The repository port: how the domain keeps requests. Every state change is conditional and
 * carries its audit event and its follow-up work (read from requests/followUp.ts) into the same
 * transaction.
 */
import type { AccessRequest, Actor, AuditEvent, NewAccessRequest } from './accessRequest';
import type { JobLease, NewJob } from './jobs';
import type { ApprovalStage } from './approvalStage';
import type { ExtensionAnswer, RequestState } from './lifecycle';

/** Fields a change may set besides the state. */
export type RequestPatch = Partial<
  Pick<
    AccessRequest,
    | 'invitationStartedAt'
    | 'invitationEmailed'
    | 'invitedUserId'
    | 'createdGuestAccount'
    | 'inviteRedeemUrl'
    | 'statusMessageId'
    | 'invitedAt'
    | 'redemptionCheckAt'
    | 'redemptionChecks'
    | 'nudgedAt'
    | 'withdrawalDueAt'
    | 'withdrawnAt'
    | 'acceptedAt'
    | 'activityCheckAt'
    | 'lastSignInAt'
    | 'inactivityQuestion'
    | 'reinvitationJobId'
    | 'approvalCard'
    | 'decisionComment'
    | 'decidedAt'
    | 'failureReason'
    | 'endsAt'
    | 'approverRemindedAt'
    | 'extensionOffer'
    | 'extensions'
    | 'endedAt'
    | 'endReason'
    | 'removedResourceIds'
    | 'sponsor'
    | 'sponsorLocale'
    | 'sponsorCheckAt'
    | 'sponsorLeftAt'
    | 'formerSponsor'
    | 'sponsorshipOfferedToId'
    | 'requesterLeftAt'
  >
>;

export interface StateChange {
  id: string;
  from: RequestState;
  to: RequestState;
  actor: Actor;
  patch?: RequestPatch;
  detail?: Record<string, unknown>;
  /** Made by a job: the change happens only while the job's lease is held, else LeaseLostError. */
  lease?: JobLease;
  /** Owner stages that open with this change (the sponsor approved), written with it and given their cards and timers. */
  openStages?: ReadonlyArray<{ stage: number; resourceId: string }>;
  /**
   * Guests (their rows' ids) the decision leaves out of a request approved for the others: they
   * go to `left_out`. Only while the request waits for a decision, when every guest moves together.
   */
  leaveOut?: readonly string[];
  /** The change is made only while these fields still hold these values (null: unset), as with `changeIf`. */
  onlyWhile?: ReadonlyArray<{ field: 'withdrawalDueAt'; equals: string | null }>;
}

/** An owner's decision on a stage; its work follows from what it makes of the request (requests/followUp.ts). */
export interface StageDecision {
  requestId: string;
  stage: number;
  decision: 'approved' | 'rejected';
  actor: Extract<Actor, { kind: 'user' }>;
  comment?: string;
  /** An approval that leaves these guests (their rows' ids) out of a request for several: they go to `left_out`, the others wait on. */
  leaveOut?: readonly string[];
}

/** A request whole, as an approval card shows it: its first guest (which stands for it), every guest in order, its owner stages in order. */
export interface WholeRequest {
  request: AccessRequest;
  guests: AccessRequest[];
  stages: ApprovalStage[];
}

/**
 * A change of state as the domain planned it (requests/changePlan): the repository writes it as
 * it is, in one transaction, and asks the domain nothing more but the jobs of the guests it moved.
 */
/** One state a change sends guests to. */
export interface Move {
  to: RequestState;
  /** Set with the state: the change's own fields, and the follow-up's (the checks' due times, an invitation's withdrawal). */
  patch: RequestPatch;
  /** Written for each guest it moves. */
  audit: Omit<AuditEvent, 'requestId' | 'at'>;
  /** The jobs that follow, from a guest as the change leaves them. */
  jobsFor(guest: AccessRequest): NewJob[];
}

export interface ChangePlan {
  /** Every guest of the request still in `from` moves (lifecycle.isDecidedTogether), not only the one named. */
  together: boolean;
  moved: Move;
  /** Where the guests a decision leaves out go, when it leaves any out. */
  leftOut?: Move;
}

/**
 * A decision on an approval card, to be written: the sponsor's (a state change of every guest still
 * waiting, planned), or an owner's on a stage of the request or of an extension.
 */
export type CardDecision = { sponsor: StateChange; plan: ChangePlan } | { stage: StageDecision } | { extensionStage: StageDecision & { extensionFor: string } };

/** What stands after a decision on an approval card, whoever made it: `decided` false when someone else decided first. */
export interface AfterDecision {
  decided: boolean;
  /** The request's first guest, every guest, and the stage decided on (an owner's decision), as they now stand. */
  request: AccessRequest;
  guests: AccessRequest[];
  stage?: ApprovalStage;
}

export interface RequestRepository {
  /** Stores a new request in `pending_approval` with its `submitted` audit event and the work that follows (its card, its timers). */
  create(request: NewAccessRequest, actor: Actor): Promise<AccessRequest>;
  get(id: string): Promise<AccessRequest | undefined>;
  /** Every guest of a request (by the request's id), in the order they were asked for; none when there is no such request. */
  guestsOfRequest(requestId: string): Promise<AccessRequest[]>;
  /** A request whole (by the request's id): what a decision on its approval card is made from, read at once. */
  wholeRequest(requestId: string): Promise<WholeRequest | undefined>;
  /**
   * Writes a decision on an approval card, in one transaction with its audit events and its work:
   * the sponsor's as `transition` would; an owner's on a stage still pending, while the request (or
   * the extension the stage is for) waits for its owners, and the request with it when this
   * decision settles it (lifecycle.outcomeOfStages): approved moves an extension's end to the one
   * the sponsor asked for, rejected leaves it. Decisions on other stages wait for this transaction.
   * Answers with what stands after it, whoever decided (`decided` false: someone decided first),
   * for the card to be drawn from; `undefined` only when the request is gone.
   */
  decideOnCard(decision: CardDecision): Promise<AfterDecision | undefined>;
  /**
   * Moves a request from `from` to `to` if, and only if, it is still in `from`, and queues the
   * work that follows (requests/followUp.ts). Returns the updated request, or `undefined` when
   * someone else changed it first. While the request waits for a decision (lifecycle.isDecidedTogether)
   * every guest of it in `from` moves together, and the request's first guest is returned.
   */
  transition(change: StateChange): Promise<AccessRequest | undefined>;
  /**
   * Several guests' own changes (after the approval) in one transaction, under `lease` when a job
   * makes them: each only if its guest is still in its `from`, and the request's own work (its
   * card, the requester's message) queued once for them all. The guests that changed.
   */
  transitionEach(changes: readonly StateChange[], lease?: JobLease): Promise<AccessRequest[]>;
  /**
   * Records facts learnt along the way (the invitation, the card's location) without a state
   * change; under `lease`, only while it is held, else LeaseLostError.
   */
  update(id: string, patch: RequestPatch, actor: Actor, action: string, lease?: JobLease): Promise<AccessRequest>;
  /**
   * For what happens once in a state (a reminder): sets `patch` and queues `jobs` only if the
   * request is still in `state` and `once` is still unset. False when it was already done.
   */
  recordOnce(change: {
    id: string;
    state: RequestState;
    once: keyof RequestPatch;
    patch: RequestPatch;
    actor: Actor;
    action: string;
    jobs: readonly NewJob[];
  }): Promise<boolean>;
  /**
   * Records that someone asked for work on a request (a fresh link, Microsoft's email, a reset of
   * redemption) and queues it, in one transaction, only while the request is in one of `states`.
   * The request as it stands, or `undefined` when it is in none of them (or does not exist).
   */
  recordAsk(ask: {
    id: string;
    states: readonly RequestState[];
    actor: Actor;
    action: string;
    detail?: Record<string, unknown>;
    jobs: readonly NewJob[];
  }): Promise<AccessRequest | undefined>;
  /**
   * A change that is not a state transition (an extension, a reminder, an offer answered), made
   * only while the request is in one of `states` and each `onlyWhile` field still holds its value
   * (null: unset): so of two clicks or two workers, one changes it. The request as changed, or
   * `undefined` when nothing was.
   */
  changeIf(change: {
    id: string;
    states: readonly RequestState[];
    onlyWhile?: ReadonlyArray<
      | {
          field:
            | 'endsAt'
            | 'approverRemindedAt'
            | 'extensionOfferedFor'
            | 'extensionAnswer'
            | 'withdrawalDueAt'
            | 'sponsorId'
            | 'sponsorLeftAt'
            | 'requesterLeftAt'
            | 'inactivityAskedAt'
            | 'inactivityAnswer';
          equals: string | null;
        }
      | { field: 'invitationEmailed'; equals: boolean }
    >;
    patch: RequestPatch;
    actor: Actor;
    action: string;
    detail?: Record<string, unknown>;
    jobs?: readonly NewJob[];
    /** The change is the sponsor's answer to the open offer to extend: its work follows from the table (requests/followUp.ts). */
    answersOffer?: ExtensionAnswer;
    lease?: JobLease;
    /** Owner stages that open with this change (an extension the owners must approve), written with it. */
    openStages?: ReadonlyArray<{ stage: number; resourceId: string; extensionFor: string }>;
  }): Promise<AccessRequest | undefined>;
  /** The owner stages of a request, in order; none when its resources name no approvers. */
  stagesOf(requestId: string): Promise<ApprovalStage[]>;
  /** Records who may decide a stage and where their cards are, or when they were reminded; `detail` adds to its audit event. */
  updateStage(
    requestId: string,
    stage: number,
    patch: Partial<Pick<ApprovalStage, 'approvers' | 'cards' | 'remindedAt'>>,
    actor: Actor,
    action: string,
    lease?: JobLease,
    detail?: Record<string, unknown>,
  ): Promise<void>;
  /** For admins: how many requests filed since `since` stand in each state, and the latest failures. */
  summarySince(
    since: Date,
    failures: number,
  ): Promise<{ counts: Map<RequestState, number>; failures: Array<{ id: string; failureReason?: string; guestEmail: string; at: string }> }>;
  /**
   * Other requests that give this guest access now or are about to (approved, invited or
   * accepted), besides `exceptId`: found by the guest's object id, or by their address when they
   * are not invited yet.
   */
  activeForGuest(guest: { id?: string; email: string }, exceptId: string): Promise<AccessRequest[]>;
  auditTrail(id: string): Promise<AuditEvent[]>;
  /**
   * Up to `limit` invited requests whose redemption check is due at `now`, each claimed by moving
   * its next check to `nextCheckAt(checks so far)`, so that instances checking at the same time
   * share them rather than both asking Graph.
   */
  claimRedemptionChecks(now: Date, limit: number, nextCheckAt: (checksSoFar: number) => Date): Promise<AccessRequest[]>;
  /**
   * Up to `limit` requests that give access (invited, accepted) whose sponsor check is due at
   * `now`, claimed in one conditional update that moves their next check to `nextCheckAt`, so
   * instances share them. Rows of requests no longer active that still carry a due time lose it.
   */
  claimSponsorChecks(now: Date, limit: number, nextCheckAt: Date): Promise<AccessRequest[]>;
  /**
   * Up to `limit` accepted requests whose sign-in check is due at `now`, each claimed by moving its
   * next check to `retryAt` (where it stays if Graph cannot answer for the guest this time), so
   * that instances checking at the same time share them rather than both asking Graph.
   */
  claimActivityChecks(now: Date, limit: number, retryAt: Date): Promise<AccessRequest[]>;
  /**
   * Records the last sign-in read for a guest who is still active, and when to read it again,
   * while the request is still accepted: a reading, not a change anybody made, so not audited.
   */
  recordSignInReading(id: string, reading: { lastSignInAt?: string; activityCheckAt: string }): Promise<void>;
  /**
   * Gives every accepted request without a sign-in check one due at `at`: the check was turned on
   * (INACTIVE_GUEST_DAYS) after their guests accepted. How many were given one.
   */
  watchActivityOfUnwatched(at: Date): Promise<number>;
  /** The requester's requests still waiting for a decision (the sponsor's or the owners'), oldest first. */
  awaitingDecisionFiledBy(requesterId: string): Promise<AccessRequest[]>;
  /**
   * The guests a person answers for: requests they sponsor or filed, in one of `states`, soonest
   * end first (then by id, so pages do not overlap): `limit` from `offset`, and how many in all.
   * Read through the person-and-state indexes, so requests no longer in `states` cost nothing.
   */
  guestsOf(personId: string, states: readonly RequestState[], page: { offset: number; limit: number }): Promise<{ requests: AccessRequest[]; total: number }>;
  /** Requests waiting on this sponsor whose card never reached them (they had no app yet). */
  awaitingCardFor(sponsorId: string): Promise<AccessRequest[]>;

  // Requests, not guests' rows: a request for several guests is listed and counted once.

  /** The requester's requests, newest first, each as its guests in order: `limit` requests, and how many there are in all. */
  requestsFiledBy(requesterId: string, limit: number): Promise<{ requests: AccessRequest[][]; total: number }>;
  /** Requests waiting for this sponsor's decision, oldest first, each as its first guest: `limit` of them, and how many in all. */
  requestsAwaitingDecisionBy(sponsorId: string, limit: number): Promise<{ requests: AccessRequest[]; total: number }>;
  /**
   * Owner stages waiting for this approver's decision, oldest first, with their requests' first
   * guests: `limit` of them. A request waits while any of its guests does (its first may have
   * been left out).
   */
  stagesOfRequestsAwaitingDecisionBy(approverId: string, limit: number): Promise<Array<{ request: AccessRequest; stage: ApprovalStage }>>;
  /** How many guests each of these requests (by the request's id) asks for; a request not found is not in the map. */
  guestCounts(requestIds: readonly string[]): Promise<Map<string, number>>;
}

/**
 * Whether a guest's request asks for others too (so a command about this guest must name them):
 * known from the row for every guest but the first, asked of the repository for the first.
 */
export async function isOneOfSeveral(requests: Pick<RequestRepository, 'guestsOfRequest'>, guest: AccessRequest): Promise<boolean> {
  return guest.guestNumber > 1 || (await requests.guestsOfRequest(guest.requestId)).length > 1;
}
