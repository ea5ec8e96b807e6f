import { type OpenDatabase, openDatabase } from '../../src/storage/database';

/** A fresh, migrated SQLite database in memory: one per test that needs one. */
export function memoryDatabase(): Promise<OpenDatabase> {
  return openDatabase(':memory:');
}
