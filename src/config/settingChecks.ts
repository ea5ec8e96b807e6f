/**
 * What the settings say together: each setting may be well formed on its own (settings.ts) and
 * still be wrong beside another, or put a real tenant at risk. Every problem names the setting to
 * fix and what to set instead.
 */
import { existsSync } from 'node:fs';
import { isLoopbackHttp } from '../directory/graphClient';
import { databaseAuthProblems, sharedDatabaseProblem } from './databaseSettings';
import { type DirectoryMode, directoryModeOf, type Env, isAuthenticated, type Settings, simulatorDirectoryFileOf } from './settings';

/**
 * Every problem at once, so an operator fixes them all in one go; `catalogProblem` (the catalog
 * file's, see catalogFile.ts) takes its place among them.
 */
export function problemsAcross(e: Settings, env: Env, catalogProblem: string | undefined): string[] {
  const problems: string[] = [];
  const authenticated = isAuthenticated(e);
  const mode = directoryModeOf(e);
  if (authenticated && mode === 'simulator') {
    problems.push(
      'DIRECTORY_MODE=simulator cannot be used with MicrosoftAppId set: an authenticated bot listens on the network, where the simulated directory and its pages would be open to anyone. ' +
        'Use DIRECTORY_MODE=graph (with AZURE_TENANT_ID and Graph credentials), or leave MicrosoftAppId empty for a local test session.',
    );
  }
  if (mode === 'graph' && !e.AZURE_TENANT_ID) {
    problems.push(
      `AZURE_TENANT_ID must name your tenant (the one guests join) when DIRECTORY_MODE is graph${authenticated && !e.DIRECTORY_MODE ? ' (always, with MicrosoftAppId set)' : ''}.`,
    );
  }
  if (!authenticated && reachesRealDirectory(mode, e.GRAPH_BASE_URL, env)) {
    problems.push(
      'MicrosoftAppId is empty, so the bot would run unauthenticated, trusting whoever calls it to say who they are, ' +
        `but its directory is a real one (DIRECTORY_MODE=${mode}${e.GRAPH_BASE_URL ? `, GRAPH_BASE_URL=${e.GRAPH_BASE_URL}` : ''}${hasGraphCredentials(env) ? ', with Graph credentials' : ''}). ` +
        'Set MicrosoftAppId and MicrosoftAppPassword to run against your tenant; for a local test session, use the simulator ' +
        '(remove DIRECTORY_MODE, GRAPH_BASE_URL and the AZURE_CLIENT_* settings) or a Graph on http://127.0.0.1 without credentials.',
    );
  }
  const sharedDatabase = authenticated ? undefined : sharedDatabaseProblem(e.DATABASE_URL, env);
  if (sharedDatabase) problems.push(sharedDatabase);
  if (authenticated && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    problems.push('MicrosoftAppPassword is required when MicrosoftAppId is set (or set MicrosoftAppType=UserAssignedMSI).');
  }
  if (authenticated && e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId is required when MicrosoftAppType is SingleTenant.');
  }

  problems.push(...databaseAuthProblems(e.DATABASE_URL, e.DATABASE_AUTH, e.DATABASE_CLIENT_ID));

  if (catalogProblem) problems.push(catalogProblem);
  const simulatorDirectoryFile = simulatorDirectoryFileOf(e);
  if (mode === 'simulator' && !existsSync(simulatorDirectoryFile)) {
    problems.push(`SIMULATOR_DIRECTORY_FILE: ${simulatorDirectoryFile} does not exist.`);
  }
  if (e.APPROVAL_REMINDER_HOURS >= e.APPROVAL_TIMEOUT_DAYS * 24) {
    problems.push(
      `APPROVAL_REMINDER_HOURS (${e.APPROVAL_REMINDER_HOURS}) must be shorter than APPROVAL_TIMEOUT_DAYS (${e.APPROVAL_TIMEOUT_DAYS} days), or the request expires before anyone is reminded.`,
    );
  }
  return problems;
}

/** The Azure SDK's environment credential reads these; any of them means a real tenant is meant. */
const GRAPH_CREDENTIAL_SETTINGS = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_USERNAME'];

function hasGraphCredentials(env: Env): boolean {
  return GRAPH_CREDENTIAL_SETTINGS.some((name) => (env[name] ?? '').trim() !== '');
}

/**
 * Whether the bot's directory could be a real tenant: anything but the built-in simulator or a
 * Graph on this machine's loopback address reached without credentials (a local fake, as tests use).
 */
function reachesRealDirectory(mode: DirectoryMode, graphBaseUrl: string, env: Env): boolean {
  if (graphBaseUrl && !isLoopbackHttp(graphBaseUrl)) return true;
  return mode === 'graph' && (!graphBaseUrl || hasGraphCredentials(env));
}
