/**
 * What admins read of the audit trail: the events of a period, how many requests reached each
 * state, and the latest failures. Read-only queries, the same on SQLite and PostgreSQL.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AuditEvent } from '../requests/accessRequest';
import type { RequestState } from '../requests/lifecycle';
import type { AuditEventsTable, Schema } from './schema';

interface RecentFailure {
  id: string;
  failureReason?: string;
  guestEmail: string;
  at: string;
}

/** Audit events from `from` (inclusive) to `to` (exclusive), oldest first. */
export async function auditEventsBetween(db: Kysely<Schema>, from: Date, to: Date): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('at', '>=', from.toISOString())
    .where('at', '<', to.toISOString())
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(toAuditEvent);
}

/** An audit event as stored, as the domain reads it. */
export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    requestId: row.request_id,
    at: row.at,
    actor: row.actor_kind === 'user' ? { kind: 'user', id: row.actor_id ?? '', displayName: row.actor_name ?? '' } : { kind: 'system' },
    action: row.action,
    fromState: (row.from_state ?? undefined) as RequestState | undefined,
    toState: (row.to_state ?? undefined) as RequestState | undefined,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : undefined,
  };
}

/** How many requests filed since `since` stand in each state now. */
export async function requestCountsByState(db: Kysely<Schema>, since: Date): Promise<Map<RequestState, number>> {
  const rows = await db
    .selectFrom('access_requests')
    .select(['state', (eb) => eb.fn.countAll<string | number>().as('count')])
    .where('created_at', '>=', since.toISOString())
    .groupBy('state')
    .execute();
  return new Map(rows.map((row) => [row.state as RequestState, Number(row.count)]));
}

/** The latest requests that failed, newest first, with why. */
export async function recentFailures(db: Kysely<Schema>, limit: number): Promise<RecentFailure[]> {
  const rows = await db
    .selectFrom('access_requests')
    .select(['id', 'failure_reason', 'updated_at', 'guest_email'])
    .where('state', '=', 'failed')
    .orderBy('updated_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ id: row.id, failureReason: row.failure_reason ?? undefined, guestEmail: row.guest_email, at: row.updated_at }));
}
