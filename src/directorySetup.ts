/**
 * Which directory the bot works against: the local simulator, served on the bot's own port, or
 * Microsoft Graph with the app's credentials (none for a Graph on loopback: a local fake). The
 * composition root asks once at start; config/ has already refused the unsafe combinations.
 */
import { ChainedTokenCredential, EnvironmentCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Logger } from 'pino';
import type { Config } from './config';
import { createGraphClient, isLoopbackHttp } from './directory/graphClient';
import { GraphDirectory } from './directory/graphDirectory';
import { DirectorySimulator, loadSimulatorSeed } from './simulator';

export interface DirectorySetup {
  directory: GraphDirectory;
  simulator?: DirectorySimulator;
  tenantId: string;
  /** For the start line: which directory, and where. */
  description: string;
}

/** `port` is the bot's own: the simulator answers there, so its URL is known before anything listens. */
export function setUpDirectory(config: Config, port: number, logger: Logger): DirectorySetup {
  const settings = config.directory;
  if (settings.mode === 'simulator') {
    const simulator = new DirectorySimulator(loadSimulatorSeed(settings.simulatorDirectoryFile), {
      latencyMs: settings.simulatorLatencyMs,
      rateLimits: settings.simulatorRateLimits,
      stateFile: settings.simulatorStateFile,
      logger: logger.child({ component: 'directory-simulator' }),
    });
    const graphBaseUrl = settings.graphBaseUrl ?? `http://127.0.0.1:${port}/simulator/graph`;
    return {
      directory: new GraphDirectory(createGraphClient({ graphBaseUrl }), { graphBaseUrl }),
      simulator,
      tenantId: settings.tenantId ?? simulator.tenantId,
      description: `simulator (${settings.simulatorDirectoryFile}) at ${graphBaseUrl}`,
    };
  }
  const graphBaseUrl = settings.graphBaseUrl as string;
  const credential = isLoopbackHttp(graphBaseUrl) ? undefined : appCredential();
  return {
    directory: new GraphDirectory(createGraphClient({ graphBaseUrl, credential }), { graphBaseUrl }),
    tenantId: settings.tenantId as string,
    description: `Microsoft Graph at ${graphBaseUrl}`,
  };
}

/**
 * App-only credentials from the environment (AZURE_CLIENT_ID with AZURE_CLIENT_SECRET or
 * AZURE_CLIENT_CERTIFICATE_PATH), else the host's managed identity. Narrower than
 * DefaultAzureCredential on purpose: a server should not pick up a developer's CLI login.
 */
function appCredential(): TokenCredential {
  const clientId = process.env.AZURE_CLIENT_ID || undefined;
  return new ChainedTokenCredential(new EnvironmentCredential(), new ManagedIdentityCredential(clientId ? { clientId } : {}));
}
