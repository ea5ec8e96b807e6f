/**
 * Guests nobody uses (INACTIVE_GUEST_DAYS, for tenants with Microsoft Entra ID P1). Each accepted
 * request carries when its guest's sign-ins are next read (`activityCheckAt`, set with the
 * acceptance, cleared when the access ends). Every few seconds the watcher claims the requests
 * whose read is due (instances share them) and reads all their guests' `signInActivity` at once:
 * 300 guests a round trip. A guest with no successful sign-in for INACTIVE_GUEST_DAYS (none since
 * accepting counts from the acceptance) gets their sponsor asked, on a card, whether to end the
 * access now or keep it until its end date.
 *
 * At most once a period: asking moves the next read a whole INACTIVE_GUEST_DAYS on, so a sponsor
 * who keeps an idle guest hears of them again only after another period without a sign-in. A
 * guest who signs in is read again one period after that sign-in, when they could first be idle.
 *
 * A 403 is the tenant's (no Entra ID P1) or the application's (no AuditLog.Read.All), not a
 * guest's: the check turns itself off until the next start, says so once in the log, and
 * /healthz names it.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type Directory, DirectoryError } from '../directory/directory';
import { DueCheckLoop } from '../jobs/dueCheckLoop';
import type { AccessRequest } from '../requests/accessRequest';
import type { RequestRepository } from '../requests/requestRepository';

interface InactivityWatcherDependencies {
  requests: RequestRepository;
  directory: Directory;
  settings: Config['inactivity'];
  logger: Logger;
  clock?: () => Date;
  /** How often to look for due reads. */
  tickMs?: number;
}

/** Guests read in one cycle: what one `$batch` of `id in (…)` filters covers. */
const GUESTS_PER_CYCLE = 300;

/** Reads are due a period apart: looking every 15 s is plenty, and every second under TIME_SCALE. */
const SHORTEST_TICK_MS = 1_000;
const LONGEST_TICK_MS = 15_000;

/** A guest Graph did not answer for this time is read again after this long (or a period, if shorter). */
const RETRY_MS = 3_600_000;

export interface InactivityCycle {
  /** Requests whose read was due and claimed. */
  checked: number;
  /** Guests whose sponsor was asked. */
  asked: number;
}

/** Where the check stands, for /healthz. */
type CheckState = { kind: 'off' } | { kind: 'on' } | { kind: 'refused'; status: number; code: string };

export class InactivityWatcher {
  private readonly loop: DueCheckLoop;
  private readonly clock: () => Date;
  private state: CheckState;
  private unwatchedGiven = false;

  constructor(private readonly deps: InactivityWatcherDependencies) {
    this.clock = deps.clock ?? (() => new Date());
    this.state = deps.settings.afterMs > 0 ? { kind: 'on' } : { kind: 'off' };
    const tickMs = deps.tickMs ?? Math.min(LONGEST_TICK_MS, Math.max(SHORTEST_TICK_MS, deps.settings.afterMs / 100));
    this.loop = new DueCheckLoop('inactive guest check', () => this.checkDue(), tickMs, deps.logger);
  }

  /** Off (INACTIVE_GUEST_DAYS=0): nothing runs, and Graph is never asked. */
  start(): void {
    if (this.state.kind === 'on') this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** A line for /healthz when the check was turned off by Graph's refusal; none otherwise. */
  healthDetails(): Record<string, string> {
    if (this.state.kind !== 'refused') return {};
    return {
      inactiveGuestCheck: `off: Microsoft Graph refused signInActivity (${this.state.status} ${this.state.code}); INACTIVE_GUEST_DAYS needs Microsoft Entra ID P1 and the application permission AuditLog.Read.All`,
    };
  }

  /** One cycle: every due read, in as few Graph calls as Graph allows. */
  async checkDue(): Promise<InactivityCycle> {
    const outcome: InactivityCycle = { checked: 0, asked: 0 };
    if (this.state.kind !== 'on') return outcome;
    const now = this.clock();
    const { afterMs } = this.deps.settings;
    if (!this.unwatchedGiven) {
      // Turned on after some guests accepted: each is read at once, then by the rule.
      const given = await this.deps.requests.watchActivityOfUnwatched(now);
      if (given > 0) this.deps.logger.info({ requests: given }, 'inactive guest check: guests who accepted before it was on will be read now');
      this.unwatchedGiven = true;
    }
    const due = await this.deps.requests.claimActivityChecks(now, GUESTS_PER_CYCLE, new Date(now.getTime() + Math.min(RETRY_MS, afterMs)));
    outcome.checked = due.length;
    const guests = due.filter((request) => request.invitedUserId);
    if (guests.length === 0) return outcome;
    let readings;
    try {
      readings = await this.deps.directory.lastSignIns(guests.map((request) => request.invitedUserId as string));
    } catch (error) {
      if (error instanceof DirectoryError && error.status === 403) {
        this.turnOff(error);
        return outcome;
      }
      throw error;
    }
    for (const request of guests) {
      const reading = readings.get(request.invitedUserId as string);
      if (!reading) continue; // Graph could not answer for them this time: read again at the claimed retry.
      if (await this.follow(request, reading.lastSuccessfulSignInAt, now)) outcome.asked += 1;
    }
    if (outcome.asked > 0) this.deps.logger.info(outcome, 'inactive guest check');
    return outcome;
  }

  /** Asks the sponsor about an idle guest (true), or reads an active one again when they could first be idle. */
  private async follow(request: AccessRequest, lastSignInAt: string | undefined, now: Date): Promise<boolean> {
    const { afterMs } = this.deps.settings;
    // No sign-in since accepting counts from the acceptance.
    const since = Math.max(lastSignInAt ? Date.parse(lastSignInAt) : 0, request.acceptedAt ? Date.parse(request.acceptedAt) : 0);
    const idleUntil = since + afterMs;
    const askedAt = request.inactivityQuestion?.askedAt;
    const askedThisPeriod = askedAt !== undefined && now.getTime() - Date.parse(askedAt) < afterMs;
    if (idleUntil > now.getTime() || askedThisPeriod) {
      const next = Math.max(idleUntil, askedThisPeriod ? Date.parse(askedAt) + afterMs : 0);
      await this.deps.requests.recordSignInReading(request.id, { lastSignInAt, activityCheckAt: new Date(next).toISOString() });
      return false;
    }
    const asked = await this.deps.requests.changeIf({
      id: request.id,
      states: ['accepted'],
      // Of two instances that read the same guest, one asks.
      onlyWhile: [{ field: 'inactivityAskedAt', equals: askedAt ?? null }],
      patch: {
        lastSignInAt,
        inactivityQuestion: { askedAt: now.toISOString() },
        activityCheckAt: new Date(now.getTime() + afterMs).toISOString(),
      },
      actor: { kind: 'system' },
      action: 'inactiveGuestFound',
      detail: { lastSignInAt: lastSignInAt ?? null, acceptedAt: request.acceptedAt, inactiveGuestDays: this.deps.settings.days },
      jobs: [{ kind: 'askAboutInactiveGuest', requestId: request.id }],
    });
    return asked !== undefined;
  }

  /** One log line, naming what to grant; the check stays off until the next start. */
  private turnOff(error: DirectoryError): void {
    this.state = { kind: 'refused', status: error.status, code: error.code };
    this.loop.stop().catch(() => undefined);
    this.deps.logger.error(
      { status: error.status, code: error.code },
      `Inactive guest check turned off: Microsoft Graph refused signInActivity (${error.status} ${error.code}). INACTIVE_GUEST_DAYS needs Microsoft Entra ID P1 and the application permission AuditLog.Read.All (with admin consent); grant them and restart, or set INACTIVE_GUEST_DAYS=0.`,
    );
  }
}
