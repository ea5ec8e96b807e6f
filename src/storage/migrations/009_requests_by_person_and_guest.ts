import type { Kysely } from 'kysely';

/**
 * A requester's undecided requests (asked at the start of every request and again when it is
 * sent) were found by reading every request that person ever filed: someone who files for many
 * partners made each of their turns slower, and the bench's requesters, with a thousand requests
 * each by the end of its soak, brought the bot from 1,900 to 1,500 requests a minute. And a guest's
 * other active requests, asked when an access ends, were found by reading every request.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('access_requests_requester_state').on('access_requests').columns(['requester_id', 'state']).execute();
  await db.schema.createIndex('access_requests_guest').on('access_requests').columns(['invited_user_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_guest').execute();
  await db.schema.dropIndex('access_requests_requester_state').execute();
}
