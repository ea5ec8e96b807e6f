/**
 * APPROVAL_TIMEOUT_DAYS after a request was filed, if nobody has decided: it expires. The card
 * then says so (a later click gets the same), and the requester is told, with a button to file
 * it again.
 */
import { isAwaitingDecision } from '../requests/lifecycle';
import type { ProvisioningContext } from './provisioningContext';
import type { JobHandler } from './worker';

export function expireRequest(ctx: ProvisioningContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request || !isAwaitingDecision(request.state)) return;
      await ctx.requests.transition({
        id: request.id,
        from: request.state,
        to: 'expired',
        actor: { kind: 'system' },
        detail: { undecidedFor: 'APPROVAL_TIMEOUT_DAYS' },
        lease: job.lease,
        jobs: [
          { kind: 'updateApprovalCard', requestId: request.id },
          { kind: 'notifyRequester', requestId: request.id, notice: 'expired' },
        ],
      });
    },
  };
}
