import type { Kysely } from 'kysely';
import type { Schema } from '../../src/storage/schema';

/** The job rows of one request, oldest first, as an operator would query them. */
export function jobRows(db: Kysely<Schema>, requestId: string) {
  return db.selectFrom('jobs').selectAll().where('request_id', '=', requestId).orderBy('id').execute();
}
