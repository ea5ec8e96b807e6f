/**
 * Opens the one database everything lives in. `DATABASE_URL` chooses: a file path or `file:`
 * URL is SQLite (embedded, through libsql), `postgres://…` is PostgreSQL, which several bot
 * instances can share. PostgreSQL signs in with the password in the URL, or (`DATABASE_AUTH=entra`)
 * with a Microsoft Entra token of a managed identity, so that no password exists at all.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import Database from 'libsql';
import { Pool } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import type { Schema } from './schema';
import { EntraTokenPassword } from './entraTokenPassword';
import { migrateToLatest } from './migrations/migrator';
import { withStatementCache } from './statementCache';

export type DatabaseKind = 'sqlite' | 'postgres';

/** How the bot signs in to PostgreSQL (SQLite has no sign-in). */
export type DatabaseAuth =
  | { kind: 'password' }
  /** A token of the managed identity `clientId` names (user-assigned), or of the host's system-assigned one. */
  | { kind: 'entra'; clientId?: string };

interface DatabaseOptions {
  auth?: DatabaseAuth;
  /** Where Entra tokens come from; the managed identity unless given (tests give their own). */
  credential?: TokenCredential;
}

export interface OpenDatabase {
  db: Kysely<Schema>;
  kind: DatabaseKind;
  /** Where it is, for the start-up log; never includes a password. */
  description: string;
  close(): Promise<void>;
}

export function databaseKindOf(url: string): DatabaseKind {
  return /^postgres(ql)?:\/\//i.test(url) ? 'postgres' : 'sqlite';
}

/** Opens the database and brings its schema up to date. */
export async function openDatabase(url: string, options: DatabaseOptions = {}): Promise<OpenDatabase> {
  const opened = databaseKindOf(url) === 'postgres' ? openPostgres(url, options) : openSqlite(url);
  try {
    await migrateToLatest(opened.db);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

function openPostgres(url: string, { auth = { kind: 'password' }, credential }: DatabaseOptions): OpenDatabase {
  // pg lets a password in the URL, even an empty one, override a `password` given beside
  // `connectionString`; parsed here first, the token is the only password there is.
  const pool =
    auth.kind === 'entra'
      ? new Pool({ ...parseIntoClientConfig(url), password: entraPassword(auth, credential).password, max: 10 })
      : new Pool({ connectionString: url, max: 10 });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const parsed = new URL(url);
  return {
    db,
    kind: 'postgres',
    description: `postgres://${parsed.host}${parsed.pathname}${auth.kind === 'entra' ? ` as ${decodeURIComponent(parsed.username)} with a Microsoft Entra token` : ''}`,
    close: () => db.destroy(),
  };
}

function entraPassword(auth: Extract<DatabaseAuth, { kind: 'entra' }>, credential?: TokenCredential): EntraTokenPassword {
  const identity = auth.clientId ? `the managed identity ${auth.clientId} (DATABASE_CLIENT_ID)` : "the host's system-assigned managed identity";
  return new EntraTokenPassword(credential ?? new ManagedIdentityCredential(auth.clientId ? { clientId: auth.clientId } : {}), identity);
}

function openSqlite(url: string): OpenDatabase {
  const file = sqliteFileOf(url);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  // WAL lets readers (an operator's sqlite3 shell, say) look while the bot writes. With WAL,
  // synchronous=NORMAL keeps every committed transaction through a crash or kill of the process
  // (what exactly-once relies on) and skips the fsync on each commit, the costliest part of a
  // turn; only a power cut can lose the last few commits, as with any write-back disk.
  if (file !== ':memory:') database.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL');
  database.exec('PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000');
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, kind: 'sqlite', description: file, close: () => db.destroy() };
}

export function sqliteFileOf(url: string): string {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file:')) return url.startsWith('file://') ? fileURLToPath(url) : resolve(url.slice('file:'.length));
  return resolve(url);
}
