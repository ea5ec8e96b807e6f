/**
 * When each thing in a request's life is due. Timers are jobs due later (see docs/architecture.md,
 * "The job flow"): written in the same transaction as the change that starts them, so a restart
 * loses none. Each timer checks when it runs whether it still applies (the request was decided,
 * the access extended), so none is ever cancelled. The checks that follow a request (the
 * redemption watcher, the sponsor check, the inactivity check) and an invitation's withdrawal are
 * due times set on the request with the change instead.
 */
import type { AccessRequest } from './accessRequest';
import type { JobTemplate, NewJob } from './jobs';

/** How the timers count time: read from the settings once, at start. */
export interface Timing {
  /** TIME_SCALE: how many times faster than real time every timer runs. 1 in production; more only to try the whole life of a request in minutes. */
  scale: number;
  /** A day as the timers count it. */
  dayMs: number;
  /** After how long the approver of an undecided request is reminded (once). */
  approvalReminderMs: number;
  /** After how long an undecided request expires. */
  approvalTimeoutMs: number;
  /** The access period, in days, when the requester keeps the default. */
  accessDays: number;
  /** How long before the end of access the sponsor is asked whether to extend it. */
  extensionNoticeMs: number;
  /** PENDING_GUEST_DAYS: how long an invited guest has to accept before the invitation is withdrawn; 0: never. */
  pendingGuestMs: number;
}

export type TimerSettings = Pick<Timing, 'approvalReminderMs' | 'approvalTimeoutMs' | 'extensionNoticeMs' | 'dayMs' | 'pendingGuestMs'>;

/** A new request waits for its approver: a reminder, then its expiry. */
export function approvalTimers(now: Date, timing: TimerSettings): JobTemplate[] {
  return [
    { kind: 'remindApprover', runAt: new Date(now.getTime() + timing.approvalReminderMs) },
    { kind: 'expireRequest', runAt: new Date(now.getTime() + timing.approvalTimeoutMs) },
  ];
}

/** When an approval expires, counted from when it opened (the request filed, an owner stage opened). */
export function approvalExpiry(openedAt: string, timing: TimerSettings): Date {
  return new Date(Date.parse(openedAt) + timing.approvalTimeoutMs);
}

/**
 * Granted access runs out at `endsAt`: the sponsor is offered an extension some days before
 * (at once, when the access is shorter than that), and the access ends at the end date.
 */
export function accessTimers(requestId: string, endsAt: string, now: Date, timing: TimerSettings): NewJob[] {
  const end = new Date(endsAt);
  const offerAt = new Date(Math.max(now.getTime(), end.getTime() - timing.extensionNoticeMs));
  return [
    { kind: 'offerExtension', requestId, runAt: offerAt },
    { kind: 'endAccess', requestId, runAt: end },
  ];
}

/** The end date of access of `days` days from `now`, as the timers count days. */
export function endDateAfter(days: number, now: Date, timing: Pick<TimerSettings, 'dayMs'>): string {
  return new Date(now.getTime() + days * timing.dayMs).toISOString();
}

/** The requester's last reminder comes this many days before the invitation is withdrawn. */
export const WITHDRAWAL_WARNING_DAYS = 3;

/**
 * How long before the withdrawal the requester's last reminder comes: WITHDRAWAL_WARNING_DAYS, but
 * never in the first half of the wait, so with a wait of less than 6 days it comes halfway (a
 * reminder the moment the invitation goes out would say nothing the invitation did not).
 */
export function withdrawalWarningLeadMs(timing: Pick<TimerSettings, 'dayMs' | 'pendingGuestMs'>): number {
  return Math.min(WITHDRAWAL_WARNING_DAYS * timing.dayMs, timing.pendingGuestMs / 2);
}

/** When an invitation sent at `now` is withdrawn if nobody accepts it; undefined when PENDING_GUEST_DAYS is 0. */
export function withdrawalDueFrom(now: Date, timing: Pick<TimerSettings, 'pendingGuestMs'>): string | undefined {
  return timing.pendingGuestMs > 0 ? new Date(now.getTime() + timing.pendingGuestMs).toISOString() : undefined;
}

/**
 * An invitation nobody accepts: the requester's last reminder, then the withdrawal at `dueAt`. Both
 * check when they run that the request is still invited and `dueAt` is still its due time (a
 * fresh link, Microsoft's email or a reset moves it later, with timers of its own).
 */
export function withdrawalTimers(requestId: string, dueAt: string, timing: Pick<TimerSettings, 'dayMs' | 'pendingGuestMs'>): NewJob[] {
  const due = Date.parse(dueAt);
  return [
    { kind: 'notifyRequester', requestId, notice: 'withdrawalSoon', runAt: new Date(due - withdrawalWarningLeadMs(timing)) },
    { kind: 'withdrawInvitation', requestId, runAt: new Date(due) },
  ];
}

/**
 * A guest invited again before accepting (a fresh link, Microsoft's email, a reset): they have the
 * full wait again from `now`. What the change sets on the request, and the timers it queues with it.
 * Only while the withdrawal's clock runs for the request: a guest who accepted once (and was reset
 * since), or an invitation sent before withdrawals existed, is never withdrawn.
 */
export function withdrawalRestarted(
  now: Date,
  request: { id: string; withdrawalDueAt?: string },
  timing: TimerSettings,
): { patch: { withdrawalDueAt?: string }; jobs: NewJob[] } {
  const dueAt = request.withdrawalDueAt ? withdrawalDueFrom(now, timing) : undefined;
  return dueAt ? { patch: { withdrawalDueAt: dueAt }, jobs: withdrawalTimers(request.id, dueAt, timing) } : { patch: {}, jobs: [] };
}

/** How often the checks that follow a request look, from the settings. */
export interface WatchSettings {
  redemption: { firstCheckMs: number };
  /** How often the sponsor check reads the people of a request that gives access; 0: never. */
  sponsorCheck: { intervalMs: number };
  /** INACTIVE_GUEST_DAYS as a duration; 0 when the check is off, and then no request is given a check. */
  inactivity: { afterMs: number };
}

/** The due times a change made at `now` sets on the request, for the checks it `starts` and an invitation's withdrawal. */
export function dueTimesFrom(
  now: Date,
  starts: { redemption: boolean; sponsor: boolean; activity: boolean; withdrawal: boolean },
  settings: WatchSettings & { timing: Pick<TimerSettings, 'pendingGuestMs'> },
): Partial<AccessRequest> {
  const withdrawalDueAt = starts.withdrawal ? withdrawalDueFrom(now, settings.timing) : undefined;
  return {
    ...(starts.redemption ? watchFrom(now, settings) : {}),
    ...(starts.sponsor ? sponsorWatchFrom(now, settings) : {}),
    ...(withdrawalDueAt ? { withdrawalDueAt } : {}),
    ...(starts.activity ? watchActivityFrom(now, settings) : {}),
  };
}

/**
 * The redemption watcher follows a guest invited (again) as of `now`, first after `firstCheckMs`,
 * with nothing of an earlier acceptance or reminder left.
 */
export function watchFrom(now: Date, settings: Pick<WatchSettings, 'redemption'>) {
  return {
    invitedAt: now.toISOString(),
    redemptionCheckAt: new Date(now.getTime() + settings.redemption.firstCheckMs).toISOString(),
    redemptionChecks: 0,
    nudgedAt: undefined,
    acceptedAt: undefined,
  } satisfies Partial<AccessRequest>;
}

/** The sponsor check first reads the people of a request whose access starts `now` one interval later. */
export function sponsorWatchFrom(now: Date, settings: Pick<WatchSettings, 'sponsorCheck'>): Partial<AccessRequest> {
  const { intervalMs } = settings.sponsorCheck;
  return intervalMs > 0 ? { sponsorCheckAt: new Date(now.getTime() + intervalMs).toISOString() } : {};
}

/**
 * The inactivity check first reads an accepted guest's sign-ins one INACTIVE_GUEST_DAYS after the
 * acceptance (none since accepting counts from it); nothing when the check is off.
 */
export function watchActivityFrom(now: Date, settings: Pick<WatchSettings, 'inactivity'>): Partial<AccessRequest> {
  if (settings.inactivity.afterMs <= 0) return {};
  return { activityCheckAt: new Date(now.getTime() + settings.inactivity.afterMs).toISOString(), lastSignInAt: undefined, inactivityQuestion: undefined };
}
