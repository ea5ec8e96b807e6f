import { deliverApprovalCard } from './deliverApprovalCard';
import { endAccess } from './endAccess';
import { expireRequest } from './expireRequest';
import { offerExtension } from './offerExtension';
import { remindApprover } from './remindApprover';
import { notifyRequester } from './notifyRequester';
import { notifySponsor } from './notifySponsor';
import type { ProvisioningContext } from './provisioningContext';
import { provisionGuest } from './provisionGuest';
import { reinviteGuest } from './reinviteGuest';
import { updateApprovalCard } from './updateApprovalCard';
import type { JobHandlers } from './worker';

/** Every job kind and the code that runs it. */
export function createJobHandlers(ctx: ProvisioningContext): JobHandlers {
  return {
    deliverApprovalCard: deliverApprovalCard(ctx),
    provisionGuest: provisionGuest(ctx),
    notifyRequester: notifyRequester(ctx),
    notifySponsor: notifySponsor(ctx),
    updateApprovalCard: updateApprovalCard(ctx),
    sendFreshLink: reinviteGuest(ctx, 'sendFreshLink'),
    sendInvitationEmail: reinviteGuest(ctx, 'sendInvitationEmail'),
    resetRedemption: reinviteGuest(ctx, 'resetRedemption'),
    remindApprover: remindApprover(ctx),
    expireRequest: expireRequest(ctx),
    offerExtension: offerExtension(ctx),
    endAccess: endAccess(ctx),
  };
}
