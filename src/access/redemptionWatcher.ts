/**
 * Follows invited guests until they accept. Each invited request has a next check time, a
 * minute or so after the invitation and then doubling up to a ceiling, so a new guest is noticed
 * soon and one who never accepts costs little. Every few seconds the watcher claims the requests
 * whose check is due (instances share them) and asks Graph about all their guests at once: 300
 * guests a round trip. A guest who accepted moves the request to `accepted`, which tells the
 * requester and the sponsor and updates the card; a guest still pending after
 * REDEMPTION_NUDGE_DAYS gets the requester one reminder with the link, unless the last reminder
 * before the invitation is withdrawn (requests/timers, withdrawalTimers) is due by then: one
 * reminder is enough, and the one that says when the invitation is withdrawn says more.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Directory, RedemptionState } from '../directory/directory';
import { DueCheckLoop } from '../jobs/dueCheckLoop';
import type { AccessRequest } from '../requests/accessRequest';
import type { RequestPatch, RequestRepository } from '../requests/requestRepository';
import { type TimerSettings, withdrawalWarningLeadMs } from '../requests/timers';

interface RedemptionWatcherDependencies {
  requests: RequestRepository;
  directory: Directory;
  settings: Config['redemption'];
  /** When an invitation nobody accepts is withdrawn, and so when its last reminder comes. */
  timing: Pick<TimerSettings, 'dayMs' | 'pendingGuestMs'>;
  logger: Logger;
  clock?: () => Date;
  /** How often to look for due checks. */
  tickMs?: number;
}

/**
 * How often due checks are looked for: half the first wait, so a new guest is asked about close to
 * when it is due, but never more often than every second (a TIME_SCALE run) nor less than every 15 s.
 */
const SHORTEST_TICK_MS = 1_000;
const LONGEST_TICK_MS = 15_000;

/** Guests asked about in one cycle: what one `$batch` of `id in (…)` filters covers. */
const GUESTS_PER_CYCLE = 300;

export class RedemptionWatcher {
  private readonly loop: DueCheckLoop;
  private readonly clock: () => Date;

  constructor(private readonly deps: RedemptionWatcherDependencies) {
    this.clock = deps.clock ?? (() => new Date());
    const tickMs = deps.tickMs ?? Math.min(LONGEST_TICK_MS, Math.max(SHORTEST_TICK_MS, deps.settings.firstCheckMs / 2));
    this.loop = new DueCheckLoop('redemption check', () => this.checkDue(), tickMs, deps.logger);
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** The wait after `checks` checks: the first interval, doubled each time, up to the ceiling. */
  intervalAfter(checks: number): number {
    const { firstCheckMs, maxCheckIntervalMs } = this.deps.settings;
    return Math.min(firstCheckMs * 2 ** checks, maxCheckIntervalMs);
  }

  /** One cycle: every due check, in as few Graph calls as Graph allows. */
  async checkDue(): Promise<{ checked: number; accepted: number; nudged: number }> {
    const now = this.clock();
    const due = await this.deps.requests.claimRedemptionChecks(now, GUESTS_PER_CYCLE, (checks) => new Date(now.getTime() + this.intervalAfter(checks + 1)));
    const outcome = { checked: due.length, accepted: 0, nudged: 0 };
    const waiting = due.filter((request) => request.invitedUserId);
    if (waiting.length === 0) return outcome;
    const states = await this.deps.directory.redemptionStates(waiting.map((request) => request.invitedUserId as string));
    for (const request of waiting) {
      const state = states.get(request.invitedUserId as string);
      if (state?.state === 'Accepted') {
        const moved = await this.deps.requests.transition({
          id: request.id,
          from: 'invited',
          to: 'accepted',
          actor: { kind: 'system' },
          patch: acceptance(state, now),
          detail: { externalUserStateChangeDateTime: state.changedAt },
        });
        if (moved) outcome.accepted += 1;
      } else if (
        state &&
        request.invitedAt &&
        now.getTime() - Date.parse(request.invitedAt) >= this.deps.settings.nudgeAfterMs &&
        !this.warnedOfWithdrawal(request, now)
      ) {
        const nudged = await this.deps.requests.recordOnce({
          id: request.id,
          state: 'invited',
          once: 'nudgedAt',
          patch: { nudgedAt: now.toISOString() },
          actor: { kind: 'system' },
          action: 'requesterReminded',
          jobs: [{ kind: 'notifyRequester', requestId: request.id, notice: 'nudge' }],
        });
        if (nudged) outcome.nudged += 1;
      }
    }
    if (outcome.accepted + outcome.nudged > 0) this.deps.logger.info(outcome, 'redemption check');
    return outcome;
  }

  /** The last reminder before the withdrawal is due (or gone): it takes the nudge's place. */
  private warnedOfWithdrawal(request: AccessRequest, now: Date): boolean {
    if (!request.withdrawalDueAt || this.deps.timing.pendingGuestMs <= 0) return false;
    return now.getTime() >= Date.parse(request.withdrawalDueAt) - withdrawalWarningLeadMs(this.deps.timing);
  }
}

/**
 * What a guest's acceptance sets on their request: when, as Graph says. The redeem link has done its
 * work; it is a credential, so it is not kept. Nothing is withdrawn any more.
 */
export function acceptance(state: RedemptionState, now: Date): RequestPatch {
  return { acceptedAt: state.changedAt ?? now.toISOString(), inviteRedeemUrl: undefined, redemptionCheckAt: undefined, withdrawalDueAt: undefined };
}
