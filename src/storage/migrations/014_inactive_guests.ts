import type { Kysely } from 'kysely';

/**
 * Guests nobody uses (INACTIVE_GUEST_DAYS): when the guest's sign-ins are next read
 * (`activity_check_at`, set while a request is `accepted` and cleared when it stops being so, so
 * that only those rows are ever looked at), the last successful sign-in read, and the sponsor's
 * question about a guest who has not signed in: when it was asked, on which card, and the answer.
 */
const COLUMNS = [
  ['activity_check_at', 'text'],
  ['last_sign_in_at', 'text'],
  ['inactivity_asked_at', 'text'],
  ['inactivity_card_id', 'text'],
  ['inactivity_answer', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('access_requests').addColumn(name, type).execute();
  await db.schema.createIndex('access_requests_activity_check').on('access_requests').columns(['state', 'activity_check_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_activity_check').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('access_requests').dropColumn(name).execute();
}
