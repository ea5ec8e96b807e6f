/**
 * The GivenAccess port over Kysely (see requests/givenAccess.ts): the `guest_grants` table, and the
 * requests' `created_guest_account`. Every write checks the job's lease in its own transaction.
 */
import type { Kysely } from 'kysely';
import type { RevocableGrant } from '../directory/directory';
import type { AccessRequest } from '../requests/accessRequest';
import type { GivenAccess, GivenGrant, SettledGrants } from '../requests/givenAccess';
import type { JobLease } from '../requests/jobs';
import { assertLeaseHeld, type Clock } from './jobQueue';
import type { Schema } from './schema';
import { auditDetailOf, insertAudit, toAccessRequest, toColumns } from './sqlRequestRepository';

export class SqlGivenAccess implements GivenAccess {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock = () => new Date(),
  ) {}

  async of(guestId: string): Promise<GivenGrant[]> {
    const rows = await this.db.selectFrom('guest_grants').selectAll().where('guest_id', '=', guestId).execute();
    return rows.map((row) => ({
      resourceId: row.resource_id,
      ...(row.grant_json ? { grant: JSON.parse(row.grant_json) as RevocableGrant } : {}),
      state: row.state as GivenGrant['state'],
      requestId: row.request_id,
    }));
  }

  async accountCreatedByBot(guestId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('access_requests')
      .select('id')
      .where('invited_user_id', '=', guestId)
      .where('created_guest_account', '=', 1)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async markAdding(
    guestId: string,
    requestId: string,
    grants: ReadonlyArray<{ resourceId: string; grant: RevocableGrant }>,
    lease: JobLease,
  ): Promise<string[]> {
    if (grants.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      const existing = await trx
        .selectFrom('guest_grants')
        .select('resource_id')
        .where('guest_id', '=', guestId)
        .where(
          'resource_id',
          'in',
          grants.map((g) => g.resourceId),
        )
        .execute();
      const known = new Set(existing.map((row) => row.resource_id));
      const fresh = grants.filter((g) => !known.has(g.resourceId));
      if (fresh.length > 0) {
        await trx
          .insertInto('guest_grants')
          .values(
            fresh.map((g) => ({
              guest_id: guestId,
              resource_id: g.resourceId,
              grant_json: JSON.stringify(g.grant),
              state: 'adding',
              request_id: requestId,
              updated_at: at,
            })),
          )
          .execute();
      }
      return fresh.map((g) => g.resourceId);
    });
  }

  async settle(guestId: string, requestId: string, settled: SettledGrants, lease: JobLease): Promise<void> {
    if (settled.given.length + settled.forgotten.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      if (settled.given.length > 0) {
        await trx
          .updateTable('guest_grants')
          .set({ state: 'given', updated_at: at })
          .where('guest_id', '=', guestId)
          .where('resource_id', 'in', settled.given)
          .where('state', '=', 'adding')
          .execute();
      }
      if (settled.forgotten.length > 0) {
        await trx.deleteFrom('guest_grants').where('guest_id', '=', guestId).where('resource_id', 'in', settled.forgotten).execute();
      }
      await insertAudit(trx, {
        requestId,
        at,
        actor: { kind: 'system' },
        action: 'grantsRecorded',
        detail: { givenByBot: settled.given, notGivenByBot: settled.forgotten },
      });
    });
  }

  async recordRemoved(guestId: string, requestId: string, resourceIds: readonly string[], lease: JobLease): Promise<AccessRequest> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      if (resourceIds.length > 0)
        await trx
          .deleteFrom('guest_grants')
          .where('guest_id', '=', guestId)
          .where('resource_id', 'in', [...resourceIds])
          .execute();
      const row = await trx.selectFrom('access_requests').select('removed_resource_ids').where('id', '=', requestId).executeTakeFirstOrThrow();
      const before = row.removed_resource_ids ? (JSON.parse(row.removed_resource_ids) as string[]) : [];
      const patch = { removedResourceIds: [...new Set([...before, ...resourceIds])] };
      const updated = await trx
        .updateTable('access_requests')
        .set({ ...toColumns(patch), updated_at: at, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', requestId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await insertAudit(trx, { requestId, at, actor: { kind: 'system' }, action: 'accessRemoved', detail: auditDetailOf(patch) });
      return toAccessRequest(updated);
    });
  }
}
