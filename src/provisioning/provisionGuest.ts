/**
 * After approval: the guest policy once more (it may have changed since the request was filed),
 * the invitation, then every membership, app role and the sponsor in one Graph batch, then the
 * request moves to `invited` with the notices that follow. Each step can run again after a crash
 * without inviting twice: the invitation is recorded before the grants, and grants that already
 * exist count as done.
 */
import { DirectoryError } from '../directory/directory';
import { translatorFor } from '../i18n';
import { maskPersonalData } from '../logging/personalData';
import { grantsFor, invitationRedirectUrl } from '../requests/accessPlan';
import type { AccessRequest } from '../requests/accessRequest';
import { type Resource, resourcesByIds } from '../requests/catalog';
import type { FailureReason } from '../requests/failureReason';
import { checkGuestAddress, domainOf } from '../requests/policy';
import type { ProvisioningContext } from './provisioningContext';
import { PermanentJobError } from './retryPolicy';
import type { JobHandler } from './worker';

export function provisionGuest(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      if (!request || request.state !== 'approved') return;
      assertGuestStillAllowed(ctx, request);
      const resources = catalogEntriesOf(ctx, request);

      if (!request.invitedUserId) request = await invite(ctx, request, resources);
      const invitedUserId = request.invitedUserId as string;

      const outcomes = await ctx.directory.grant(invitedUserId, grantsFor(request, resources));
      const failed = outcomes.filter((o) => o.result === 'failed');
      if (failed.length > 0) {
        const details = failed.map((o) => `${o.grant.kind} ${'resourceId' in o.grant ? o.grant.resourceId : o.grant.sponsorId}: ${o.error?.message ?? 'failed'}`).join('; ');
        if (failed.some((o) => o.error?.transient)) {
          throw new DirectoryError(`Some access could not be granted yet: ${details}`, 503, 'partialGrant', true, Math.max(...failed.map((o) => o.error?.retryAfterMs ?? 0)));
        }
        throw new PermanentJobError(`Access could not be granted: ${details}`, 'grantsFailed');
      }

      await ctx.requests.transition({
        id: request.id,
        from: 'approved',
        to: 'invited',
        actor: { kind: 'system' },
        detail: { invitedUserId, grants: outcomes.map((o) => ({ kind: o.grant.kind, result: o.result })) },
        jobs: [
          { kind: 'notifyRequester', requestId: request.id, notice: 'invited' },
          { kind: 'updateApprovalCard', requestId: request.id },
        ],
      });
    },

    async giveUp(job, error) {
      const reason: FailureReason = error instanceof PermanentJobError ? (error.reason as FailureReason) : 'unavailable';
      await ctx.requests.transition({
        id: job.requestId,
        from: 'approved',
        to: 'failed',
        actor: { kind: 'system' },
        patch: { failureReason: reason },
        detail: { error: maskPersonalData(error instanceof Error ? error.message : String(error)) },
        jobs: [
          { kind: 'notifyRequester', requestId: job.requestId, notice: 'failed' },
          { kind: 'notifySponsor', requestId: job.requestId, notice: 'failed' },
          { kind: 'updateApprovalCard', requestId: job.requestId },
        ],
      });
    },
  };
}

/** The same address rules as when the request was filed, with today's settings. */
function assertGuestStillAllowed(ctx: ProvisioningContext, request: AccessRequest): void {
  const policy = { ...ctx.guestPolicy, internalDomains: [...ctx.guestPolicy.internalDomains, domainOf(request.requester.address)] };
  const check = checkGuestAddress(request.guestEmail, policy);
  if (!check.ok) {
    throw new PermanentJobError(`The guest policy no longer allows this guest (${check.problem}, domain ${domainOf(request.guestEmail)}).`, check.problem);
  }
}

function catalogEntriesOf(ctx: ProvisioningContext, request: AccessRequest): Resource[] {
  try {
    return resourcesByIds(ctx.catalog, request.resourceIds);
  } catch (error) {
    throw new PermanentJobError((error as Error).message, 'resourceMissing');
  }
}

async function invite(ctx: ProvisioningContext, request: AccessRequest, resources: Resource[]): Promise<AccessRequest> {
  const t = translatorFor(request.requesterLocale);
  try {
    const invitation = await ctx.directory.invite({
      email: request.guestEmail,
      redirectUrl: invitationRedirectUrl(resources, request.tenantId),
      sendInvitationMessage: ctx.sendInvitationEmail,
      messageBody: t('notify.invitationMessage', { requester: request.requester.displayName }),
    });
    return await ctx.requests.update(
      request.id,
      { invitedUserId: invitation.invitedUserId, inviteRedeemUrl: invitation.inviteRedeemUrl },
      { kind: 'system' },
      'invitationCreated',
    );
  } catch (error) {
    if (error instanceof DirectoryError && !error.transient) {
      throw new PermanentJobError(`Microsoft Entra refused the invitation: ${error.message}`, 'rejectedByDirectory');
    }
    throw error;
  }
}
