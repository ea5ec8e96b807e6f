/**
 * The handler registry: every job kind and the code that runs it, by capability. It stands above
 * the rooms it draws on, beside the composition root; the worker (jobs/worker.ts) looks a claimed
 * job's kind up here. A new kind of job is added to requests/jobs.ts, then here.
 */
import { endAccess } from './access/endAccess';
import { endOrphanedAccess } from './access/endOrphanedAccess';
import { provisionGuest } from './access/provisionGuest';
import { reinviteGuest } from './access/reinviteGuest';
import { withdrawInvitation } from './access/withdrawInvitation';
import { askAboutInactiveGuest } from './approvals/askAboutInactiveGuest';
import { deliverApprovalCard } from './approvals/deliverApprovalCard';
import { expireRequest } from './approvals/expireRequest';
import { handOverSponsorship } from './approvals/handOverSponsorship';
import { offerExtension } from './approvals/offerExtension';
import { offerSponsorship } from './approvals/offerSponsorship';
import { remindApprover } from './approvals/remindApprover';
import { updateApprovalCard } from './approvals/updateApprovalCard';
import type { JobContext } from './jobs/jobContext';
import type { JobHandlers } from './jobs/worker';
import { notifyRequester } from './notices/notifyRequester';
import { notifySponsor } from './notices/notifySponsor';

export function createJobHandlers(ctx: JobContext): JobHandlers {
  return {
    // Giving and taking away access.
    provisionGuest: provisionGuest(ctx),
    sendFreshLink: reinviteGuest(ctx, 'sendFreshLink'),
    sendInvitationEmail: reinviteGuest(ctx, 'sendInvitationEmail'),
    resetRedemption: reinviteGuest(ctx, 'resetRedemption'),
    endAccess: endAccess(ctx),
    withdrawInvitation: withdrawInvitation(ctx),
    endOrphanedAccess: endOrphanedAccess(ctx),
    // Approvals: the cards, their reminders and expiry, the offer to extend, the question about an idle guest.
    deliverApprovalCard: deliverApprovalCard(ctx),
    updateApprovalCard: updateApprovalCard(ctx),
    remindApprover: remindApprover(ctx),
    expireRequest: expireRequest(ctx),
    offerExtension: offerExtension(ctx),
    // A sponsor who left: the offer to their manager, and the change once someone takes over.
    offerSponsorship: offerSponsorship(ctx),
    handOverSponsorship: handOverSponsorship(ctx),
    askAboutInactiveGuest: askAboutInactiveGuest(ctx),
    // What people are told.
    notifyRequester: notifyRequester(ctx),
    notifySponsor: notifySponsor(ctx),
  };
}
