import { join } from 'node:path';
import { loadConfig } from '../config';
import { loadDotEnv } from '../dotEnv';
import { OperatorError } from '../operatorError';
import { PROJECT_ROOT } from '../projectRoot';
import { assertPlaygroundCanConnect, launchPlayground } from '../playground/playgroundLauncher';

/** Long enough for a first start that creates and migrates the local database. */
const HEALTH_TIMEOUT_MS = 30_000;

/** `npm run playground`: the bot and the Microsoft 365 Agents Playground, started and stopped together. */
async function main(): Promise<void> {
  // The same settings the bot will read, checked whole before anything starts.
  loadDotEnv(PROJECT_ROOT);
  const config = loadConfig();
  assertPlaygroundCanConnect(config);
  const running = launchPlayground({
    cwd: PROJECT_ROOT,
    env: process.env,
    port: config.port,
    botEntry: join(PROJECT_ROOT, 'dist', 'src', 'index.js'),
    playgroundCli: require.resolve('@microsoft/m365agentsplayground/cli.js'),
    healthTimeoutMs: HEALTH_TIMEOUT_MS,
  });
  let stopRequested = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopRequested = true;
      running.stop(signal);
    });
  }
  const code = await running.exited;
  // Stopping on purpose (Ctrl+C) is not a failure of the bot or the Playground.
  process.exitCode = stopRequested ? 0 : code;
}

main().catch((error: unknown) => {
  console.error(error instanceof OperatorError ? error.message : error);
  process.exitCode = 1;
});
