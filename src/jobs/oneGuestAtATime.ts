/**
 * Jobs that decide what a guest has (granting it, taking it away) run one at a time per guest, so
 * each sees the others' outcome: two requests ending together cannot each keep a shared resource
 * for the other, and a grant cannot land between another request's look and its removal. A job
 * that finds the guest held waits a moment, without it counting as a failed attempt.
 */
import type { AccessRequest } from '../requests/accessRequest';
import { type JobLease, JobMustWait } from '../requests/jobs';
import type { JobContext } from './jobContext';

/** Long enough for the holder to get on; short enough that nobody notices the wait. */
const WAIT_FOR_GUEST_MS = 1_000;

export async function holdGuestOf(ctx: Pick<JobContext, 'queue'>, request: Pick<AccessRequest, 'id' | 'guestEmail'>, lease: JobLease): Promise<void> {
  if (await ctx.queue.holdGuest(request.guestEmail.toLowerCase(), lease)) return;
  throw new JobMustWait(`another job is deciding what the guest of ${request.id} has`, WAIT_FOR_GUEST_MS);
}
