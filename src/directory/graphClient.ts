import type { TokenCredential } from '@azure/identity';
import { type AuthenticationProvider, Client, MiddlewareFactory } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { ConnectionLossRetry } from './connectionLossRetry';
import { GraphPacing } from './graphPacing';

interface GraphClientOptions {
  /** Service root without the version: `https://graph.microsoft.com`, or the simulator's. */
  graphBaseUrl: string;
  /** App-only credential; may be omitted only for the local simulator on a loopback address. */
  credential?: TokenCredential;
}

/**
 * True for a plain-http URL on this machine (localhost, 127.0.0.0/8, [::1]): the only place a
 * Graph client may run without credentials, and the only plain-http place it may run at all.
 */
export function isLoopbackHttp(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  return parsed.protocol === 'http:' && (host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host));
}

/**
 * The simulator checks no token, but the client's middleware chain needs a provider. The
 * library only attaches tokens to https hosts, so over loopback http nothing is even sent.
 */
const noTokenProvider: AuthenticationProvider = {
  getAccessToken: async () => '',
};

/**
 * A Graph client with the library's default middleware chain, kept whole on purpose: its
 * RetryHandler retries 429, 503 and 504 after the `Retry-After` the service asks for. Two links
 * are added just before the request is sent: every attempt is paced below Graph's documented
 * limits (graphPacing), and a read whose connection dropped is sent once more.
 */
export function createGraphClient(options: GraphClientOptions): Client {
  const baseUrl = options.graphBaseUrl.replace(/\/+$/, '');
  let hostname: string;
  try {
    const parsed = new URL(baseUrl);
    if (parsed.protocol !== 'https:' && !isLoopbackHttp(baseUrl)) {
      throw new Error('plain http is only allowed on a loopback address');
    }
    hostname = parsed.hostname;
  } catch (error) {
    throw new Error(
      `GRAPH_BASE_URL must be an https URL such as https://graph.microsoft.com, or the local simulator on http://127.0.0.1 (got '${options.graphBaseUrl}': ${(error as Error).message})`,
      { cause: error },
    );
  }
  if (options.credential === undefined && !isLoopbackHttp(baseUrl)) {
    throw new Error(
      `Microsoft Graph at ${baseUrl} needs credentials: set AZURE_CLIENT_ID (with AZURE_TENANT_ID and a client secret or certificate), or point GRAPH_BASE_URL at the local directory simulator`,
    );
  }
  const authProvider =
    options.credential === undefined ? noTokenProvider : new TokenCredentialAuthenticationProvider(options.credential, { scopes: [`${baseUrl}/.default`] });
  const middleware = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  middleware.splice(middleware.length - 1, 0, new GraphPacing(), new ConnectionLossRetry());
  return Client.initWithMiddleware({
    middleware,
    baseUrl,
    defaultVersion: 'v1.0',
    // Without this the library sends the token only to graph.microsoft.com and its national clouds.
    customHosts: new Set([hostname]),
  });
}
