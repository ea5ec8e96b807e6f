/**
 * The request repository over a test's database, counting its follow-up work (timers, the
 * redemption watcher) with the default settings unless a test's own are given.
 */
import type { Kysely } from 'kysely';
import { type Config, loadConfig } from '../../src/config';
import type { OpenDatabase } from '../../src/storage/database';
import type { Schema } from '../../src/storage/schema';
import { type RequestRepositoryOptions, SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { memoryDatabase } from './sqliteMemory';

let defaults: Config | undefined;

export function requestRepository(db: Kysely<Schema>, options: Partial<RequestRepositoryOptions> = {}): SqlRequestRepository {
  defaults ??= loadConfig({});
  return new SqlRequestRepository(db, { followUp: defaults, ...options });
}

/** A fresh SQLite database in memory, and the repository over it, for each test of this `describe`: what the fields give is the current test's. */
export function withRequestRepository(options: Partial<RequestRepositoryOptions> = {}): {
  readonly db: Kysely<Schema>;
  readonly requests: SqlRequestRepository;
} {
  let opened: { database: OpenDatabase; requests: SqlRequestRepository } | undefined;
  beforeEach(async () => {
    const database = await memoryDatabase();
    opened = { database, requests: requestRepository(database.db, options) };
  });
  afterEach(async () => {
    await opened?.database.close();
    opened = undefined;
  });
  const current = () => {
    if (!opened) throw new Error('the repository is there only while a test runs');
    return opened;
  };
  return {
    get db() {
      return current().database.db;
    },
    get requests() {
      return current().requests;
    },
  };
}
