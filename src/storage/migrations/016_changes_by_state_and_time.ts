import type { Kysely } from 'kysely';

/**
 * The sweeper (storage/missingWork.ts) looks for requests that changed state since JOB_RETENTION_DAYS
 * ago and miss a job. It started from every request in each state and read each one's audit trail,
 * so every sweep read the whole history: with 100,000 past requests, a few seconds of the database
 * every five minutes. Audit events by the state they moved into and when let it read only the
 * changes made since then. And its pruning of finished jobs read every finished job kept (status
 * alone is indexed) to find those past JOB_RETENTION_DAYS: by status and time, it reads only those.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('audit_events_state_at').on('audit_events').columns(['to_state', 'at']).execute();
  await db.schema.createIndex('jobs_finished').on('jobs').columns(['status', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('jobs_finished').execute();
  await db.schema.dropIndex('audit_events_state_at').execute();
}
