/**
 * Which work follows which change of a request: the one table. The repository queues a change's
 * work itself, in the transaction that makes the change (a transactional outbox), so no caller
 * writes it by hand; the sweeper reads the same rows to find work that went missing (see
 * storage/missingWork.ts). Adding a state or a job starts here.
 */
import type { AccessRequest } from './accessRequest';
import type { NewJob, RequesterNotice, SponsorNotice } from './jobs';
import type { ExtensionAnswer, RequestState } from './lifecycle';
import type { RequestPatch } from './requestRepository';
import { accessTimers, approvalTimers, dueTimesFrom, type TimerSettings, type WatchSettings, withdrawalTimers } from './timers';

/**
 * One piece of work. `job` rows are queued now; the sweeper makes sure of each (unless `swept` is
 * false), counting a job of its kind only while it is queued when `sweptWhile` says `queued`.
 * `onlyIf` names a fact of the request without which the job is not wanted. The others are
 * timers, due later, which check when they run whether they still apply, and so are never swept.
 */
export type Work =
  | { job: 'deliverApprovalCard'; onlyIf?: 'cardNotPosted'; perRequest: true }
  /** One job provisions every guest the request's approval gave (see access/provisionGuest). */
  | { job: 'provisionGuest'; sweptWhile: 'queued'; perRequest: true }
  /**
   * The sponsor's card follows every change, in place; the next change or a refresh redraws a lost one, so it is not swept.
   * `untilSettled`: the state passes within seconds (approved, while the invitation is made), so the redraw waits
   * CARD_SETTLE_MS, and when the next change comes first, its own redraw stands for both (see updateApprovalCard).
   */
  | { job: 'updateApprovalCard'; swept: false; perRequest: true; untilSettled?: true }
  | {
      job: 'notifyRequester';
      notice: RequesterNotice;
      /** The notice names the stage decided (see StageFacts). */
      ofStage?: true;
      /** Said once for the whole request, however many of its guests the change moved. */
      perRequest?: true;
    }
  | { job: 'notifySponsor'; notice: SponsorNotice }
  /** Take back now what the request gave, when it gave anything. */
  | { job: 'endAccess'; onlyIf: 'accessGiven' }
  /** The sponsor's reminder and expiry, from now (for the whole request). */
  | { timers: 'approval' }
  /** Each owner stage the change opens: its card, a reminder and an expiry, from now (for the whole request). */
  | { timers: 'ownerStages' }
  /** Each owner stage an extension opens: its card and a reminder; the end date is its deadline. */
  | { timers: 'extensionStages' }
  /** The offer to extend some days before `endsAt`, then the end. */
  | { timers: 'access' }
  /**
   * An invitation nobody accepts: the due time is set on the request with the change (PENDING_GUEST_DAYS from
   * now), and the requester's last reminder and the withdrawal are jobs due before and at it.
   */
  | { timers: 'withdrawal' }
  /** The redemption watcher follows the guest from now (a patch, not a job). */
  | { watch: 'redemption' }
  /** The sponsor check reads the request's sponsor and requester every SPONSOR_CHECK_HOURS from now (a patch, not a job). */
  | { watch: 'sponsor' }
  /** The inactivity check reads the guest's sign-ins from now, when INACTIVE_GUEST_DAYS is set (a patch, not a job). */
  | { watch: 'activity' }
  /**
   * A check stops following the request (its due time is cleared, so the request costs it nothing):
   * the inactivity check once the access is no longer accepted, the sponsor check once it ends.
   */
  | { unwatch: 'activity' | 'sponsor' };

/**
 * Work marked `perRequest` is queued once for the request (the job's request id is the request's,
 * not the guest's row), however many of its guests one change moves: the card, its delivery and
 * timers, the provisioning of every guest, and what the requester is told once for all. Other work
 * is each guest's own.
 */
export function isPerRequest(item: Work): boolean {
  if ('timers' in item) return item.timers === 'approval' || item.timers === 'ownerStages';
  return 'perRequest' in item && item.perRequest === true;
}

export type Condition = NonNullable<Extract<Work, { onlyIf?: unknown }>['onlyIf']>;

/** A request filed, before it has a state: `new`. */
type FromState = RequestState | 'new';

const card = { job: 'updateApprovalCard', swept: false, perRequest: true } as const;
/** Approved: the clicker's card already says so (the click's answer), and the invitation follows within seconds. */
const cardOnceSettled = { ...card, untilSettled: true } as const;
const toRequester = (notice: RequesterNotice) => ({ job: 'notifyRequester', notice }) as const;
/** Told once for the request: its decision, or the one message where every guest's invitation stands. */
const toRequesterOnce = (notice: RequesterNotice) => ({ job: 'notifyRequester', notice, perRequest: true }) as const;
const toSponsor = (notice: SponsorNotice) => ({ job: 'notifySponsor', notice }) as const;
const provision = { job: 'provisionGuest', sweptWhile: 'queued', perRequest: true } as const;
const watchActivity = { watch: 'activity' } as const;
const unwatchActivity = { unwatch: 'activity' } as const;
const unwatchSponsor = { unwatch: 'sponsor' } as const;

/**
 * How long the redraw of a card in a passing state waits for the next change. The invitation and
 * the grants take a second or two; a redraw saved is a message fewer in the sponsor's chat and a
 * turn fewer of Teams' pace (see messaging/pacedMessenger).
 */
export const CARD_SETTLE_MS = 5_000;

/** from → to ⇒ the work that follows. A pair that lifecycle allows but is missing here is work nobody does. */
export const REQUEST_FOLLOW_UP: ReadonlyArray<{ from: FromState; to: RequestState; work: readonly Work[] }> = [
  { from: 'new', to: 'pending_approval', work: [{ job: 'deliverApprovalCard', onlyIf: 'cardNotPosted', perRequest: true }, { timers: 'approval' }] },
  { from: 'pending_approval', to: 'approved', work: [cardOnceSettled, provision] },
  { from: 'pending_approval', to: 'pending_owner_approval', work: [card, toRequesterOnce('ownersNext'), { timers: 'ownerStages' }] },
  { from: 'pending_approval', to: 'rejected', work: [card, toRequesterOnce('rejected')] },
  { from: 'pending_approval', to: 'cancelled', work: [card] },
  { from: 'pending_approval', to: 'expired', work: [card, toRequesterOnce('expired')] },
  { from: 'pending_owner_approval', to: 'approved', work: [cardOnceSettled, provision] },
  { from: 'pending_owner_approval', to: 'rejected', work: [card, toRequesterOnce('rejected')] },
  { from: 'pending_owner_approval', to: 'cancelled', work: [card] },
  // A guest the sponsor (or an owner) left out of a request approved for the others: the card and
  // the requester's message about the invitations say so.
  { from: 'pending_approval', to: 'left_out', work: [card] },
  { from: 'pending_owner_approval', to: 'left_out', work: [card] },
  { from: 'pending_owner_approval', to: 'expired', work: [card, toRequesterOnce('expired')] },
  {
    from: 'approved',
    to: 'invited',
    work: [card, toRequesterOnce('invited'), { watch: 'redemption' }, { watch: 'sponsor' }, { timers: 'access' }, { timers: 'withdrawal' }],
  },
  // The address was a guest who had accepted already: nothing to redeem, only access to add.
  { from: 'approved', to: 'accepted', work: [card, toRequesterOnce('alreadyGuest'), { watch: 'sponsor' }, { timers: 'access' }, watchActivity] },
  // A failed request keeps nothing: what it gave before failing is taken back.
  { from: 'approved', to: 'failed', work: [card, toRequesterOnce('failed'), toSponsor('failed'), { job: 'endAccess', onlyIf: 'accessGiven' }] },
  { from: 'failed', to: 'approved', work: [cardOnceSettled, provision] },
  { from: 'invited', to: 'accepted', work: [card, toRequester('accepted'), toSponsor('accepted'), watchActivity] },
  // The sponsor reset redemption: the guest must accept again; the new link goes out by the reset's own job.
  // No withdrawal: the guest accepted once, and keeps their access until its end date.
  { from: 'accepted', to: 'invited', work: [card, { watch: 'redemption' }, unwatchActivity] },
  { from: 'invited', to: 'ended', work: [card, toRequester('ended'), toSponsor('ended'), unwatchSponsor] },
  // The guest never accepted: what the request gave is taken back (access/endAccess), and both are told.
  {
    from: 'invited',
    to: 'withdrawn',
    work: [card, toRequester('withdrawn'), toSponsor('withdrawn'), { job: 'endAccess', onlyIf: 'accessGiven' }, unwatchSponsor],
  },
  { from: 'accepted', to: 'ended', work: [card, toRequester('ended'), toSponsor('ended'), unwatchActivity, unwatchSponsor] },
];

/** An owner decided a stage and the request (or its extension) still waits for other stages. */
export const STAGE_DECIDED_WORK: readonly Work[] = [card];

/** The sponsor's answer to an offer to extend, or the owners' that settles it: from → to ⇒ the work. */
export const EXTENSION_FOLLOW_UP: ReadonlyArray<{ from: 'open' | ExtensionAnswer; to: ExtensionAnswer; work: readonly Work[] }> = [
  { from: 'open', to: 'extended', work: [card, { timers: 'access' }, toRequester('extended')] },
  { from: 'open', to: 'declined', work: [card, toRequester('notExtended')] },
  { from: 'open', to: 'awaitingOwners', work: [card, toRequester('extensionAsked'), { timers: 'extensionStages' }] },
  { from: 'awaitingOwners', to: 'extended', work: [card, { timers: 'access' }, toRequester('extended')] },
  { from: 'awaitingOwners', to: 'rejected', work: [card, { ...toRequester('extensionRejected'), ofStage: true }] },
];

/** What the table's work is counted with; the settings satisfy it. */
export interface FollowUpSettings extends WatchSettings {
  timing: TimerSettings;
}

/** The facts a change's work depends on. */
export interface ChangeFacts {
  /** The request as the change leaves it. */
  request: AccessRequest;
  now: Date;
  /** The owner stages the change opens. */
  openedStages?: ReadonlyArray<{ stage: number }>;
  /** The owner stage whose decision made the change. */
  decidedStage?: number;
}

export function requestWorkOf(from: FromState, to: RequestState): readonly Work[] {
  const row = REQUEST_FOLLOW_UP.find((r) => r.from === from && r.to === to);
  if (!row) throw new Error(`No follow-up is written for an access request going from ${from} to ${to}: add it to REQUEST_FOLLOW_UP.`);
  return row.work;
}

export function extensionWorkOf(from: 'open' | ExtensionAnswer, to: ExtensionAnswer): readonly Work[] {
  const row = EXTENSION_FOLLOW_UP.find((r) => r.from === from && r.to === to);
  if (!row) throw new Error(`No follow-up is written for an offer to extend going from ${from} to ${to}: add it to EXTENSION_FOLLOW_UP.`);
  return row.work;
}

/** Whether a fact the work depends on holds for the request. */
export function holds(condition: Condition, request: AccessRequest): boolean {
  switch (condition) {
    case 'cardNotPosted':
      return request.approvalCard === undefined;
    case 'accessGiven':
      return request.invitedUserId !== undefined && request.endedAt === undefined;
  }
}

/** The jobs to queue for `work`, counted from the facts of the change. */
export function jobsFor(work: readonly Work[], facts: ChangeFacts, settings: FollowUpSettings): NewJob[] {
  const { request, now } = facts;
  const { timing } = settings;
  return work.flatMap((item): NewJob[] => {
    const requestId = isPerRequest(item) ? request.requestId : request.id;
    if ('watch' in item || 'unwatch' in item) return [];
    if ('timers' in item) {
      switch (item.timers) {
        case 'approval':
          return approvalTimers(now, timing).map((timer) => ({ ...timer, requestId }));
        case 'ownerStages':
          return (facts.openedStages ?? []).flatMap(({ stage }) => [
            { kind: 'deliverApprovalCard' as const, requestId, stage },
            // Each owner stage waits and expires like the sponsor's, counted from its opening.
            ...approvalTimers(now, timing).map((timer) => ({ ...timer, requestId, stage })),
          ]);
        case 'extensionStages':
          return (facts.openedStages ?? []).flatMap(({ stage }): NewJob[] => [
            { kind: 'deliverApprovalCard', requestId, stage },
            { kind: 'remindApprover', requestId, stage, runAt: new Date(now.getTime() + timing.approvalReminderMs) },
          ]);
        case 'access':
          return request.endsAt ? accessTimers(requestId, request.endsAt, now, timing) : [];
        case 'withdrawal':
          return request.withdrawalDueAt ? withdrawalTimers(requestId, request.withdrawalDueAt, timing) : [];
      }
    }
    if ('onlyIf' in item && item.onlyIf && !holds(item.onlyIf, request)) return [];
    switch (item.job) {
      case 'notifyRequester':
        return [
          {
            kind: 'notifyRequester',
            requestId,
            notice: item.notice,
            ...(item.ofStage && facts.decidedStage !== undefined ? { stage: facts.decidedStage } : {}),
          },
        ];
      case 'notifySponsor':
        return [{ kind: 'notifySponsor', requestId, notice: item.notice }];
      case 'updateApprovalCard':
        return [{ kind: item.job, requestId, ...(item.untilSettled ? { runAt: new Date(now.getTime() + CARD_SETTLE_MS) } : {}) }];
      default:
        return [{ kind: item.job, requestId }];
    }
  });
}

/**
 * Everything the table says comes with a change: what it sets on the request in the same update,
 * and the jobs it queues in the same transaction.
 */
export interface FollowUp {
  /**
   * Set with the change: the due times of the checks that follow the request from it on (the
   * redemption watcher, the sponsor check, the inactivity check) and of an invitation's withdrawal.
   */
  patch: RequestPatch;
  /**
   * The jobs, counted from the request as the change leaves it (its end date, its card, its
   * guest): only the write knows that request, as its conditional update returns it.
   */
  jobsFor(request: AccessRequest): NewJob[];
}

/** What comes with a change that calls for `work`, made at `facts.now`: asked once, before the change is written. */
export function followUpOf(work: readonly Work[], facts: Omit<ChangeFacts, 'request'>, settings: FollowUpSettings): FollowUp {
  const watches = (check: 'redemption' | 'sponsor' | 'activity') => work.some((item) => 'watch' in item && item.watch === check);
  const unwatches = (check: 'activity' | 'sponsor') => work.some((item) => 'unwatch' in item && item.unwatch === check);
  const starts = {
    redemption: watches('redemption'),
    sponsor: watches('sponsor'),
    activity: watches('activity'),
    withdrawal: work.some((item) => 'timers' in item && item.timers === 'withdrawal'),
  };
  return {
    jobsFor: (request) => jobsFor(work, { ...facts, request }, settings),
    patch: {
      ...dueTimesFrom(facts.now, starts, settings),
      // Cleared, so a request the check no longer follows costs it nothing.
      ...(unwatches('activity') ? { activityCheckAt: undefined } : {}),
      ...(unwatches('sponsor') ? { sponsorCheckAt: undefined } : {}),
    },
  };
}

/** A job the sweeper makes sure exists for a request that made this change (see storage/missingWork.ts). */
interface SweptWork {
  from: FromState;
  to: RequestState;
  job: NewJob['kind'];
  notice?: RequesterNotice | SponsorNotice;
  onlyIf?: Condition;
  /** Only a queued job counts: the state may be entered again, and a job done before does not do it again. */
  queuedOnly?: boolean;
  /** The job is the request's, not the guest row's: looked for, and queued, under the request's id. */
  perRequest?: boolean;
}

/** Every job the table calls for that the sweeper makes sure of, derived from REQUEST_FOLLOW_UP. */
export function sweptWork(): SweptWork[] {
  return REQUEST_FOLLOW_UP.flatMap(({ from, to, work }) =>
    work.flatMap((item): SweptWork[] => {
      if (!('job' in item) || ('swept' in item && item.swept === false)) return [];
      return [
        {
          from,
          to,
          job: item.job,
          ...('notice' in item ? { notice: item.notice } : {}),
          ...('onlyIf' in item && item.onlyIf ? { onlyIf: item.onlyIf } : {}),
          ...('sweptWhile' in item ? { queuedOnly: true } : {}),
          ...(isPerRequest(item) ? { perRequest: true } : {}),
        },
      ];
    }),
  );
}
