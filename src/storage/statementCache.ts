/**
 * Kysely's SQLite driver prepares every query afresh; compiling SQL costs more than running most
 * of ours. This hands Kysely the same prepared statement each time the same SQL comes back.
 * Kysely runs one query at a time on its single SQLite connection, so a statement is never in
 * use twice at once. The SQL texts are the repository's (a few hundred at most); the oldest is
 * dropped past `limit` so that lists of varying length (`in (?, ?, …)`) cannot grow it forever.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(database: SqliteDatabase, limit = 500): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      return database.close();
    },
    prepare: (sql: string) => {
      let statement = statements.get(sql);
      if (!statement) {
        statement = readerKnown(database.prepare(sql));
        if (statements.size >= limit) statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * Kysely asks each statement whether it returns rows every time it runs it; libsql asks SQLite
 * afresh each time. The answer cannot change for a prepared statement.
 */
function readerKnown(statement: SqliteStatement): SqliteStatement {
  const reader = statement.reader;
  return {
    reader,
    all: (parameters) => statement.all(parameters),
    run: (parameters) => statement.run(parameters),
    iterate: (parameters) => statement.iterate(parameters),
  };
}
