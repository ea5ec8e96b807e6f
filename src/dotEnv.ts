import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Loads `.env` from `folder` when there is one. Variables already in the environment win, as
 * with `node --env-file`, so `PORT=4000 npm start` overrides the file.
 */
export function loadDotEnv(folder: string = process.cwd()): void {
  const file = join(folder, '.env');
  if (existsSync(file)) process.loadEnvFile(file);
}
