import { join } from 'node:path';
import { OperatorError } from '../operatorError';
import { buildAppPackage } from '../packager/buildAppPackage';
import { loadDotEnv } from '../dotEnv';
import { PROJECT_ROOT } from '../projectRoot';

/** `npm run package`: builds appPackage/build/appPackage.zip for uploading to Teams. */
async function main(): Promise<void> {
  loadDotEnv(PROJECT_ROOT);
  const sourceDir = join(PROJECT_ROOT, 'appPackage');
  const zip = await buildAppPackage({
    sourceDir,
    outputFile: join(sourceDir, 'build', 'appPackage.zip'),
    env: process.env,
  });
  console.log(`Teams app package written to ${zip}`);
}

main().catch((error: unknown) => {
  // Operator problems are reported as sentences; anything else is a bug and keeps its stack.
  console.error(error instanceof OperatorError ? error.message : error);
  process.exitCode = 1;
});
