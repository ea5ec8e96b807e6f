/**
 * ORPHAN_GRACE_DAYS after a request lost its sponsor, with nobody having taken over, its access
 * ends as it would at its end date: the end date moves to now, and the usual end of access
 * (endAccess: only what the bot gave is taken away; the requester and the card are told) follows,
 * queued in the same transaction. Written as a job row when the sponsor left; it checks when it
 * runs whether it still applies: someone took over (the request has a sponsor again), or took
 * over and then lost one again (a later deadline of its own), or the access ended already.
 */
import type { JobContext } from '../jobs/jobContext';
import type { JobHandler } from '../jobs/worker';

export function endOrphanedAccess(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      const request = await ctx.requests.get(job.requestId);
      if (!request?.sponsorLeftAt || !['invited', 'accepted'].includes(request.state)) return;
      const now = ctx.clock();
      if (now.getTime() < Date.parse(request.sponsorLeftAt) + ctx.sponsorCheck.orphanGraceMs) return;
      // The access ends now rather than later; an end date already past is left as it is.
      const endsAt = request.endsAt && Date.parse(request.endsAt) < now.getTime() ? request.endsAt : now.toISOString();
      await ctx.requests.changeIf({
        id: request.id,
        states: ['invited', 'accepted'],
        onlyWhile: [{ field: 'sponsorLeftAt', equals: request.sponsorLeftAt }],
        patch: { endsAt, endReason: 'noSponsor' },
        actor: { kind: 'system' },
        action: 'noSponsorTookOver',
        detail: { sponsorLeftAt: request.sponsorLeftAt, formerSponsorId: request.formerSponsor?.id, endsAt },
        jobs: [{ kind: 'endAccess', requestId: request.id }],
        lease: job.lease,
      });
    },
  };
}
