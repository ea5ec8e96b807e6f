import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_DIRECTORY_FILE } from '../../src/config';

/**
 * The sample directory written to a file for SIMULATOR_DIRECTORY_FILE, with `changes` made to
 * users by object id (someone who left: `{ accountEnabled: false }`).
 */
export function directoryFileWith(changes: Record<string, Record<string, unknown>>): string {
  const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as { users: Array<{ id: string }> };
  const file = join(mkdtempSync(join(tmpdir(), 'directory-')), 'directory.json');
  writeFileSync(file, JSON.stringify({ ...seed, users: seed.users.map((user) => ({ ...user, ...changes[user.id] })) }));
  return file;
}
