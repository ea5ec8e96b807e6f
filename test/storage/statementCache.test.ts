/**
 * The prepared-statement cache Kysely's SQLite driver goes through: the same SQL gets the same
 * statement, still correct with new parameters, and the cache stays within its limit.
 */
import assert from 'node:assert/strict';
import Database from 'libsql';
import { withStatementCache } from '../../src/storage/statementCache';

describe('SQLite statement cache', () => {
  it('prepares a SQL text once and reuses it with other parameters', () => {
    const database = new Database(':memory:');
    let prepared = 0;
    const counting = { close: () => database.close(), prepare: (sql: string) => (prepared++, database.prepare(sql)) };
    const cached = withStatementCache(counting);
    const rows = [1, 2, 3].map((n) => cached.prepare('select ? * 2 as doubled').all([n]) as Array<{ doubled: number }>);
    assert.deepEqual(
      rows.map(([row]) => row.doubled),
      [2, 4, 6],
    );
    assert.equal(prepared, 1);
    cached.close();
  });

  it('drops the oldest statement past its limit', () => {
    const database = new Database(':memory:');
    const texts: string[] = [];
    const cached = withStatementCache({ close: () => database.close(), prepare: (sql: string) => (texts.push(sql), database.prepare(sql)) }, 2);
    for (const sql of ['select 1', 'select 2', 'select 3', 'select 3', 'select 1']) cached.prepare(sql);
    assert.deepEqual(texts, ['select 1', 'select 2', 'select 3', 'select 1'], 'select 1 was dropped for select 3, then prepared again');
    cached.close();
  });
});
