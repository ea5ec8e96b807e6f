/**
 * The sponsor check: every SPONSOR_CHECK_HOURS, the people of each request that still gives
 * access (its sponsor and its requester) are read from the directory, every distinct person once a
 * cycle, 300 a Graph round trip (Directory.accountStates). Like the redemption watcher, it claims
 * due checks from the requests table itself (`sponsor_check_at`, set when access starts, cleared
 * when it ends) with one conditional update, so instances share them and ended requests cost
 * nothing.
 * - A sponsor disabled or gone leaves the request without one: stored and audited with, in the same
 *   transaction, the requester's notice (take over, or name someone), the offer to the old
 *   sponsor's manager, and the end of access should nobody take over within ORPHAN_GRACE_DAYS.
 * - A requester disabled or gone: the sponsor is told, and hears from then on what the requester would.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { AccountState, Directory } from '../directory/directory';
import { DueCheckLoop } from '../jobs/dueCheckLoop';
import type { AccessRequest } from '../requests/accessRequest';
import type { RequestRepository } from '../requests/requestRepository';

interface SponsorWatcherDependencies {
  requests: RequestRepository;
  directory: Pick<Directory, 'accountStates'>;
  settings: Config['sponsorCheck'];
  logger: Logger;
  clock?: () => Date;
  /** How often to look for due checks. */
  tickMs?: number;
}

/** How often due checks are looked for: a tenth of the interval, between 1 s (a TIME_SCALE run) and a minute. */
const SHORTEST_TICK_MS = 1_000;
const LONGEST_TICK_MS = 60_000;

/**
 * Requests checked in one cycle. Their distinct people are read 300 a round trip, so a cycle of
 * 1,000 requests whose sponsors and requesters are 300 people costs one round trip.
 */
const REQUESTS_PER_CYCLE = 1_000;

type Left = Exclude<AccountState, 'enabled'>;

export interface SponsorCheckOutcome {
  /** Requests whose check was due and claimed. */
  checked: number;
  /** Distinct people read from the directory. */
  people: number;
  /** Requests left without a sponsor by this cycle. */
  unsponsored: number;
  /** Requests whose requester was found gone by this cycle. */
  requesterLeft: number;
}

export class SponsorWatcher {
  private readonly loop: DueCheckLoop | undefined;
  private readonly clock: () => Date;

  constructor(private readonly deps: SponsorWatcherDependencies) {
    this.clock = deps.clock ?? (() => new Date());
    const { intervalMs } = deps.settings;
    const tickMs = deps.tickMs ?? Math.min(LONGEST_TICK_MS, Math.max(SHORTEST_TICK_MS, intervalMs / 10));
    // SPONSOR_CHECK_HOURS=0 turns the check off: no loop, and access that starts sets no due time.
    this.loop = intervalMs > 0 ? new DueCheckLoop('sponsor check', () => this.checkDue(), tickMs, deps.logger) : undefined;
  }

  start(): void {
    this.loop?.start();
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
  }

  /** One cycle: every due request, its distinct people read in as few Graph round trips as Graph allows. */
  async checkDue(): Promise<SponsorCheckOutcome> {
    const now = this.clock();
    const due = await this.deps.requests.claimSponsorChecks(now, REQUESTS_PER_CYCLE, new Date(now.getTime() + this.deps.settings.intervalMs));
    const people = [...new Set(due.flatMap((request) => [request.sponsor.id, request.requester.id]))];
    const outcome: SponsorCheckOutcome = { checked: due.length, people: people.length, unsponsored: 0, requesterLeft: 0 };
    if (people.length === 0) return outcome;
    const accounts = await this.deps.directory.accountStates(people);
    const left = (id: string): Left | undefined => {
      const state = accounts.get(id);
      return state === 'disabled' || state === 'gone' ? state : undefined;
    };
    for (const request of due) {
      const sponsorLeft = left(request.sponsor.id);
      if (sponsorLeft && !request.sponsorLeftAt && (await this.leaveUnsponsored(request, sponsorLeft, now))) outcome.unsponsored += 1;
      const requesterLeft = left(request.requester.id);
      if (requesterLeft && !request.requesterLeftAt && (await this.requesterGone(request, requesterLeft, now))) outcome.requesterLeft += 1;
    }
    if (outcome.unsponsored + outcome.requesterLeft > 0) this.deps.logger.info(outcome, 'sponsor check');
    return outcome;
  }

  /** The request loses its sponsor, once: with it, the requester's notice, the manager's offer and the deadline. */
  private async leaveUnsponsored(request: AccessRequest, account: Left, now: Date): Promise<boolean> {
    const { sponsor } = request;
    const changed = await this.deps.requests.changeIf({
      id: request.id,
      states: ['invited', 'accepted'],
      onlyWhile: [
        { field: 'sponsorId', equals: sponsor.id },
        { field: 'sponsorLeftAt', equals: null },
      ],
      patch: { sponsorLeftAt: now.toISOString(), formerSponsor: { id: sponsor.id, displayName: sponsor.displayName }, sponsorshipOfferedToId: undefined },
      actor: { kind: 'system' },
      action: 'sponsorLeft',
      detail: { sponsorId: sponsor.id, account },
      jobs: [
        { kind: 'notifyRequester', requestId: request.id, notice: 'sponsorLeft' },
        { kind: 'offerSponsorship', requestId: request.id },
        // A job row written with the change: it checks when it runs whether nobody took over.
        { kind: 'endOrphanedAccess', requestId: request.id, runAt: new Date(now.getTime() + this.deps.settings.orphanGraceMs) },
      ],
    });
    return changed !== undefined;
  }

  /** The requester is gone, once: the sponsor is told, and from now on hears what the requester would. */
  private async requesterGone(request: AccessRequest, account: Left, now: Date): Promise<boolean> {
    const changed = await this.deps.requests.changeIf({
      id: request.id,
      states: ['invited', 'accepted'],
      onlyWhile: [{ field: 'requesterLeftAt', equals: null }],
      patch: { requesterLeftAt: now.toISOString() },
      actor: { kind: 'system' },
      action: 'requesterLeft',
      detail: { requesterId: request.requester.id, account },
      jobs: [{ kind: 'notifySponsor', requestId: request.id, notice: 'requesterLeft' }],
    });
    return changed !== undefined;
  }
}
