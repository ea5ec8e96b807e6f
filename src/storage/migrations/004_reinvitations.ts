import type { Kysely } from 'kysely';

/**
 * Re-invitations asked for after the first (Microsoft's email, a reset of redemption): the job
 * whose call to Graph has started, recorded before the call, so that a retry of the same job
 * after a crash knows Graph may already have emailed the guest and does not email them twice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('reinvitation_job_id', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').dropColumn('reinvitation_job_id').execute();
}
