/**
 * At a request's end date (or at once, when its sponsor ends it sooner): the guest's memberships
 * and app roles for that request's resources are removed, in a batch, and the request is `ended`,
 * which tells the requester and the sponsor and updates the card. Exactly once in effect:
 * - an end date moved later (an extension) leaves this run with nothing to do;
 * - what another of the guest's active requests also gives is kept;
 * - what is already gone counts as removed, and what was removed is recorded before the request
 *   moves on, so a retry after a crash or a partial failure sends only what is left;
 * - when the guest has no other active request, GUEST_END_ACTION may disable or delete the account.
 */
import { DirectoryError, type RevokeOutcome } from '../directory/directory';
import { maskPersonalData } from '../logging/personalData';
import { resourceGrantsFor } from '../requests/accessPlan';
import type { AccessRequest } from '../requests/accessRequest';
import { resourcesByIds } from '../requests/catalog';
import type { JobLease } from '../requests/jobs';
import type { ProvisioningContext } from './provisioningContext';
import { PermanentJobError } from './retryPolicy';
import type { JobHandler } from './worker';

export function endAccess(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      if (!request?.endsAt || (request.state !== 'invited' && request.state !== 'accepted')) return;
      if (ctx.clock().getTime() < Date.parse(request.endsAt)) return;
      const from = request.state;
      const guestId = request.invitedUserId;
      const others = guestId ? await ctx.requests.activeForGuest(guestId, request.id) : [];
      const keptIds = new Set(others.flatMap((other) => other.resourceIds));
      const removed = new Set(request.removedResourceIds ?? []);
      const toRemove = resourcesByIds(ctx.catalog, request.resourceIds).filter((r) => !removed.has(r.id) && !keptIds.has(r.id));

      if (guestId && toRemove.length > 0) {
        const outcomes = await ctx.directory.revoke(guestId, resourceGrantsFor(toRemove));
        request = await recordRemoved(ctx, request, outcomes, job.lease);
        throwIfAnyFailed(outcomes);
      }
      const guestAction = guestId && others.length === 0 ? ctx.guestEndAction : 'none';
      if (guestId && guestAction === 'disable') await ctx.directory.disableUser(guestId);
      if (guestId && guestAction === 'delete') await ctx.directory.deleteUser(guestId);

      await ctx.requests.transition({
        id: request.id,
        from,
        to: 'ended',
        actor: { kind: 'system' },
        patch: { endedAt: ctx.clock().toISOString(), endReason: request.endReason ?? 'endDate', inviteRedeemUrl: undefined, redemptionCheckAt: undefined },
        detail: {
          removed: request.removedResourceIds ?? [],
          keptForOtherRequests: request.resourceIds.filter((id) => keptIds.has(id)),
          guestAccount: guestAction,
        },
        lease: job.lease,
        jobs: [
          { kind: 'notifyRequester', requestId: request.id, notice: 'ended' },
          { kind: 'notifySponsor', requestId: request.id, notice: 'ended' },
          { kind: 'updateApprovalCard', requestId: request.id },
        ],
      });
    },

    async giveUp(job) {
      // The access could not be removed: the request stays as it is, honestly, and the sponsor
      // hears it so they can ask IT (the log names the Graph error and the setting).
      await ctx.queue.enqueue([{ kind: 'notifySponsor', requestId: job.requestId, notice: 'endFailed' }], job.lease);
    },
  };
}

async function recordRemoved(ctx: ProvisioningContext, request: AccessRequest, outcomes: readonly RevokeOutcome[], lease: JobLease): Promise<AccessRequest> {
  const done = outcomes.filter((o) => o.result !== 'failed').map((o) => o.grant.resourceId);
  if (done.length === 0) return request;
  const removedResourceIds = [...new Set([...(request.removedResourceIds ?? []), ...done])];
  return ctx.requests.update(request.id, { removedResourceIds }, { kind: 'system' }, 'accessRemoved', lease);
}

function throwIfAnyFailed(outcomes: readonly RevokeOutcome[]): void {
  const failed = outcomes.filter((o) => o.result === 'failed');
  if (failed.length === 0) return;
  const details = maskPersonalData(failed.map((o) => `${o.grant.kind} ${o.grant.resourceId}: ${o.error?.message ?? 'failed'}`).join('; '));
  if (failed.some((o) => o.error?.transient)) {
    throw new DirectoryError(`Some access could not be removed yet: ${details}`, 503, 'partialRevoke', true, Math.max(...failed.map((o) => o.error?.retryAfterMs ?? 0)));
  }
  throw new PermanentJobError(`Access could not be removed: ${details}`, 'revokeFailed');
}
