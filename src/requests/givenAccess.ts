/**
 * What the bot gave each guest, and so what it may take away. The directory is shared: other
 * people and tools give guests memberships, app roles and accounts too, and several requests of
 * one guest overlap. So the bot keeps, per guest and catalog resource, whether it added the access
 * itself, and whether its own invitation created the account; at the end of a request it takes
 * away only what it added and no other active request of the guest still needs, and acts on the
 * account only when it created it and nothing else holds it. Decisions about one guest are made
 * one at a time (the jobs that make them hold the guest, see JobQueue.holdGuest), so two requests
 * ending together cannot each keep a resource for the other.
 */
import type { GrantOutcome, RevocableGrant } from '../directory/directory';
import type { AccessRequest } from './accessRequest';
import type { JobLease } from './jobs';

export interface GivenGrant {
  resourceId: string;
  /** What was granted, as it was granted (the catalog may have changed since); unset: as the catalog says. */
  grant?: RevocableGrant;
  /**
   * `given`: the bot added it. `adding`: the bot asked Graph to add it and never recorded the
   * answer (a crash, a lost response), so nobody can tell whether it was there before.
   */
  state: 'adding' | 'given';
  /** The request whose provisioning added it. */
  requestId: string;
}

/** The port: where the bot keeps what it gave. Every write under a job's lease. */
export interface GivenAccess {
  /** What the bot gave (or was adding to) this guest. */
  of(guestId: string): Promise<GivenGrant[]>;
  /** Whether one of the bot's own invitations created this guest's account. */
  accountCreatedByBot(guestId: string): Promise<boolean>;
  /**
   * Before asking Graph: these grants are being added for `requestId`. Resources the guest already
   * has a row for are left as they are; the ids of those newly marked are returned.
   */
  markAdding(guestId: string, requestId: string, grants: ReadonlyArray<{ resourceId: string; grant: RevocableGrant }>, lease: JobLease): Promise<string[]>;
  /** After Graph answered: `given` resources are the bot's; `forgotten` ones are not (they were there before, or never made). */
  settle(guestId: string, requestId: string, settled: SettledGrants, lease: JobLease): Promise<void>;
  /**
   * Taken away from the guest for `requestId`: forgotten here, and added to the request's
   * `removedResourceIds`, in one transaction. The request as it stands.
   */
  recordRemoved(guestId: string, requestId: string, resourceIds: readonly string[], lease: JobLease): Promise<AccessRequest>;
}

export interface SettledGrants {
  given: string[];
  forgotten: string[];
}

/** Where each resource stood before this attempt asked Graph: marked by it (`fresh`), or a row from before. */
export type StateBefore = 'fresh' | GivenGrant['state'];

/**
 * What Graph's answers to the grants make of the bot's record. Added now: the bot's. Already there:
 * the bot's if it was the bot's before; someone else's if this attempt was the first to ask; after
 * an earlier attempt whose answer was lost, the bot's only on an account the bot created (nobody
 * else had given that account anything before the bot first asked). Failed: not made, unless a
 * transient failure may have made it, which the next attempt settles.
 */
export function settleGrants(outcomes: readonly GrantOutcome[], before: ReadonlyMap<string, StateBefore>, accountCreatedByBot: boolean): SettledGrants {
  const settled: SettledGrants = { given: [], forgotten: [] };
  for (const outcome of outcomes) {
    if (outcome.grant.kind === 'sponsor') continue;
    const resourceId = outcome.grant.resourceId;
    const was = before.get(resourceId);
    if (was === undefined) continue;
    if (outcome.result === 'granted') settled.given.push(resourceId);
    else if (outcome.result === 'alreadyPresent') {
      if (was === 'given' || (was === 'adding' && accountCreatedByBot)) settled.given.push(resourceId);
      else settled.forgotten.push(resourceId);
    } else if (was === 'fresh' && !outcome.error?.transient) settled.forgotten.push(resourceId);
  }
  return settled;
}

export interface TakeBackPlan {
  /** What to remove now: the bot gave it, and no other active request of the guest needs it. */
  remove: GivenGrant[];
  /** Resources of the request another active request of the guest still gives. */
  keptForOtherRequests: string[];
  /** Resources of the request the bot did not give (someone else had), which it leaves alone. */
  notGivenByBot: string[];
  /** Whether the account may be disabled or deleted: the bot created it and nothing else holds it. */
  accountIsTheBots: boolean;
}

/**
 * What ending `request` takes away from its guest, given what the bot gave the guest and the
 * guest's other active requests. An `adding` row is counted as given only on an account the bot
 * created (see settleGrants); elsewhere it is left, since it may be someone else's.
 */
export function planTakeBack(
  request: AccessRequest,
  given: readonly GivenGrant[],
  others: readonly AccessRequest[],
  accountCreatedByBot: boolean,
): TakeBackPlan {
  const needed = new Set(others.flatMap((other) => other.resourceIds));
  const removed = new Set(request.removedResourceIds ?? []);
  const plan: TakeBackPlan = { remove: [], keptForOtherRequests: [], notGivenByBot: [], accountIsTheBots: accountCreatedByBot && others.length === 0 };
  for (const resourceId of request.resourceIds) {
    if (removed.has(resourceId)) continue;
    const row = given.find((g) => g.resourceId === resourceId);
    const theBots = row !== undefined && (row.state === 'given' || accountCreatedByBot);
    if (needed.has(resourceId)) plan.keptForOtherRequests.push(resourceId);
    else if (row && theBots) plan.remove.push(row);
    else plan.notGivenByBot.push(resourceId);
  }
  return plan;
}
