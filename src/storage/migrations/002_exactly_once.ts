import type { Kysely } from 'kysely';

/**
 * What provisioning records so that a crash at any moment neither loses work nor repeats it:
 * when it set out to invite the guest (before calling Graph), whether that invitation asked
 * Microsoft to email the guest, and the message in the
 * requester's chat that it updates with the outcome (rather than posting another).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('invitation_started_at', 'text').execute();
  await db.schema.alterTable('access_requests').addColumn('invitation_emailed', 'integer').execute();
  await db.schema.alterTable('access_requests').addColumn('status_message_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').dropColumn('status_message_id').execute();
  await db.schema.alterTable('access_requests').dropColumn('invitation_emailed').execute();
  await db.schema.alterTable('access_requests').dropColumn('invitation_started_at').execute();
}
