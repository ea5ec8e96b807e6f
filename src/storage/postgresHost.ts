/**
 * Which server a PostgreSQL `DATABASE_URL` reaches, read as `pg` itself reads it (its own
 * pg-connection-string, then PGHOST, then localhost), so that a `?host=` in the query or an empty
 * host cannot make the check and the connection disagree. An unauthenticated bot may only use a
 * database on this machine: a shared one's job queue is worked by every instance on it.
 */
import { parse } from 'pg-connection-string';

type Env = Record<string, string | undefined>;

/** The host `pg` connects to: a name, an address, or a Unix socket folder. Throws on a URL pg cannot read. */
export function postgresHostOf(url: string, env: Env): string {
  return parse(url).host || env.PGHOST || 'localhost';
}

/** A Unix socket folder, `localhost`, 127.0.0.0/8 or ::1: a server only this machine reaches. */
export function isOnThisMachine(host: string): boolean {
  const name = host.trim().toLowerCase();
  return name.startsWith('/') || name === 'localhost' || name === '::1' || name === '[::1]' || /^127(\.\d{1,3}){3}$/.test(name);
}
