import { deliverApprovalCard } from '../approvals/deliverApprovalCard';
import { endAccess } from '../access/endAccess';
import { expireRequest } from '../approvals/expireRequest';
import { offerExtension } from '../approvals/offerExtension';
import { remindApprover } from '../approvals/remindApprover';
import { notifyRequester } from '../notices/notifyRequester';
import { notifySponsor } from '../notices/notifySponsor';
import type { JobContext } from './jobContext';
import { provisionGuest } from '../access/provisionGuest';
import { reinviteGuest } from '../access/reinviteGuest';
import { updateApprovalCard } from '../approvals/updateApprovalCard';
import type { JobHandlers } from './worker';

/** Every job kind and the code that runs it. */
export function createJobHandlers(ctx: JobContext): JobHandlers {
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
