/**
 * The timers of a request's life, as jobs due later (see docs/architecture.md, "The job flow"): written in the same
 * transaction as the change that starts them, so a restart loses none. Each timer checks when it
 * runs whether it still applies (the request was decided, the access extended), so none is ever
 * cancelled.
 */
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
}

export type TimerSettings = Pick<Timing, 'approvalReminderMs' | 'approvalTimeoutMs' | 'extensionNoticeMs' | 'dayMs'>;

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
