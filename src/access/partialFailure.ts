/**
 * Some of one `$batch` of grants or removals failed: the job is tried again later when any failure
 * is worth retrying (throttling, an outage, a guest not replicated yet), waiting as long as Graph
 * asked; otherwise it gives up, naming each failure. What succeeded is recorded by the caller
 * first, so a retry sends only what is left.
 */
import { DirectoryError, type GrantOutcome, type RevokeOutcome } from '../directory/directory';
import { PermanentJobError } from '../jobs/retryPolicy';
import { maskPersonalData } from '../logging/personalData';

const WORDING = {
  grant: { retry: 'Some access could not be granted yet', giveUp: 'Access could not be granted', code: 'partialGrant', reason: 'grantsFailed' },
  revoke: { retry: 'Some access could not be removed yet', giveUp: 'Access could not be removed', code: 'partialRevoke', reason: 'revokeFailed' },
} as const;

export function throwIfAnyFailed(outcomes: ReadonlyArray<GrantOutcome | RevokeOutcome>, what: keyof typeof WORDING): void {
  const failed = outcomes.filter((o) => o.result === 'failed');
  if (failed.length === 0) return;
  const wording = WORDING[what];
  const details = maskPersonalData(
    failed.map((o) => `${o.grant.kind} ${'resourceId' in o.grant ? o.grant.resourceId : o.grant.sponsorId}: ${o.error?.message ?? 'failed'}`).join('; '),
  );
  if (failed.some((o) => o.error?.transient)) {
    throw new DirectoryError(`${wording.retry}: ${details}`, {
      status: 503,
      code: wording.code,
      transient: true,
      retryAfterMs: Math.max(...failed.map((o) => o.error?.retryAfterMs ?? 0)),
    });
  }
  throw new PermanentJobError(`${wording.giveUp}: ${details}`, wording.reason);
}
