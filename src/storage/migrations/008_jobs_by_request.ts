import type { Kysely } from 'kysely';

/**
 * Jobs by request and kind. The sweeper asks, for every request in a state, whether its job
 * exists; without this index each question scanned the whole jobs table, and with 7,000 requests
 * one sweep held SQLite (and so the bot's event loop) for 41 s. With it: milliseconds.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('jobs_request').on('jobs').columns(['request_id', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_request').execute();
}
