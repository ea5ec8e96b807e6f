import type { AddressInfo } from 'node:net';
import * as restify from 'restify';
import sampleDirectory from '../samples/directory.json';
import { DirectorySimulator } from './directorySimulator';
import type { SimulatorLogger } from './simulatorLogger';
import { parseSimulatorSeed, type SimulatorSeed } from './simulatorSeed';
import type { PublishedTeamsApp } from './teamsAppCatalog';

export interface StartedDirectorySimulator {
  simulator: DirectorySimulator;
  /** Where a Graph client should point, e.g. `http://127.0.0.1:PORT/simulator/graph`. */
  graphBaseUrl: string;
  close(): Promise<void>;
}

/**
 * The simulator on a restify server of its own, on 127.0.0.1 only (port 0 picks a free one):
 * for tests, and for trying the adapter without the bot. Parses bodies and queries the way the
 * bot's server does, so both host it alike.
 */
export async function startDirectorySimulator(
  options: {
    seed?: SimulatorSeed;
    port?: number;
    latencyMs?: number;
    stateFile?: string;
    logger?: SimulatorLogger;
    teamsApp?: PublishedTeamsApp;
    rateLimits?: boolean;
  } = {},
): Promise<StartedDirectorySimulator> {
  const seed = options.seed ?? parseSimulatorSeed(sampleDirectory, 'src/samples/directory.json');
  const simulator = new DirectorySimulator(seed, {
    latencyMs: options.latencyMs,
    stateFile: options.stateFile,
    logger: options.logger,
    teamsApp: options.teamsApp,
    rateLimits: options.rateLimits,
  });
  const server = restify.createServer({ name: 'directory-simulator' });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false }));
  simulator.mount(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    simulator,
    graphBaseUrl: `http://127.0.0.1:${port}/simulator/graph`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}
