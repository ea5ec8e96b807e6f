import { type Kysely, sql } from 'kysely';

/**
 * Several guests in one request: each guest is a row of its own (what they have and where they
 * stand), and the rows of one request share its id in `request_id`, in the order given
 * (`guest_number`). A request filed before is a one-guest request: its row is its first guest,
 * and the request's id is the row's own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('request_id', 'text').execute();
  await db.schema
    .alterTable('access_requests')
    .addColumn('guest_number', 'integer', (column) => column.notNull().defaultTo(1))
    .execute();
  await sql`update access_requests set request_id = id`.execute(db);
  await db.schema.createIndex('access_requests_request').on('access_requests').columns(['request_id', 'guest_number']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_request').execute();
  await db.schema.alterTable('access_requests').dropColumn('guest_number').execute();
  await db.schema.alterTable('access_requests').dropColumn('request_id').execute();
}
