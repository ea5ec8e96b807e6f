import type { Kysely } from 'kysely';

/**
 * Time over a request's life: the access period asked for and when it ends, when the approver was
 * reminded, the sponsor's answer to the offer of an extension (and the end date it was made for,
 * so an extended access is offered again before its new end), and the end: when, why, and which
 * resources have been taken away so far (so a retry after a crash removes only what is left).
 */
const COLUMNS = [
  ['access_days', 'integer'],
  ['ends_at', 'text'],
  ['approver_reminded_at', 'text'],
  ['extension_offered_for', 'text'],
  ['extension_answer', 'text'],
  ['extension_card_id', 'text'],
  ['extensions', 'integer'],
  ['ended_at', 'text'],
  ['end_reason', 'text'],
  ['removed_resource_ids', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('access_requests').addColumn(name, type).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('access_requests').dropColumn(name).execute();
}
