/**
 * The Bot Framework's token check, with one mistake of the SDK's corrected: a token whose
 * signature does not verify (or that is not a JWT at all, once past the key lookup) escapes as
 * jsonwebtoken's own error, which the adapter answers 500. A bad token is the caller's fault, so
 * it becomes the 401 every other rejected token gets. The connector and user-token clients it
 * hands the adapter are reused from turn to turn (see ReusedClients).
 */
import { type Activity, StatusCodes } from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationError,
  BotFrameworkAuthentication,
  type BotFrameworkClient,
  type ClaimsIdentity,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import { ReusedClients } from './reusedClients';

/** What jsonwebtoken throws for a token it cannot accept. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError']);

export class ChannelTokenCheck extends BotFrameworkAuthentication {
  private readonly clients = new ReusedClients();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusingClients(await unauthorizedOnBadToken(this.inner.authenticateRequest(activity, authHeader)));
  }

  async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.reusingClients(await unauthorizedOnBadToken(this.inner.authenticateStreamingRequest(authHeader, channelIdHeader)));
  }

  authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return unauthorizedOnBadToken(this.inner.authenticateChannelRequest(authHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.clients.connectorFactory(claimsIdentity, this.inner.createConnectorFactory(claimsIdentity));
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.clients.userTokenClient(claimsIdentity, () => this.inner.createUserTokenClient(claimsIdentity));
  }

  createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  private reusingClients(result: AuthenticateRequestResult): AuthenticateRequestResult {
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.clients.connectorFactory(result.claimsIdentity, result.connectorFactory) };
  }
}

async function unauthorizedOnBadToken<T>(check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (error) {
    if (error instanceof Error && TOKEN_ERRORS.has(error.name)) throw new AuthenticationError(`Unauthorized: ${error.message}`, StatusCodes.UNAUTHORIZED);
    throw error;
  }
}
