/**
 * What DATABASE_URL and DATABASE_AUTH must be for the bot to sign in safely, and, for a local test
 * session, which database it may use at all.
 */
import { databaseKindOf } from '../storage/database';
import { isOnThisMachine, postgresHostOf } from '../storage/postgresHost';
import type { Env } from './settings';

/** TLS modes under which pg checks the server's certificate (it reads `require` as `verify-full`). */
const VERIFIED_TLS = ['require', 'verify-ca', 'verify-full'];

/**
 * With DATABASE_AUTH=entra the token is the password: the URL names the database role of the
 * managed identity and nothing else may stand in for the token, and the token, which the server
 * asks for in the clear, must travel inside TLS unless the server is this machine.
 */
export function databaseAuthProblems(url: string, auth: 'password' | 'entra', clientId: string): string[] {
  if (auth === 'password') {
    return clientId
      ? [
          'DATABASE_CLIENT_ID is used only with DATABASE_AUTH=entra: set DATABASE_AUTH=entra to sign in with that managed identity, or remove DATABASE_CLIENT_ID.',
        ]
      : [];
  }
  if (databaseKindOf(url) !== 'postgres') {
    return [
      'DATABASE_AUTH=entra signs in to PostgreSQL with a Microsoft Entra token, but DATABASE_URL is a SQLite file: set DATABASE_URL to postgres://<role>@<server>:5432/<database>?sslmode=verify-full, or remove DATABASE_AUTH.',
    ];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['DATABASE_URL is not a valid postgres:// URL.'];
  }
  const problems: string[] = [];
  if (!parsed.username) {
    problems.push(
      'DATABASE_URL must name, as its user, the PostgreSQL role created for the managed identity (postgres://<role>@<server>/<database>) when DATABASE_AUTH=entra.',
    );
  }
  if (parsed.password) {
    problems.push('DATABASE_URL holds a password, but DATABASE_AUTH=entra signs in with a Microsoft Entra token: remove the password from DATABASE_URL.');
  }
  const tls = VERIFIED_TLS.includes(parsed.searchParams.get('sslmode') ?? '') || ['true', '1'].includes(parsed.searchParams.get('ssl') ?? '');
  if (!tls && !isOnThisMachine(parsed.hostname)) {
    problems.push(
      'DATABASE_URL must ask for TLS (sslmode=verify-full) when DATABASE_AUTH=entra: the token is the password and must not cross the network in the clear.',
    );
  }
  return problems;
}

/**
 * A local test session approves its own requests; on a PostgreSQL that other instances share, their
 * workers would provision them against a real tenant. So, unauthenticated, only a database on this
 * machine. What is wrong, never the URL itself: it may hold a password.
 */
export function sharedDatabaseProblem(databaseUrl: string, env: Env): string | undefined {
  if (databaseKindOf(databaseUrl) !== 'postgres') return undefined;
  let host: string;
  try {
    host = postgresHostOf(databaseUrl, env);
  } catch (error) {
    return `DATABASE_URL cannot be read as a PostgreSQL URL such as postgres://user@127.0.0.1:5432/guest_access (${(error as Error).message}).`;
  }
  if (isOnThisMachine(host)) return undefined;
  return (
    `DATABASE_URL names a PostgreSQL server on ${host}, but MicrosoftAppId is empty, so the bot would run unauthenticated: ` +
    'its local test approvals would be queued in a database other instances may share, and their workers would provision them against a real tenant. ' +
    'For a local test session, use a PostgreSQL on this machine (127.0.0.1, localhost, ::1 or a Unix socket) or leave DATABASE_URL empty for SQLite; ' +
    'to use that server, set MicrosoftAppId and MicrosoftAppPassword.'
  );
}
