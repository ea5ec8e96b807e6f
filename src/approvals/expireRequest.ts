/**
 * APPROVAL_TIMEOUT_DAYS after a request was filed (or an owner stage opened), if nobody has
 * decided: it expires. The card
 * then says so (a later click gets the same), and the requester is told, with a button to file
 * it again.
 */
import { isAwaitingDecision } from '../requests/lifecycle';
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

async function stillPending(ctx: JobContext, requestId: string, stage: number): Promise<boolean> {
  return (await ctx.requests.stagesOf(requestId)).some((s) => s.stage === stage && s.state === 'pending');
}

export function expireRequest(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request || !isAwaitingDecision(request.state)) return;
      // Each approval waits its own time: the sponsor's from filing, an owner stage's from its opening.
      if (job.stage === undefined ? request.state !== 'pending_approval' : !(await stillPending(ctx, request.id, job.stage))) return;
      await ctx.requests.transition({
        id: request.id,
        from: request.state,
        to: 'expired',
        actor: { kind: 'system' },
        detail: { undecidedFor: 'APPROVAL_TIMEOUT_DAYS', ...(job.stage ? { stage: job.stage } : {}) },
        lease: job.lease,
      });
    },
  };
}
