/**
 * Inviting a guest, the first time (provisionGuest) or again (reinviteGuest): the same invitation
 * to Graph, the same reading of a refusal, and the same start of the watch for their acceptance.
 */
import { DirectoryError, type Invitation } from '../directory/directory';
import { translatorFor } from '../i18n';
import type { AccessRequest } from '../requests/accessRequest';
import { invitationRedirectUrl } from '../requests/accessPlan';
import type { Resource } from '../requests/catalog';
import type { JobContext } from '../jobs/jobContext';
import { PermanentJobError } from '../jobs/retryPolicy';
import type { TenantPolicyProblem } from '../requests/tenantPolicy';

interface InvitationOptions {
  sendInvitationMessage: boolean;
  /** Reset the guest's redemption rather than invite them (see Directory's InvitationInput). */
  resetRedemption?: boolean;
}

/** Invites the request's guest to its resources; a refusal Graph will repeat stops the job for good. */
export async function inviteGuest(ctx: JobContext, request: AccessRequest, resources: readonly Resource[], options: InvitationOptions): Promise<Invitation> {
  try {
    return await ctx.directory.invite({
      email: request.guestEmail,
      redirectUrl: invitationRedirectUrl(resources, request.tenantId),
      sendInvitationMessage: options.sendInvitationMessage,
      messageBody: translatorFor(request.requesterLocale)('notify.invitationMessage', { requester: request.requester.displayName }),
      resetRedemptionOf: options.resetRedemption ? request.invitedUserId : undefined,
      sponsorIds: [request.sponsor.id],
    });
  } catch (error) {
    if (error instanceof DirectoryError && !error.transient) {
      const reason = (await tenantRefusalIn(ctx, request, error)) ?? 'rejectedByDirectory';
      throw new PermanentJobError(`Microsoft Entra refused the invitation: ${error.message}`, reason);
    }
    throw error;
  }
}

/**
 * Whether Entra refused for the tenant's own settings, which may have changed since they were
 * read: by the documented wording of a cross-tenant access block, else by the settings read anew.
 */
async function tenantRefusalIn(ctx: JobContext, request: AccessRequest, error: DirectoryError): Promise<TenantPolicyProblem | undefined> {
  if (/blocked by cross-tenant access settings/i.test(error.message)) return 'tenantBlocksOrganization';
  try {
    const check = await ctx.tenantPolicy.checkNow(request.guestEmail);
    return check.ok ? undefined : check.problem;
  } catch {
    return undefined;
  }
}
