/**
 * The databases storage tests run on: SQLite always, PostgreSQL when TEST_DATABASE_URL names a
 * server. Each PostgreSQL test gets a schema of its own, dropped afterwards, so a shared
 * database is never touched outside it.
 */
import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import Database from 'libsql';
import { Pool } from 'pg';
import { type OpenDatabase, openDatabase } from '../../src/storage/database';
import type { Schema } from '../../src/storage/schema';

export interface TestDatabase {
  name: 'SQLite' | 'PostgreSQL';
  open(): Promise<OpenDatabase>;
}

const postgresUrl = process.env.TEST_DATABASE_URL;

export const testDatabases: TestDatabase[] = [
  { name: 'SQLite', open: () => openDatabase(':memory:') },
  ...(postgresUrl ? [{ name: 'PostgreSQL' as const, open: () => openPostgresSchema(postgresUrl) }] : []),
];

if (!postgresUrl) {
  console.warn('PostgreSQL storage tests SKIPPED: TEST_DATABASE_URL is not set (bash .ci/run sets it to the local server).');
}

async function openPostgresSchema(url: string): Promise<OpenDatabase> {
  const schema = await postgresSchemaUrl(url);
  const database = await openDatabase(schema.url);
  return {
    ...database,
    close: async () => {
      await database.close();
      await schema.drop();
    },
  };
}

/**
 * A database for a whole bot started in-process (`DATABASE_URL`): SQLite in memory, or a schema of
 * its own on the PostgreSQL server, dropped by `drop`.
 */
export interface BotDatabase {
  name: TestDatabase['name'];
  create(): Promise<{ url: string; drop(): Promise<void> }>;
}

export const botDatabases: BotDatabase[] = [
  { name: 'SQLite', create: async () => ({ url: ':memory:', drop: async () => undefined }) },
  ...(postgresUrl ? [{ name: 'PostgreSQL' as const, create: () => postgresSchemaUrl(postgresUrl) }] : []),
];

/**
 * A schema of its own on the PostgreSQL server at `url` (`prefix` and random hex), and the URL that
 * puts a connection in it; `drop` removes it. Throws when the server cannot be reached.
 */
export async function postgresSchemaUrl(url: string, prefix = 'bot'): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 3_000 });
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } catch (error) {
    await admin.end();
    throw error;
  }
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: scoped.toString(),
    drop: async () => {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

/** A bare Kysely on a bot database's URL, not migrated: for the tests that migrate step by step. */
export function unmigratedKysely(url: string): Kysely<Schema> {
  return new Kysely<Schema>({
    dialect:
      url === ':memory:'
        ? new SqliteDialect({ database: new Database(':memory:') })
        : new PostgresDialect({ pool: new Pool({ connectionString: url, max: 1 }) }),
  });
}

const postgres = botDatabases.find((database) => database.name === 'PostgreSQL');

/**
 * `describe`, for tests that only PostgreSQL can run (two processes on one database), given its
 * database. Without TEST_DATABASE_URL the tests are still listed, as pending, under a title that
 * says they were skipped and why, and the run says so where they stand: a skip nobody notices
 * reads as a pass.
 */
export function describeOnPostgres(title: string, body: (this: Mocha.Suite, database: BotDatabase) => void): Mocha.Suite {
  if (postgres)
    return describe(title, function () {
      body.call(this, postgres);
    });
  return describe(`${title} (SKIPPED: TEST_DATABASE_URL is not set)`, function () {
    before(function () {
      console.warn('    !!! SKIPPED: these tests need PostgreSQL, and TEST_DATABASE_URL is not set (bash .ci/run sets it to the local server).');
      this.skip();
    });
    body.call(this, { name: 'PostgreSQL', create: () => Promise.reject(new Error('TEST_DATABASE_URL is not set')) });
  });
}
