import type { Kysely } from 'kysely';

/**
 * Invitations nobody accepts are withdrawn (PENDING_GUEST_DAYS): when the invitation of a request
 * is withdrawn if its guest has not accepted by then, fixed when it goes out, and when it was.
 * The withdrawal itself is a job row; these columns are what it checks when it runs. `withdrawn`
 * is a new value of the text column `state`, which needs no change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('withdrawal_due_at', 'text').execute();
  await db.schema.alterTable('access_requests').addColumn('withdrawn_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').dropColumn('withdrawn_at').execute();
  await db.schema.alterTable('access_requests').dropColumn('withdrawal_due_at').execute();
}
