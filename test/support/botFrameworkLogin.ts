/**
 * The Bot Framework's side of authentication, on 127.0.0.1: the OpenID metadata and signing keys
 * an authenticated bot checks incoming tokens against, tokens minted as the Teams channel mints
 * them, and a credentials factory for the bot's own outbound calls, since the real login service
 * cannot be reached from a test. With it the bot's real adapter runs its real token validation.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ServiceClientCredentialsFactory } from 'botframework-connector';

/** The issuer of tokens the Bot Framework's channels send to bots. */
export const CHANNEL_TOKEN_ISSUER = 'https://api.botframework.com';
/** The token the bot presents to the channel; the fake channel records what it receives. */
export const OUTBOUND_TOKEN = 'fake-outbound-token';

export interface ChannelTokenClaims {
  /** The bot's app id, for whom the token is meant. */
  aud: string;
  /** The serviceUrl of the activity the token comes with. */
  serviceurl: string;
  iss?: string;
  /** Seconds since the epoch; defaults to an hour from now. */
  exp?: number;
}

export class FakeBotFrameworkLogin {
  private readonly keyId = randomUUID();
  private readonly privateKey: KeyObject;
  private readonly publicJwk: Record<string, unknown>;
  private server: Server | undefined;
  url = '';

  /** `endorsements`: the channels the signing key is good for, as the real keys list them. */
  constructor(private readonly endorsements: readonly string[] = ['msteams', 'webchat', 'directline', 'emulator']) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' }));
    this.publicJwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  }

  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const send = (json: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.url === '/v1/.well-known/openidconfiguration') {
        return send({ issuer: CHANNEL_TOKEN_ISSUER, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] });
      }
      if (req.url === '/v1/.well-known/keys') {
        return send({ keys: [{ ...this.publicJwk, kty: 'RSA', use: 'sig', kid: this.keyId, endorsements: this.endorsements }] });
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** An RS256 token signed with the published key, as a channel sends in `Authorization: Bearer`. */
  mint(claims: ChannelTokenClaims, signingKey: KeyObject = this.privateKey): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.keyId };
    const payload = { iss: CHANNEL_TOKEN_ISSUER, nbf: now - 60, exp: now + 3600, ...claims };
    const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
    return `${unsigned}.${sign('sha256', Buffer.from(unsigned), signingKey).toString('base64url')}`;
  }

  /** How the bot's adapter checks tokens against this login service and gets its own. */
  authenticationFor(appId: string): ConfigurationBotFrameworkAuthentication {
    return new ConfigurationBotFrameworkAuthentication(
      { MicrosoftAppId: appId, ToBotFromChannelOpenIdMetadataUrl: this.openIdMetadataUrl, ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER },
      new FixedTokenCredentialsFactory(appId),
    );
  }
}

/** The bot's outbound credentials: a fixed bearer token instead of one from Entra's token endpoint. */
class FixedTokenCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(private readonly appId: string) {
    super();
  }

  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }

  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }

  async createCredentials(): Promise<Awaited<ReturnType<ServiceClientCredentialsFactory['createCredentials']>>> {
    return {
      signRequest: async (request) => {
        request.headers.set('authorization', `Bearer ${OUTBOUND_TOKEN}`);
        return request;
      },
    };
  }
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
