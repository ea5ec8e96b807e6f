import { resolve } from 'node:path';

/** The project's root, from `dist/src` where the compiled code runs, so tools work from any folder. */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');
