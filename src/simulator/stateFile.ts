import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type StateSnapshot, stateSnapshotSchema } from './directoryState';
import { describeIssues } from './simulatorSeed';

/**
 * Keeps the simulated directory on disk so guests invited in a demo survive a restart.
 * Writes are synchronous on purpose: each change is on disk before its response leaves, and two
 * changes can never be written out of order.
 */

export function readStateFile(file: string): StateSnapshot | undefined {
  if (!existsSync(file)) {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Directory simulator state file ${file} is not readable JSON (delete it to start from the seed): ${(error as Error).message}`, {
      cause: error,
    });
  }
  const parsed = stateSnapshotSchema.safeParse(json);
  if (!parsed.success) {
    throw new Error(`Directory simulator state file ${file} is invalid (delete it to start from the seed): ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Writes a temporary file and renames it over the old one, so a crash never leaves half a file. */
export function writeStateFile(file: string, snapshot: StateSnapshot): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(snapshot, null, 2)}\n`, 'utf8');
  renameSync(temporary, file);
}
