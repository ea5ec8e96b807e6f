import type { Kysely } from 'kysely';

/**
 * Extensions that need the owners again: the end date the sponsor asked for while a resource's
 * owners decide, and which owner stages belong to an extension (the end date it extends) rather
 * than to the request's first approval.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('extension_ends_at', 'text').execute();
  await db.schema.alterTable('approval_stages').addColumn('extension_for', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('approval_stages').dropColumn('extension_for').execute();
  await db.schema.alterTable('access_requests').dropColumn('extension_ends_at').execute();
}
