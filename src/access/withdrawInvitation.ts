/**
 * An invitation nobody accepts is withdrawn (PENDING_GUEST_DAYS): a timer queued with the change
 * that sent the invitation (requests/timers, withdrawalTimers), due at the request's
 * `withdrawalDueAt`. When it runs it checks that it still applies: the request is still invited,
 * its due time has come (a fresh link, Microsoft's email or a reset before the guest accepted
 * moved it later, with a timer of its own), and the setting is still on.
 *
 * The redemption watcher may see the guest accept at the same moment, and it asks Graph only every
 * few hours by then: so the guest's state is read from Graph first, and a guest who accepted moves
 * the request to `accepted` here as the watcher would. Otherwise the request moves `invited` →
 * `withdrawn`, a conditional change of which only one of the two wins. What follows comes from
 * requests/followUp.ts: the card, the requester's and the sponsor's notices, and the take-back
 * (access/endAccess), which removes only what the bot gave and deletes the account only when the
 * bot's own invitation made it, nothing else holds it, and Graph still says it was never accepted.
 */
import type { AccessRequest } from '../requests/accessRequest';
import type { JobContext } from '../jobs/jobContext';
import { holdGuestOf } from '../jobs/oneGuestAtATime';
import type { JobHandler } from '../jobs/worker';
import { acceptance } from './redemptionWatcher';

export function withdrawInvitation(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const due = await ctx.requests.get(job.requestId);
      if (!due || !isDue(ctx, due)) return;
      // The take-back that follows decides for this guest; so does this, with what Graph says now.
      await holdGuestOf(ctx, due, job.lease);
      const request = await ctx.requests.get(job.requestId);
      if (!request || !isDue(ctx, request)) return;
      const now = ctx.clock();

      const guest = request.invitedUserId ? await ctx.directory.getUser(request.invitedUserId) : undefined;
      if (guest?.externalUserState === 'Accepted') {
        // Accepted since the watcher last asked: they are not withdrawn, and hear what the watcher would have told them.
        await ctx.requests.transition({
          id: request.id,
          from: 'invited',
          to: 'accepted',
          actor: { kind: 'system' },
          patch: acceptance({ state: 'Accepted', changedAt: guest.externalUserStateChangedAt }, now),
          detail: { externalUserStateChangeDateTime: guest.externalUserStateChangedAt, seenBy: 'withdrawal' },
          lease: job.lease,
        });
        return;
      }
      await ctx.requests.transition({
        id: request.id,
        from: 'invited',
        to: 'withdrawn',
        actor: { kind: 'system' },
        // The redeem link is a credential: forgotten. The watcher has nobody left to follow.
        patch: { withdrawnAt: now.toISOString(), inviteRedeemUrl: undefined, redemptionCheckAt: undefined },
        // A fresh link stored meanwhile gave the guest the whole wait again.
        onlyWhile: [{ field: 'withdrawalDueAt', equals: request.withdrawalDueAt ?? null }],
        detail: {
          invitedAt: request.invitedAt,
          withdrawalDueAt: request.withdrawalDueAt,
          // Gone from the directory already (someone deleted them): there is nothing left to delete.
          guestInDirectory: guest !== undefined,
        },
        lease: job.lease,
      });
    },
  };
}

/** Still invited, its due time come, and the withdrawal still on (PENDING_GUEST_DAYS=0 turns it off, for timers queued before too). */
function isDue(ctx: Pick<JobContext, 'clock' | 'timing'>, request: AccessRequest): boolean {
  if (ctx.timing.pendingGuestMs <= 0) return false;
  if (request.state !== 'invited' || !request.withdrawalDueAt) return false;
  return ctx.clock().getTime() >= Date.parse(request.withdrawalDueAt);
}
