import type { Kysely } from 'kysely';

/**
 * The second approval, by the owners of resources the catalog names `approvers` for: one row a
 * stage (a resource), with who may decide it (resolved from the catalog when its cards go out),
 * where their cards are, and the decision.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('approval_stages')
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('approvers', 'text')
    .addColumn('cards', 'text')
    .addColumn('decided_by_id', 'text')
    .addColumn('decided_by_name', 'text')
    .addColumn('decision_comment', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('reminded_at', 'text')
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('approval_stages_pk', ['request_id', 'stage'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('approval_stages').execute();
}
