import type { Kysely } from 'kysely';

/**
 * Following the guest after the invitation: when they were invited, when their redemption is
 * next checked and how many checks there have been (the interval grows with each), when the
 * requester was reminded, and when the guest accepted.
 */
const COLUMNS = [
  ['invited_at', 'text'],
  ['redemption_check_at', 'text'],
  ['redemption_checks', 'integer'],
  ['nudged_at', 'text'],
  ['accepted_at', 'text'],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('access_requests').addColumn(name, type).execute();
  await db.schema.createIndex('access_requests_redemption_check').on('access_requests').columns(['state', 'redemption_check_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_redemption_check').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('access_requests').dropColumn(name).execute();
}
