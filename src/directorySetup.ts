/**
 * Which directory the bot works against: the local simulator, served on the bot's own port, or
 * Microsoft Graph with the app's credentials (none for a Graph on loopback: a local fake). The
 * composition root asks once at start; config/ has already refused the unsafe combinations.
 */
import { ChainedTokenCredential, EnvironmentCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Logger } from 'pino';
import type { Config } from './config';
import { GraphAppInstaller } from './messaging/graphAppInstaller';
import { createGraphClient, isLoopbackHttp } from './directory/graphClient';
import { GraphDirectory } from './directory/graphDirectory';
import type { AppInstaller } from './messaging/appInstaller';
import { DirectorySimulator, loadSimulatorSeed, SIMULATED_TEAMS_APP_ID } from './simulator';

export interface DirectorySetup {
  directory: GraphDirectory;
  /** Installs the bot's Teams app for people Teams will not let it reach; absent without a manifest id. */
  appInstaller?: AppInstaller;
  simulator?: DirectorySimulator;
  tenantId: string;
  /** For the start line: which directory, and where. */
  description: string;
}

/** `port` is the bot's own: the simulator answers there, so its URL is known before anything listens. */
export function setUpDirectory(config: Config, port: number, logger: Logger): DirectorySetup {
  const settings = config.directory;
  if (settings.mode === 'simulator') {
    // The simulated tenant has the bot's app in its catalog, under a stand-in id in a local session.
    const manifestId = config.teamsApp.manifestId ?? SIMULATED_TEAMS_APP_ID;
    const simulator = new DirectorySimulator(loadSimulatorSeed(settings.simulatorDirectoryFile), {
      latencyMs: settings.simulatorLatencyMs,
      rateLimits: settings.simulatorRateLimits,
      stateFile: settings.simulatorStateFile,
      logger: logger.child({ component: 'directory-simulator' }),
      teamsApp: { externalId: manifestId },
    });
    const graphBaseUrl = settings.graphBaseUrl ?? `http://127.0.0.1:${port}/simulator/graph`;
    const client = createGraphClient({ graphBaseUrl });
    return {
      directory: new GraphDirectory(client, { graphBaseUrl }),
      // TEAMS_APP_CATALOG_ID names a real tenant's catalog, never the simulated one.
      appInstaller: new GraphAppInstaller(client, { manifestId, graphBaseUrl, logger }),
      simulator,
      tenantId: settings.tenantId ?? simulator.tenantId,
      description: `simulator (${settings.simulatorDirectoryFile}) at ${graphBaseUrl}`,
    };
  }
  const graphBaseUrl = settings.graphBaseUrl as string;
  const credential = isLoopbackHttp(graphBaseUrl) ? undefined : appCredential();
  const client = createGraphClient({ graphBaseUrl, credential });
  const { manifestId, catalogId } = config.teamsApp;
  return {
    directory: new GraphDirectory(client, { graphBaseUrl }),
    appInstaller: manifestId ? new GraphAppInstaller(client, { manifestId, catalogId, graphBaseUrl, logger }) : undefined,
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
