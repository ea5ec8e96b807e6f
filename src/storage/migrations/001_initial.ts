import { type Kysely, SqliteAdapter } from 'kysely';

// Migrations see an untyped database: the schema they build is the one they describe.
type AnyDatabase = Kysely<unknown>;

/** `integer autoincrement` in SQLite, `serial` in PostgreSQL: both read back as a JS number. */
function autoIncrementId(db: AnyDatabase) {
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  return sqlite ? ({ type: 'integer', autoIncrement: true } as const) : ({ type: 'serial', autoIncrement: false } as const);
}

export async function up(db: AnyDatabase): Promise<void> {
  const id = autoIncrementId(db);

  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('requester_id', 'text', (c) => c.notNull())
    .addColumn('requester_name', 'text', (c) => c.notNull())
    .addColumn('requester_address', 'text', (c) => c.notNull())
    .addColumn('requester_locale', 'text', (c) => c.notNull())
    .addColumn('requester_conversation_id', 'text', (c) => c.notNull())
    .addColumn('guest_email', 'text', (c) => c.notNull())
    .addColumn('resource_ids', 'text', (c) => c.notNull())
    .addColumn('justification', 'text', (c) => c.notNull())
    .addColumn('sponsor_id', 'text', (c) => c.notNull())
    .addColumn('sponsor_name', 'text', (c) => c.notNull())
    .addColumn('sponsor_address', 'text', (c) => c.notNull())
    .addColumn('sponsor_locale', 'text', (c) => c.notNull())
    .addColumn('invited_user_id', 'text')
    .addColumn('invite_redeem_url', 'text')
    .addColumn('approval_conversation_id', 'text')
    .addColumn('approval_activity_id', 'text')
    .addColumn('approval_local_test', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('decision_comment', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('failure_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('access_requests_requester').on('access_requests').columns(['requester_id', 'created_at']).execute();
  await db.schema.createIndex('access_requests_sponsor').on('access_requests').columns(['sponsor_id', 'state']).execute();

  await db.schema
    .createTable('audit_events')
    .addColumn('id', id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_events_request').on('audit_events').columns(['request_id', 'id']).execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', id.type, (c) => (id.autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
    .addColumn('payload', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

  await db.schema
    .createTable('conversation_references')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversation_references_user').on('conversation_references').columns(['user_id', 'updated_at']).execute();

  await db.schema
    .createTable('dialog_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of ['dialog_state', 'conversation_references', 'jobs', 'audit_events', 'access_requests']) {
    await db.schema.dropTable(table).execute();
  }
}
