import { OperatorError } from '../operatorError';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AppIds {
  /** Fills `${{BOT_ID}}`: the bot's Microsoft App ID, the one Bot Framework authenticates with. */
  botId: string;
  /** Fills `${{TEAMS_APP_ID}}`: the Teams app's own id. */
  teamsAppId: string;
  /**
   * The client id of the Microsoft Entra app (or managed identity) that calls Graph, from
   * AZURE_CLIENT_ID, when set: the manifest's `webApplicationInfo` names it, without which Graph
   * refuses to let the app install itself for a user (TeamsAppInstallation.ReadWriteSelfForUser.All).
   */
  graphAppId?: string;
}

/**
 * Reads the ids the manifest placeholders stand for, with the names the bot itself uses, so that
 * the package installed in Teams always points at the bot that is running.
 */
export function resolveAppIds(env: NodeJS.ProcessEnv): AppIds {
  const botId = (env.MicrosoftAppId ?? '').trim();
  if (!GUID.test(botId)) {
    const found = botId === '' ? 'it is empty' : `"${botId}" is not a GUID`;
    throw new OperatorError(
      `MicrosoftAppId must be the bot's Microsoft App ID (a GUID) to build the Teams app package, but ${found}. ` +
        'Set MicrosoftAppId in .env at the project root or in the environment, e.g. MicrosoftAppId=00000000-0000-0000-0000-000000000000 npm run package.',
    );
  }
  // Teams apps built around a single bot conventionally reuse the bot's id as the app id.
  const teamsAppId = (env.TEAMS_APP_ID ?? '').trim() || botId;
  if (!GUID.test(teamsAppId)) {
    throw new OperatorError(
      `TEAMS_APP_ID must be a GUID, but "${teamsAppId}" is not. Set it in .env or the environment, or leave it empty to reuse MicrosoftAppId.`,
    );
  }
  const graphAppId = (env.AZURE_CLIENT_ID ?? '').trim() || undefined;
  if (graphAppId !== undefined && !GUID.test(graphAppId)) {
    throw new OperatorError(
      `AZURE_CLIENT_ID must be the client id (a GUID) of the app or managed identity that calls Microsoft Graph, but "${graphAppId}" is not. Fix it, or leave it empty to package without webApplicationInfo.`,
    );
  }
  return { botId, teamsAppId, ...(graphAppId ? { graphAppId } : {}) };
}
