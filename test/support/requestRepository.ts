/**
 * The request repository over a test's database, counting its follow-up work (timers, the
 * redemption watcher) with the default settings unless a test's own are given.
 */
import type { Kysely } from 'kysely';
import { type Config, loadConfig } from '../../src/config';
import type { Schema } from '../../src/storage/schema';
import { type RequestRepositoryOptions, SqlRequestRepository } from '../../src/storage/sqlRequestRepository';

let defaults: Config | undefined;

export function requestRepository(db: Kysely<Schema>, options: Partial<RequestRepositoryOptions> = {}): SqlRequestRepository {
  defaults ??= loadConfig({});
  return new SqlRequestRepository(db, { followUp: defaults, ...options });
}
