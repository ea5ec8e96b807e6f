import { createHash } from 'node:crypto';
import type { DirectoryState } from './directoryState';
import { badRequest, GraphFailure, resourceNotFound } from './graphFailure';
import type { GraphCall, GraphResult, Route } from './graphCall';

/**
 * The bot's own Teams app as the simulated tenant knows it: published to the organization's app
 * catalog (what an admin does once in the Teams admin center), and installed for everyone except
 * the users whose seed says `teamsAppInstalled: false`. Serves the three Graph calls a bot makes
 * to install itself for someone it cannot reach (Microsoft Learn, "Send proactive installation
 * messages"): the catalog look-up by manifest id, the install, and the chat it opens.
 */

/** The manifest id the simulated catalog publishes when the bot has none (MicrosoftAppId empty: a local session). */
export const SIMULATED_TEAMS_APP_ID = '0a7e57ed-0000-4000-8000-00000000a990';

export interface PublishedTeamsApp {
  /** The manifest's `id`, which Graph calls `externalId`. */
  externalId: string;
  displayName?: string;
}

export class TeamsAppCatalog {
  /** The catalog's own id for the app: Graph generates one, unlike the manifest id. */
  readonly catalogId: string;
  readonly externalId: string;
  private readonly displayName: string;
  /** As an app permission policy that blocks the app does: installs are refused with 403. */
  blockedByPolicy = false;

  constructor(
    private readonly state: DirectoryState,
    app: PublishedTeamsApp,
  ) {
    this.externalId = app.externalId;
    this.displayName = app.displayName ?? 'Guest Access';
    this.catalogId = guidFrom(`catalog:${app.externalId}`);
  }

  isInstalledFor(userId: string): boolean {
    const user = this.state.findUser(userId);
    return user !== undefined && user.teamsAppInstalled !== false;
  }

  routes(): Route[] {
    return [
      { method: 'GET', pattern: ['appCatalogs', 'teamsApps'], handle: (call) => this.listApps(call) },
      { method: 'POST', pattern: ['users', '{}', 'teamwork', 'installedApps'], handle: (call, [userId]) => this.install(call, userId) },
      {
        method: 'GET',
        pattern: ['users', '{}', 'teamwork', 'installedApps', '{}', 'chat'],
        handle: (call, [userId, installationId]) => this.chatOf(call, userId, installationId),
      },
    ];
  }

  /** Only the filter the proactive-install guidance uses; anything else is refused, not ignored. */
  private listApps(call: GraphCall): GraphResult {
    const filter = call.query.$filter;
    const byExternalId = filter === undefined ? undefined : /^\s*externalId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
    if (filter !== undefined && !byExternalId) {
      throw badRequest(`The directory simulator filters teamsApps only by externalId eq '…', not '${filter}'.`);
    }
    const listed = byExternalId === undefined || byExternalId?.[1] === this.externalId;
    return {
      status: 200,
      headers: {},
      body: {
        '@odata.context': `${call.serviceRoot}/v1.0/$metadata#appCatalogs/teamsApps`,
        value: listed ? [{ id: this.catalogId, externalId: this.externalId, displayName: this.displayName, distributionMethod: 'organization' }] : [],
      },
    };
  }

  private install(call: GraphCall, userId: string): GraphResult {
    const user = this.state.requireUser(userId);
    const bind = typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, unknown>)['teamsApp@odata.bind'] : undefined;
    const match = typeof bind === 'string' ? /\/appCatalogs\/teamsApps\/([^/?#]+)$/i.exec(bind) : null;
    if (!match) throw badRequest(`Expected teamsApp@odata.bind naming an app of the catalog, got '${String(bind)}'.`);
    if (match[1] !== this.catalogId) throw new GraphFailure(404, 'NotFound', `The app '${match[1]}' is not in the organization's app catalog.`);
    if (this.blockedByPolicy) throw new GraphFailure(403, 'Forbidden', 'The app is blocked by an app permission policy.');
    if (!this.state.installTeamsApp(user.id)) throw new GraphFailure(409, 'Conflict', 'The app is already installed for this user.');
    // Graph answers an install with 201 and no body.
    return { status: 201, headers: {} };
  }

  private chatOf(call: GraphCall, userId: string, installationId: string): GraphResult {
    const user = this.state.requireUser(userId);
    if (installationId !== this.installationIdOf(user.id) || !this.isInstalledFor(user.id)) throw resourceNotFound(installationId);
    return {
      status: 200,
      headers: {},
      body: {
        '@odata.context': `${call.serviceRoot}/v1.0/$metadata#users('${user.id}')/teamwork/installedApps('${installationId}')/chat/$entity`,
        id: `19:${user.id}_${this.catalogId}@unq.gbl.spaces`,
        topic: null,
        chatType: 'oneOnOne',
        tenantId: this.state.tenantId,
      },
    };
  }

  /** Graph's user-scope installation ids are opaque base64 strings; this one is stable per user. */
  installationIdOf(userId: string): string {
    return Buffer.from(`${userId}##${this.catalogId}`).toString('base64url');
  }
}

function guidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
