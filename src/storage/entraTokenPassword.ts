/**
 * The password of a PostgreSQL connection when the bot signs in with Microsoft Entra ID (Azure
 * Database for PostgreSQL): an access token for the database, from a managed identity. The server
 * checks it only when a connection opens, so node-postgres asks for it then; a token lasts about an
 * hour, so one is kept for every connection opened meanwhile and replaced a few minutes before it
 * expires, never handed out stale.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { OperatorError } from '../operatorError';

/** The resource Azure Database for PostgreSQL accepts tokens for. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/** A token this close to its expiry is replaced: opening a connection, TLS and all, takes a moment. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export class EntraTokenPassword {
  private token?: AccessToken;
  /** Connections opened together (a pool filling up) share one request for a token. */
  private pending?: Promise<string>;

  /**
   * @param identity how the operator named the identity, for the message when no token comes
   * @param now the clock that decides whether the kept token is still good
   */
  constructor(
    private readonly credential: TokenCredential,
    private readonly identity: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** node-postgres's `password` option: called for every connection it opens. */
  readonly password = (): Promise<string> => {
    if (this.token && this.now() < this.renewAt(this.token)) return Promise.resolve(this.token.token);
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  };

  private renewAt(token: AccessToken): number {
    return Math.min(token.expiresOnTimestamp - REFRESH_MARGIN_MS, token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY);
  }

  private async fetch(): Promise<string> {
    let token: AccessToken | null;
    try {
      token = await this.credential.getToken(POSTGRES_ENTRA_SCOPE);
    } catch (error) {
      throw this.noToken((error as Error).message);
    }
    if (!token) throw this.noToken('the credential returned none');
    this.token = token;
    return token.token;
  }

  private noToken(reason: string): OperatorError {
    return new OperatorError(
      `DATABASE_AUTH=entra: no Microsoft Entra token for PostgreSQL from ${this.identity} (${reason}). ` +
        'Run the bot where that managed identity is attached and check DATABASE_CLIENT_ID, or set DATABASE_AUTH=password with a password in DATABASE_URL.',
    );
  }
}
