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
    });
  } catch (error) {
    if (error instanceof DirectoryError && !error.transient) {
      throw new PermanentJobError(`Microsoft Entra refused the invitation: ${error.message}`, 'rejectedByDirectory');
    }
    throw error;
  }
}
