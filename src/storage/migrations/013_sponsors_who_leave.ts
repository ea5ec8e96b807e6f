import { type Kysely, sql } from 'kysely';

/**
 * A sponsor (or a requester) who leaves: when the sponsor check next reads the request's people
 * (set when access starts, cleared when it ends, so ended requests cost nothing), since when the
 * request has had no sponsor and who the sponsor was, whom else the bot offered to sponsor it (the
 * old sponsor's manager), and since when its requester is gone.
 */
const COLUMNS = [
  ['sponsor_check_at', 'text'],
  ['sponsor_left_at', 'text'],
  ['former_sponsor_id', 'text'],
  ['former_sponsor_name', 'text'],
  ['sponsorship_offered_to_id', 'text'],
  ['requester_left_at', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('access_requests').addColumn(name, type).execute();
  await db.schema.createIndex('access_requests_sponsor_check').on('access_requests').columns(['sponsor_check_at']).execute();
  // Requests that give access already are checked at the first cycle after the upgrade.
  await sql`UPDATE access_requests SET sponsor_check_at = updated_at WHERE state IN ('invited', 'accepted')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_sponsor_check').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('access_requests').dropColumn(name).execute();
}
