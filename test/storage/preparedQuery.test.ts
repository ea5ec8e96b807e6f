import assert from 'node:assert/strict';
import type { OpenDatabase } from '../../src/storage/database';
import { PreparedQuery } from '../../src/storage/preparedQuery';
import type { Schema } from '../../src/storage/schema';
import { memoryDatabase } from '../support/sqliteMemory';

describe('prepared queries', () => {
  let database: OpenDatabase;
  beforeEach(async () => {
    database = await memoryDatabase();
  });
  afterEach(async () => database.close());

  it('runs the SQL compiled once with each call’s arguments, wherever and however often they appear', async () => {
    const write = new PreparedQuery<Schema, [key: string, data: string, at: string], unknown>(database.db, 3, (q, key, data, at) =>
      q.insertInto('dialog_state').values({ key, data, etag: at, updated_at: at }),
    );
    const read = new PreparedQuery(database.db, 1, (q, key: string) => q.selectFrom('dialog_state').select(['key', 'data', 'etag']).where('key', '=', key));
    await write.execute(database.db, 'a', '{"n":1}', 't1');
    await database.db.transaction().execute((trx) => write.execute(trx, 'b', '{"n":2}', 't2'));
    assert.deepEqual((await read.execute(database.db, 'b')).rows, [{ key: 'b', data: '{"n":2}', etag: 't2' }]);
    assert.deepEqual((await read.execute(database.db, 'a')).rows, [{ key: 'a', data: '{"n":1}', etag: 't1' }]);
    assert.deepEqual((await read.execute(database.db, 'c')).rows, []);
  });

  it('keeps the builder’s own constants, and refuses a query that leaves an argument out', async () => {
    await database.db
      .insertInto('dialog_state')
      .values([
        { key: 'a', data: '{}', etag: 'stale', updated_at: 't' },
        { key: 'b', data: '{}', etag: 'fresh', updated_at: 't' },
      ])
      .execute();
    const notStale = new PreparedQuery(database.db, 1, (q, key: string) =>
      q.selectFrom('dialog_state').select('key').where('key', '=', key).where('etag', '!=', 'stale'),
    );
    assert.deepEqual((await notStale.execute(database.db, 'a')).rows, [], 'the constant still filters');
    assert.deepEqual((await notStale.execute(database.db, 'b')).rows, [{ key: 'b' }]);
    assert.throws(
      () =>
        new PreparedQuery<Schema, [key: string, forgotten: string], { key: string }>(database.db, 2, (q, key) =>
          q.selectFrom('dialog_state').select('key').where('key', '=', key),
        ),
      /argument 1 is not a value anywhere in the query/,
    );
  });
});
