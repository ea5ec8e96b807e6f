/**
 * The audit trail as an admin exports it: one row an event (request, when, who, action, from → to,
 * detail), as CSV or JSON. Details never carry secrets or links: a redeem link is a credential, so
 * any URL left in a detail is replaced, as are keys that name one.
 *
 * A CSV is opened in a spreadsheet, which runs a cell starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return as a formula; names and ids are whatever people chose, so such a cell gets a
 * leading apostrophe (shown as text, the apostrophe hidden). JSON is read by programs and keeps
 * every value exactly.
 */
import { stringify } from 'csv-stringify/sync';
import type { AuditEvent } from '../requests/accessRequest';

export interface AuditRow {
  request: string;
  at: string;
  /** `system`, or the person's name and Entra object id. */
  who: string;
  whoId: string;
  action: string;
  from: string;
  to: string;
  /** JSON, links and secrets removed. */
  detail: string;
}

export type AuditFormat = 'csv' | 'json';

const URL = /\bhttps?:\/\/\S+/gi;
const SECRET_KEY = /url|link|secret|password|token/i;

export function auditRowOf(event: AuditEvent): AuditRow {
  return {
    request: event.requestId,
    at: event.at,
    who: event.actor.kind === 'user' ? event.actor.displayName : 'system',
    whoId: event.actor.kind === 'user' ? event.actor.id : '',
    action: event.action,
    from: event.fromState ?? '',
    to: event.toState ?? '',
    detail: event.detail ? JSON.stringify(withoutLinks(event.detail)) : '',
  };
}

export function formatAudit(rows: readonly AuditRow[], format: AuditFormat): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  return stringify(rows as AuditRow[], { header: true, columns: ['request', 'at', 'who', 'whoId', 'action', 'from', 'to', 'detail'], escape_formulas: true });
}

function withoutLinks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(URL, '(link removed)');
  if (Array.isArray(value)) return value.map(withoutLinks);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, SECRET_KEY.test(key) ? '(removed)' : withoutLinks(inner)]));
  }
  return value;
}
