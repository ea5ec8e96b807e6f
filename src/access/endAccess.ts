/**
 * The access a request gave comes to an end: at its end date, when its sponsor ends it sooner,
 * when its provisioning failed after giving part of it (a failed request keeps nothing), or when
 * its invitation was withdrawn because nobody accepted it (access/withdrawInvitation). What the
 * bot gave for it is taken away, in a batch, and an ended request tells the requester and the
 * sponsor and updates the card. The bot takes away only what it gave (see requests/givenAccess):
 * - a membership or app role someone else gave, or another active request of the guest still
 *   gives, stays;
 * - GUEST_END_ACTION disables or deletes the account only when the bot's own invitation created it
 *   and no other request holds it;
 * - a withdrawn invitation deletes that same account whatever GUEST_END_ACTION says (a guest who
 *   never signed in has nothing to keep), once Graph, asked right before, says it is still not
 *   accepted: a guest who accepted in the last moment keeps their account;
 * - the decision is made holding the guest (see oneGuestAtATime), so requests of one guest ending
 *   together see each other's outcome.
 * Exactly once in effect: an end date moved later (an extension) leaves this run with nothing to
 * do; what is already gone counts as removed, and what was removed is recorded before the request
 * moves on, so a retry after a crash or a partial failure sends only what is left.
 */
import type { RevocableGrant } from '../directory/directory';
import type { GuestEndAction } from '../config';
import { resourceGrantsFor } from '../requests/accessPlan';
import { throwIfAnyFailed } from './partialFailure';
import type { AccessRequest } from '../requests/accessRequest';
import { resourcesByIds } from '../requests/catalog';
import { type GivenGrant, planTakeBack, type TakeBackPlan } from '../requests/givenAccess';
import type { JobLease } from '../requests/jobs';
import { holdGuestOf } from '../jobs/oneGuestAtATime';
import type { JobContext } from '../jobs/jobContext';
import { PermanentJobError } from '../jobs/retryPolicy';
import type { JobHandler } from '../jobs/worker';

export function endAccess(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const due = await ctx.requests.get(job.requestId);
      if (!due || !isDue(ctx, due)) return;
      await holdGuestOf(ctx, due, job.lease);
      // Read again now that no other job decides for this guest: one may have just finished.
      let request = await ctx.requests.get(job.requestId);
      if (!request || !isDue(ctx, request)) return;
      const from = request.state;
      const guestId = request.invitedUserId;
      let taken: TakenBack | undefined;
      if (guestId) {
        taken = await takeBack(ctx, request, guestId, job.lease);
        request = taken.request;
      }
      const detail = {
        removed: request.removedResourceIds ?? [],
        keptForOtherRequests: taken?.plan.keptForOtherRequests ?? [],
        notGivenByBot: taken?.plan.notGivenByBot ?? [],
        guestAccount: taken?.guestAction ?? 'none',
      };

      if (from === 'failed' || from === 'withdrawn') {
        await ctx.requests.changeIf({
          id: request.id,
          states: [from],
          patch: { endedAt: ctx.clock().toISOString() },
          actor: { kind: 'system' },
          action: 'accessTakenBack',
          detail,
          lease: job.lease,
        });
        return;
      }
      await ctx.requests.transition({
        id: request.id,
        from,
        to: 'ended',
        actor: { kind: 'system' },
        patch: {
          endedAt: ctx.clock().toISOString(),
          endReason: request.endReason ?? 'endDate',
          inviteRedeemUrl: undefined,
          redemptionCheckAt: undefined,
        },
        detail,
        lease: job.lease,
      });
    },

    async giveUp(job) {
      // The access could not be removed: the request stays as it is, honestly, and the sponsor
      // hears it so they can ask IT (the log names the Graph error and the setting).
      await ctx.queue.enqueue([{ kind: 'notifySponsor', requestId: job.requestId, notice: 'endFailed' }], job.lease);
    },
  };
}

/** Granted access past its end date, or a failed or withdrawn request whose access has not been taken back yet. */
function isDue(ctx: JobContext, request: AccessRequest): boolean {
  if (request.state === 'failed' || request.state === 'withdrawn') return request.endedAt === undefined;
  if (request.state !== 'invited' && request.state !== 'accepted') return false;
  return request.endsAt !== undefined && ctx.clock().getTime() >= Date.parse(request.endsAt);
}

/**
 * What became of the guest's account: GUEST_END_ACTION's; on a withdrawal, `keptAccepted` when
 * Graph said they had accepted after all, `alreadyGone` when someone had deleted it.
 */
type AccountOutcome = GuestEndAction | 'keptAccepted' | 'alreadyGone';

interface TakenBack {
  request: AccessRequest;
  plan: TakeBackPlan;
  guestAction: AccountOutcome;
}

async function takeBack(ctx: JobContext, request: AccessRequest, guestId: string, lease: JobLease): Promise<TakenBack> {
  const others = await ctx.requests.activeForGuest({ id: guestId, email: request.guestEmail }, request.id);
  const accountCreatedByBot = await ctx.given.accountCreatedByBot(guestId);
  const plan = planTakeBack(request, await ctx.given.of(guestId), others, accountCreatedByBot);
  if (plan.remove.length > 0) {
    const outcomes = await ctx.directory.revoke(
      guestId,
      plan.remove.map((given) => grantOf(ctx, given)),
    );
    const done = outcomes.filter((o) => o.result !== 'failed').map((o) => o.grant.resourceId);
    if (done.length > 0) request = await ctx.given.recordRemoved(guestId, request.id, done, lease);
    throwIfAnyFailed(outcomes, 'revoke');
  }
  const guestAction = plan.accountIsTheBots ? await accountAction(ctx, request, guestId) : 'none';
  if (guestAction === 'disable') await ctx.directory.disableUser(guestId);
  if (guestAction === 'delete') await ctx.directory.deleteUser(guestId);
  return { request, plan, guestAction };
}

/**
 * What to do with an account the bot made and nothing else holds: GUEST_END_ACTION's choice, but
 * on a withdrawn invitation, delete it, unless the guest has accepted after all (read from Graph
 * now, one GET: the watcher may not have asked for hours, and the link kept working until now).
 */
async function accountAction(ctx: JobContext, request: AccessRequest, guestId: string): Promise<AccountOutcome> {
  if (request.state !== 'withdrawn') return ctx.guestEndAction;
  const guest = await ctx.directory.getUser(guestId);
  if (!guest) return 'alreadyGone';
  return guest.externalUserState === 'Accepted' ? 'keptAccepted' : 'delete';
}

/** What was granted, as recorded; for grants recorded before that was kept, what the catalog says. */
function grantOf(ctx: JobContext, given: GivenGrant): RevocableGrant {
  if (given.grant) return given.grant;
  try {
    return resourceGrantsFor(resourcesByIds(ctx.catalog, [given.resourceId]))[0];
  } catch (error) {
    throw new PermanentJobError((error as Error).message, 'resourceMissing');
  }
}
