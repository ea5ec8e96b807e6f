import type { Kysely } from 'kysely';

/** What the directory said of the guest's address when the request was filed, for the sponsor's card (JSON). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('existing_guest', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').dropColumn('existing_guest').execute();
}
