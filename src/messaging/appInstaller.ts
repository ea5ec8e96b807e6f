/**
 * The AppInstaller port: how the messenger gets the bot's Teams app installed for someone Teams
 * will not let it reach (they never opened the app), so the chat can be opened after all. The
 * implementation is GraphAppInstaller (Microsoft Graph, application permission
 * TeamsAppInstallation.ReadWriteSelfForUser.All).
 */

export type AppInstallOutcome =
  /** Installed now, or already installed (Graph's 409, `already`): open the chat again. */
  | { installed: true; already: boolean }
  /** The tenant refused (a permission, the catalog, a policy): the operator has been told once in the log. */
  | { installed: false; cause: string };

export interface AppInstaller {
  /** Throws a transient error for throttling or an outage, which the job retries. */
  installFor(userId: string): Promise<AppInstallOutcome>;
}
