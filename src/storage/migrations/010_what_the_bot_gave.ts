import { type Kysely, sql } from 'kysely';

/**
 * What the bot gave, so that it takes away only that (the directory is shared: other people and
 * tools give guests memberships, roles and accounts too):
 * - `guest_grants`: per guest and catalog resource, the membership or app role the bot added
 *   (`given`), or was adding when its answer was lost (`adding`);
 * - `access_requests.created_guest_account`: 1 when this request's invitation created the guest's
 *   account, 0 when the account was there before; only such accounts are disabled or deleted;
 * - `guest_locks`: the job deciding for a guest now (granting or taking away), so two requests of
 *   one guest never decide "what does this guest still need" at the same time;
 * - an index on the guest's address, to find a guest's requests before they are invited.
 *
 * Requests granted before this migration are brought in from their audit trail: the transition
 * that granted the access recorded each grant's result in the order of the request's resources,
 * and `granted` means the bot added it. Their account counts as the bot's when the address was no
 * guest at filing and the invitation did not find an accepted guest.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('guest_grants')
    .addColumn('guest_id', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('grant_json', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('guest_grants_pk', ['guest_id', 'resource_id'])
    .execute();
  await db.schema
    .createTable('guest_locks')
    .addColumn('guest', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'integer', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('access_requests').addColumn('created_guest_account', 'integer').execute();
  await db.schema.createIndex('access_requests_guest_email').on('access_requests').columns(['guest_email']).execute();
  await bringInGrantedRequests(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('access_requests_guest_email').execute();
  await db.schema.alterTable('access_requests').dropColumn('created_guest_account').execute();
  await db.schema.dropTable('guest_locks').execute();
  await db.schema.dropTable('guest_grants').execute();
}

interface GrantedRow {
  id: string;
  state: string;
  invited_user_id: string;
  resource_ids: string;
  existing_guest: string | null;
  detail: string | null;
  at: string;
}

async function bringInGrantedRequests(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<GrantedRow>`
    select r.id, r.state, r.invited_user_id, r.resource_ids, r.existing_guest, a.detail, a.at
    from access_requests r
    join audit_events a on a.request_id = r.id and a.from_state = 'approved' and a.to_state in ('invited', 'accepted')
    where r.invited_user_id is not null
    order by a.id`.execute(db);
  for (const row of rows) {
    const detail = row.detail ? (JSON.parse(row.detail) as { grants?: Array<{ result?: string }>; alreadyGuest?: boolean }) : {};
    const created = row.existing_guest === null && detail.alreadyGuest !== true ? 1 : 0;
    await sql`update access_requests set created_guest_account = ${created} where id = ${row.id}`.execute(db);
    if (row.state !== 'invited' && row.state !== 'accepted') continue;
    const resourceIds = JSON.parse(row.resource_ids) as string[];
    // Grants were listed resource by resource, then the sponsor.
    const given = resourceIds.filter((_, index) => detail.grants?.[index]?.result === 'granted');
    for (const resourceId of given) {
      // No grant_json: the catalog says what the resource is, as it did when this was granted.
      await sql`
        insert into guest_grants (guest_id, resource_id, grant_json, state, request_id, updated_at)
        values (${row.invited_user_id}, ${resourceId}, null, 'given', ${row.id}, ${row.at})
        on conflict (guest_id, resource_id) do nothing`.execute(db);
    }
  }
}
