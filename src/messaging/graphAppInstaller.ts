/**
 * Installs the bot's Teams app for a user through Microsoft Graph, as Microsoft documents for
 * proactive bots ("Send proactive installation messages"): the app's id in the organization's
 * catalog, looked up once by the manifest id (or given as TEAMS_APP_CATALOG_ID), then
 * `POST /users/{id}/teamwork/installedApps`, where 409 means it was installed already.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Logger } from 'pino';
import type { AppInstaller, AppInstallOutcome } from './appInstaller';
import { toDirectoryError } from '../directory/graphErrorMapping';

interface GraphAppInstallerOptions {
  /** The Teams app manifest's id (TEAMS_APP_ID), which the catalog calls `externalId`. */
  manifestId: string;
  /** TEAMS_APP_CATALOG_ID: the app's id in the organization's catalog; skips the look-up. */
  catalogId?: string;
  /** The client's base URL, for the `teamsApp@odata.bind` reference. */
  graphBaseUrl: string;
  logger: Logger;
}

/** Why an install cannot happen as things stand, and what the operator can do about it. */
const REFUSALS = {
  catalogReadDenied:
    'Microsoft Graph refused to look the bot’s Teams app up in the organization’s app catalog (403): grant the application permission AppCatalog.Read.All, or set TEAMS_APP_CATALOG_ID to the app’s id in the catalog. Until then the bot cannot reach people who never opened the app.',
  notInCatalog:
    'The bot’s Teams app (manifest id {manifestId}, TEAMS_APP_ID) is not in the organization’s app catalog: a Teams admin must upload it (Teams admin center, Manage apps, Upload new app) and allow it. Until then the bot cannot reach people who never opened the app.',
  installDenied:
    'Microsoft Graph refused to install the bot’s Teams app for a user (403): grant the application permission TeamsAppInstallation.ReadWriteSelfForUser.All with admin consent, check that no app permission policy blocks the app, and that the app package was built with AZURE_CLIENT_ID set to this Graph identity, so its manifest’s webApplicationInfo names it (docs/administration.md, “Install the Teams app”). Until then the bot cannot reach people who never opened the app.',
} as const;

type Refusal = keyof typeof REFUSALS;

export class GraphAppInstaller implements AppInstaller {
  /** The catalog id once known; a look-up in flight is shared by everyone who needs it. */
  private catalogId: Promise<string | Refusal> | undefined;
  private readonly told = new Set<Refusal>();
  private readonly graphRoot: string;

  constructor(
    private readonly client: Client,
    private readonly options: GraphAppInstallerOptions,
  ) {
    if (options.catalogId) this.catalogId = Promise.resolve(options.catalogId);
    this.graphRoot = `${options.graphBaseUrl.replace(/\/+$/, '')}/v1.0`;
  }

  async installFor(userId: string): Promise<AppInstallOutcome> {
    const catalogId = await this.knownCatalogId();
    if (isRefusal(catalogId)) return this.refused(catalogId);
    try {
      await this.client
        .api(`/users/${encodeURIComponent(userId)}/teamwork/installedApps`)
        .post({ 'teamsApp@odata.bind': `${this.graphRoot}/appCatalogs/teamsApps/${encodeURIComponent(catalogId)}` });
      this.options.logger.info({ userId }, 'installed the bot’s Teams app for a user it could not reach');
      return { installed: true, already: false };
    } catch (caught) {
      const error = toDirectoryError(caught, 'Installing the bot’s Teams app for a user');
      if (error.status === 409) return { installed: true, already: true };
      if (error.status === 403) return this.refused('installDenied');
      if (error.status === 404) {
        // The app left the catalog, or TEAMS_APP_CATALOG_ID names another: look it up afresh next time.
        if (!this.options.catalogId) this.catalogId = undefined;
        return this.refused('notInCatalog');
      }
      throw error;
    }
  }

  /** Only a found id is remembered: after a refusal the next message asks again, so a fix needs no restart. */
  private async knownCatalogId(): Promise<string | Refusal> {
    const lookUp = (this.catalogId ??= this.lookUpCatalogId());
    const forget = () => {
      if (this.catalogId === lookUp) this.catalogId = undefined;
    };
    try {
      const found = await lookUp;
      if (isRefusal(found)) forget();
      return found;
    } catch (error) {
      forget();
      throw error;
    }
  }

  private async lookUpCatalogId(): Promise<string | Refusal> {
    try {
      const page = (await this.client
        .api('/appCatalogs/teamsApps')
        .filter(`externalId eq '${this.options.manifestId.replace(/'/g, "''")}'`)
        .get()) as { value?: { id?: string }[] };
      return page.value?.[0]?.id ?? 'notInCatalog';
    } catch (caught) {
      const error = toDirectoryError(caught, 'Looking the bot’s Teams app up in the organization’s app catalog');
      if (error.status === 403) return 'catalogReadDenied';
      if (error.status === 404) return 'notInCatalog';
      throw error;
    }
  }

  /** Logged once a process for each cause, not for every message that could not be delivered. */
  private refused(cause: Refusal): AppInstallOutcome {
    if (!this.told.has(cause)) {
      this.told.add(cause);
      this.options.logger.warn({ cause }, REFUSALS[cause].replace('{manifestId}', this.options.manifestId));
    }
    return { installed: false, cause };
  }
}

function isRefusal(value: string): value is Refusal {
  return Object.hasOwn(REFUSALS, value);
}
