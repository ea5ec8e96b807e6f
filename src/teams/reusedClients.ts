/**
 * botbuilder builds a new ConnectorClient (an HTTP pipeline with its policies, and credentials)
 * and a new UserTokenClient for every turn and every proactive message: a tenth of a turn's CPU.
 * Neither holds anything of a turn, and the .NET SDK keeps its connector clients per service URL;
 * these are kept per bot identity (and service URL and audience) for the life of the process.
 */
import { LRUCache } from 'lru-cache';
import { AuthenticationConstants, type ClaimsIdentity, type ConnectorClient, ConnectorFactory, type UserTokenClient } from 'botframework-connector';

/** Service URLs are a handful per cloud region; the bound only guards against a caller inventing them. */
const MAX_CLIENTS = 100;

export class ReusedClients {
  private readonly connectorClients = new LRUCache<string, Promise<ConnectorClient>>({ max: MAX_CLIENTS });
  private readonly userTokenClients = new LRUCache<string, Promise<UserTokenClient>>({ max: MAX_CLIENTS });

  /** `inner`, with the clients it makes kept for the bot identity `claimsIdentity` speaks for. */
  connectorFactory(claimsIdentity: ClaimsIdentity, inner: ConnectorFactory): ConnectorFactory {
    const appId = appIdOf(claimsIdentity);
    const clients = this.connectorClients;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return reuse(clients, JSON.stringify([appId, serviceUrl, audience ?? null]), () => inner.create(serviceUrl, audience));
      }
    })();
  }

  userTokenClient(claimsIdentity: ClaimsIdentity, make: () => Promise<UserTokenClient>): Promise<UserTokenClient> {
    return reuse(this.userTokenClients, appIdOf(claimsIdentity), make);
  }
}

/** The app id the SDK's own factories use: the token's audience, or the Emulator's appid claim. */
function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

function reuse<T>(cache: LRUCache<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const kept = cache.get(key);
  if (kept) return kept;
  const made = make();
  cache.set(key, made);
  // A client that could not be made is not kept: the next turn tries again.
  made.catch(() => cache.delete(key));
  return made;
}
