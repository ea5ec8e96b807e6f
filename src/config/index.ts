/**
 * Settings from the environment and the resource catalog, validated once at start. Every
 * problem names the setting to fix, so an operator never has to read code to deploy.
 *
 * The parts: settings.ts reads each setting on its own, catalogFile.ts the catalog,
 * settingChecks.ts (with databaseSettings.ts) what the settings say together, config.ts builds
 * what the rest of the bot reads, and warnings.ts says what they allow but an operator should hear.
 */
import { readCatalog } from './catalogFile';
import { type Config, configOf } from './config';
import { ConfigError } from './configError';
import { problemsAcross } from './settingChecks';
import { type Env, parseSettings } from './settings';

export { loadCatalog, SAMPLE_CATALOG_FILE } from './catalogFile';
export type { Config, GuestEndAction } from './config';
export { ConfigError } from './configError';
export { SAMPLE_DIRECTORY_FILE } from './settings';
export { settingWarnings } from './warnings';

/** Reads and checks everything; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const settings = parseSettings(env);
  const catalog = readCatalog(settings.RESOURCE_CATALOG_FILE);
  const problems = problemsAcross(settings, env, catalog.problem);
  if (problems.length > 0) throw new ConfigError(problems);
  return configOf(settings, catalog);
}
