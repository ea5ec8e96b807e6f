/**
 * The whole bot as it runs for a real tenant: MicrosoftAppId set, so every activity must carry a
 * channel token the adapter validates, and Microsoft Graph (here the directory simulator on a
 * server of its own, as a stand-in for graph.microsoft.com) instead of the built-in simulator.
 * Only the Bot Framework's login service is fake (botFrameworkLogin.ts).
 */
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { startApp } from '../../src/index';
import { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { FakeBotFrameworkLogin } from './botFrameworkLogin';
import { FakeTeamsChannel, TENANT_ID, TeamsClient } from './fakeTeamsChannel';
import type { TestBot } from './testBot';

export const APP_ID = '7e1b4c2a-9d3f-4a5b-8c6d-0e1f2a3b4c5d';

export interface AuthenticatedTestBot extends TestBot {
  login: FakeBotFrameworkLogin;
  graph: StartedDirectorySimulator;
}

export async function startAuthenticatedTestBot(env: Record<string, string> = {}): Promise<AuthenticatedTestBot> {
  // The tenant has the bot's app in its catalog, under the id the package gives it.
  const graph = await startDirectorySimulator({ teamsApp: { externalId: APP_ID } });
  const login = new FakeBotFrameworkLogin();
  await login.start();
  const config = loadConfig({
    PORT: '0',
    DATABASE_URL: ':memory:',
    LOG_LEVEL: 'silent',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-used-the-login-is-fake',
    AZURE_TENANT_ID: TENANT_ID,
    GRAPH_BASE_URL: graph.graphBaseUrl,
    ...env,
  });
  const app = await startApp(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), { botFrameworkAuthentication: login.authenticationFor(APP_ID) });
  const channel = new FakeTeamsChannel();
  await channel.start();
  channel.hasApp = (entraId) => graph.simulator.hasTeamsApp(entraId);
  // Teams signs every activity for the bot it is meant for, naming the serviceUrl it came from.
  const teams = new TeamsClient(app.url, channel, (activity) => `Bearer ${login.mint({ aud: APP_ID, serviceurl: activity.serviceUrl ?? '' })}`);
  return {
    app,
    config,
    channel,
    teams,
    login,
    graph,
    requests: new SqlRequestRepository(app.database.db, { followUp: config }),
    now: () => new Date(),
    close: async () => {
      await app.close();
      await channel.stop();
      await login.stop();
      await graph.close();
    },
  };
}
