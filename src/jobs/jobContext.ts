import type { Config, GuestEndAction } from '../config';
import type { Timing } from '../requests/timers';
import type { Directory } from '../directory/directory';
import type { ResourceCatalog } from '../requests/catalog';
import type { GivenAccess } from '../requests/givenAccess';
import type { GuestPolicy } from '../requests/policy';
import type { RequestRepository } from '../requests/requestRepository';
import type { TenantPolicy } from '../requests/tenantPolicy';
import type { TimerSettings } from '../requests/timers';
import type { JobQueue } from '../storage/jobQueue';
import type { Messenger } from '../messaging/messenger';

/** What the job handlers work with; the composition root builds it once. */
export interface JobContext {
  requests: RequestRepository;
  /** What the bot gave each guest: what it may take away. */
  given: GivenAccess;
  queue: JobQueue;
  catalog: ResourceCatalog;
  directory: Directory;
  messenger: Messenger;
  sendInvitationEmail: boolean;
  /** Checked again before inviting: the settings may have changed since the request was filed. */
  guestPolicy: GuestPolicy;
  /** The tenant's own external-collaboration settings, read anew before inviting. */
  tenantPolicy: Pick<TenantPolicy, 'checkNow' | 'checkNowEach'>;
  /** When the redemption watcher first checks on a new guest (see RedemptionWatcher). */
  redemption: Pick<Config['redemption'], 'firstCheckMs'>;
  /** Unauthenticated runs only: an unreachable sponsor's card goes to the requester as a local test. */
  localTestsAllowed: boolean;
  /** Reminders, expiry, the offer to extend and the end of access. */
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  /** What happens to a guest's account when the last access they were given ends. */
  guestEndAction: GuestEndAction;
  /** INACTIVE_GUEST_DAYS, as set: the sponsor's card about an idle guest says it. */
  inactiveGuestDays: number;
  /** The directory is the local simulator: nothing is really emailed, and messages must not say it was. */
  directorySimulated: boolean;
  /** SPONSOR_CHECK_HOURS and ORPHAN_GRACE_DAYS, as the timers count them. */
  sponsorCheck: Config['sponsorCheck'];
  /** Now, as every timer counts it; tests move it forward. */
  clock: () => Date;
}
