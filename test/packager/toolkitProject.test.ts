import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import AdmZip from 'adm-zip';
import { parse as parseYaml } from 'yaml';
import { buildAppPackage } from '../../src/packager/buildAppPackage';
import { isRecord } from '../../src/packager/isRecord';
import { loadConfig, SAMPLE_CATALOG_FILE } from '../../src/config';
import { PROJECT_ROOT as projectRoot } from '../../src/projectRoot';

/**
 * The Microsoft 365 Agents Toolkit project (m365agents*.yml, env/, .vscode/) checked the way the
 * Toolkit reads it, without the Toolkit, whose provisioning needs a Microsoft 365 sign-in. The
 * Toolkit stops a lifecycle at the first action with a `${{VAR}}` it cannot resolve (an empty
 * value counts as unresolved), so every placeholder must have a source before that action runs.
 */

/** The Toolkit's own placeholder syntax (its lifecycle resolver uses this expression). */
const PLACEHOLDER = /\$\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;
/** launch.json and tasks.json may name the environment: `${{local:TEAMS_APP_ID}}`. */
const VSCODE_PLACEHOLDER = /\$\{\{\s*(?:([a-z0-9-]+):)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/** The stages in the order the Toolkit runs them; each writes its outputs to the env file for the next. */
const STAGES = ['provision', 'deploy', 'publish'] as const;
type Stage = (typeof STAGES)[number];

/** Set by the Toolkit before any action runs: the environment's name (`--env local`). */
const BUILT_INS = ['TEAMSFX_ENV'];

/**
 * Outputs an action writes without naming them in writeToEnvironmentFile: teamsApp/create also
 * writes the tenant the app was created in (the driver's internal output TEAMS_APP_TENANT_ID).
 */
const IMPLICIT_OUTPUTS: Readonly<Record<string, readonly string[]>> = { 'teamsApp/create': ['TEAMS_APP_TENANT_ID'] };

/** Actions that read the app manifest and so resolve its placeholders. */
const READS_MANIFEST = ['teamsApp/validateManifest', 'teamsApp/zipAppPackage'];

interface Action {
  uses: string;
  with: Record<string, unknown>;
  env: Record<string, unknown>;
  writeToEnvironmentFile: Record<string, string>;
}

type ProjectFile = Partial<Record<Stage, Action[]>> & { file: string; version: string };

interface EnvFile {
  name: string;
  values: Record<string, string>;
  /** Names shown as `# NAME=` lines: values kept in the gitignored env/.env.<name>.user. */
  documented: Set<string>;
}

function readProjectFile(file: string): ProjectFile {
  const parsed: unknown = parseYaml(readFileSync(join(projectRoot, file), 'utf8'));
  assert.ok(isRecord(parsed), `${file} is not a YAML mapping`);
  assert.equal(typeof parsed.version, 'string', `${file} has no version`);
  const project: ProjectFile = { file, version: String(parsed.version) };
  for (const stage of STAGES) {
    const actions = parsed[stage];
    if (actions === undefined) continue;
    assert.ok(Array.isArray(actions), `${file}: ${stage} is not a list`);
    project[stage] = actions.map((action: unknown, index) => {
      assert.ok(isRecord(action) && typeof action.uses === 'string', `${file}: ${stage}[${index}] has no "uses"`);
      const outputs = isRecord(action.writeToEnvironmentFile) ? action.writeToEnvironmentFile : {};
      return {
        uses: action.uses,
        with: isRecord(action.with) ? action.with : {},
        env: isRecord(action.env) ? action.env : {},
        writeToEnvironmentFile: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, String(value)])),
      };
    });
  }
  return project;
}

function readEnvFile(name: string): EnvFile {
  const text = readFileSync(join(projectRoot, 'env', `.env.${name}`), 'utf8');
  // The files end without a newline, as the Toolkit rewrites them (so its runs leave no diff);
  // Node 20's parseEnv would read a comment on that last line as a key.
  const values = Object.fromEntries(Object.entries(parseEnv(`${text}\n`)).map(([key, value]) => [key, value ?? '']));
  const documented = new Set([...text.matchAll(/^#\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
  return { name, values, documented };
}

/** Every committed environment: env/.env.<name>, not the .user files that hold secrets. */
function environmentNames(): string[] {
  return readdirSync(join(projectRoot, 'env'))
    .map((file) => /^\.env\.([a-z0-9-]+)$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** Which file the Toolkit runs for an environment, as its path rules say. */
function projectFileOf(environment: string): string {
  if (environment === 'local') return 'm365agents.local.yml';
  if (environment === 'playground') return 'm365agents.playground.yml';
  return 'm365agents.yml';
}

function placeholdersIn(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((match) => match[1]);
  if (Array.isArray(value)) return value.flatMap(placeholdersIn);
  if (isRecord(value)) return Object.values(value).flatMap(placeholdersIn);
  return [];
}

/** The app package's files that hold text the Toolkit fills: the manifest and its translations. */
function appPackagePlaceholders(): string[] {
  const folder = join(projectRoot, 'appPackage');
  const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  return [...new Set(files.flatMap((file) => placeholdersIn(readFileSync(join(folder, file), 'utf8'))))].sort();
}

interface Unresolved {
  where: string;
  name: string;
}

function allActions(project: ProjectFile): Action[] {
  return STAGES.flatMap((stage) => project[stage] ?? []);
}

function outputsOf(action: Action): string[] {
  return [...Object.values(action.writeToEnvironmentFile), ...(IMPLICIT_OUTPUTS[action.uses] ?? [])];
}

/**
 * Walks the lifecycles as the Toolkit runs them, and lists each placeholder an action would use
 * before anything gave it a value. A value comes from a Toolkit built-in, an earlier action's
 * output, or the env file: a key there for the developer to fill, or a secret documented for the
 * .user file. A key that an action generates counts only once it has a value, since in a first
 * run it is empty until that action has run.
 */
function unresolvedPlaceholders(project: ProjectFile, env: EnvFile): Unresolved[] {
  const generated = new Set(allActions(project).flatMap(outputsOf));
  const fromEnvFile = Object.entries(env.values)
    .filter(([key, value]) => !generated.has(key) || value !== '')
    .map(([key]) => key);
  const known = new Set([...BUILT_INS, ...fromEnvFile, ...[...env.documented].filter((name) => name.startsWith('SECRET_') && !generated.has(name))]);
  const unresolved: Unresolved[] = [];
  for (const stage of STAGES) {
    (project[stage] ?? []).forEach((action, index) => {
      const used = [...placeholdersIn(action.with), ...placeholdersIn(action.env)];
      if (READS_MANIFEST.includes(action.uses)) used.push(...appPackagePlaceholders());
      for (const name of used) {
        if (!known.has(name)) unresolved.push({ where: `${project.file} ${stage}[${index}] ${action.uses} (env ${env.name})`, name });
      }
      for (const output of outputsOf(action)) known.add(output);
    });
  }
  return unresolved;
}

/**
 * What `file/createOrUpdateEnvironmentFile` would write for the bot, with a value standing in for
 * each placeholder, as a provisioned environment would have them.
 */
function botSettings(
  project: ProjectFile,
  environment: string,
  values: Readonly<Record<string, string>>,
): { target: string; settings: Record<string, string> } {
  const writes = allActions(project).filter((action) => action.uses === 'file/createOrUpdateEnvironmentFile');
  assert.equal(writes.length, 1, `${project.file} writes the bot's settings once`);
  const fill = (text: string): string =>
    text.replace(PLACEHOLDER, (_match, name: string) => {
      const value = name === 'TEAMSFX_ENV' ? environment : values[name];
      assert.ok(value !== undefined, `give ${name} a test value`);
      return value;
    });
  const envs = writes[0].with.envs;
  assert.ok(isRecord(envs), `${project.file}: createOrUpdateEnvironmentFile has no envs`);
  return {
    target: fill(String(writes[0].with.target)),
    settings: Object.fromEntries(Object.entries(envs).map(([key, value]) => [key, fill(String(value))])),
  };
}

function isIgnoredByGit(path: string): boolean {
  const result = spawnSync('git', ['check-ignore', '--quiet', '--no-index', path], { cwd: projectRoot });
  assert.ok(result.status === 0 || result.status === 1, `git check-ignore ${path} failed: ${String(result.stderr)}`);
  return result.status === 0;
}

const GUID = {
  bot: '11111111-2222-4333-8444-555555555555',
  tenant: '66666666-7777-4888-9999-aaaaaaaaaaaa',
  graph: '0b3c5d7e-1a2b-4c3d-8e9f-a0b1c2d3e4f5',
  teamsApp: '9d8c7b6a-5f4e-4d3c-8b2a-190817263544',
};
/** What provisioning and the developer would have put in env/.env.<name>(.user). */
const PROVISIONED: Readonly<Record<string, string>> = {
  BOT_ID: GUID.bot,
  TEAMS_APP_ID: GUID.teamsApp,
  SECRET_BOT_PASSWORD: 'bot-secret',
  TEAMS_APP_TENANT_ID: GUID.tenant,
  GRAPH_CLIENT_ID: GUID.graph,
  SECRET_GRAPH_CLIENT_SECRET: 'graph-secret',
  RESOURCE_CATALOG_FILE: SAMPLE_CATALOG_FILE,
};

describe('Microsoft 365 Agents Toolkit project', () => {
  const environments = environmentNames();
  const projects = new Map(['m365agents.yml', 'm365agents.local.yml', 'm365agents.playground.yml'].map((file) => [file, readProjectFile(file)]));
  const project = (file: string): ProjectFile => {
    const found = projects.get(file);
    assert.ok(found, `${file} is not read`);
    return found;
  };

  it('has the dev, local and Playground environments, each with the file the Toolkit runs for it', () => {
    for (const required of ['dev', 'local', 'playground']) assert.ok(environments.includes(required), `env/.env.${required} is missing`);
    for (const environment of environments) {
      assert.equal(readEnvFile(environment).values.TEAMSFX_ENV, environment, `env/.env.${environment} names another environment`);
      assert.ok(projects.has(projectFileOf(environment)));
    }
    for (const file of projects.keys()) assert.equal(project(file).version, 'v1.11', file);
  });

  it('provisions the Teams app, the bot and its package, and deploys, in dev and local', () => {
    for (const file of ['m365agents.yml', 'm365agents.local.yml']) {
      assert.deepEqual(
        (project(file).provision ?? []).map((action) => action.uses),
        [
          'teamsApp/create',
          'aadApp/create',
          'botFramework/create',
          'teamsApp/validateManifest',
          'teamsApp/zipAppPackage',
          'teamsApp/validateAppPackage',
          'teamsApp/update',
        ],
        file,
      );
      assert.ok(
        (project(file).deploy ?? []).some((action) => action.uses === 'file/createOrUpdateEnvironmentFile'),
        file,
      );
    }
    assert.equal(project('m365agents.playground.yml').provision, undefined, 'the Playground needs no Microsoft 365 resources');
  });

  it('gives every ${{VAR}} of the ymls and the app package a value before the action that uses it', () => {
    const unresolved = environments.flatMap((environment) => unresolvedPlaceholders(project(projectFileOf(environment)), readEnvFile(environment)));
    assert.deepEqual(unresolved, [], unresolved.map((u) => `${u.where} uses \${{${u.name}}}`).join('\n'));
  });

  it('resolves the ${{env:VAR}} placeholders of launch.json and tasks.json in their environment', () => {
    const missing: string[] = [];
    for (const file of ['launch.json', 'tasks.json']) {
      for (const match of readFileSync(join(projectRoot, '.vscode', file), 'utf8').matchAll(VSCODE_PLACEHOLDER)) {
        const [placeholder, environment, name] = match;
        for (const target of environment ? [environment] : environments) {
          if (!environments.includes(target) || !(name in readEnvFile(target).values)) missing.push(`${file}: ${placeholder} (env ${target})`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('has npm run package fill every placeholder the Toolkit fills in the app package', async () => {
    const placeholders = appPackagePlaceholders();
    assert.deepEqual(placeholders, ['BOT_ID', 'TEAMS_APP_ID']);
    const tempDir = mkdtempSync(join(tmpdir(), 'toolkit-package-'));
    try {
      const zipFile = join(tempDir, 'appPackage.zip');
      await buildAppPackage({ sourceDir: join(projectRoot, 'appPackage'), outputFile: zipFile, env: { MicrosoftAppId: GUID.bot } });
      for (const entry of new AdmZip(zipFile).getEntries().filter((e) => e.entryName.endsWith('.json'))) {
        assert.doesNotMatch(entry.getData().toString('utf8'), PLACEHOLDER, entry.entryName);
      }
    } finally {
      rmSync(tempDir, { recursive: true, force: true });
    }
  });

  it('commits no secret: SECRET_ values live in the gitignored .user files, as the Toolkit keeps them', function () {
    if (spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: projectRoot }).status !== 0) this.skip();
    for (const environment of environments) {
      const env = readEnvFile(environment);
      assert.deepEqual(
        Object.keys(env.values).filter((key) => key.startsWith('SECRET_')),
        [],
        `env/.env.${environment}`,
      );
      assert.deepEqual(
        Object.entries(env.values).filter(([key, value]) => /SECRET|PASSWORD/i.test(key) && value !== ''),
        [],
        `env/.env.${environment}`,
      );
      assert.equal(isIgnoredByGit(`env/.env.${environment}`), false, `env/.env.${environment} must be committed`);
      assert.equal(isIgnoredByGit(`env/.env.${environment}.user`), true, `env/.env.${environment}.user must stay out of git`);
    }
    for (const [file, parsed] of projects) {
      for (const environment of environments.filter((name) => projectFileOf(name) === file)) {
        const { target } = botSettings(parsed, environment, PROVISIONED);
        assert.equal(isIgnoredByGit(target), true, `${target}, written by ${file}, must stay out of git`);
      }
    }
  });

  it('starts the bot for the Playground unauthenticated on the simulated directory, even with a production .env', () => {
    const { target, settings } = botSettings(project('m365agents.playground.yml'), 'playground', PROVISIONED);
    // The task starts the bot with `node --env-file=<target>`, whose values win over .env.
    const productionDotEnv = { MicrosoftAppId: GUID.bot, MicrosoftAppPassword: 'bot-secret', MicrosoftAppTenantId: GUID.tenant };
    const config = loadConfig({ ...productionDotEnv, ...settings });
    assert.equal(config.bot.authenticated, false);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.directory.mode, 'simulator');

    const tasks = readFileSync(join(projectRoot, '.vscode', 'tasks.json'), 'utf8');
    assert.ok(tasks.includes(`--env-file=${target.replace(/^\.\//, '')} dist/src/index.js`), 'the Playground task runs the bot with these settings');
    assert.ok(tasks.includes(`--app-endpoint http://127.0.0.1:${config.port}/api/messages`), 'the Playground connects to the port the bot listens on');
  });

  it("runs the bot for Teams authenticated against Graph in the app's tenant, with a database of its own", () => {
    const { target, settings } = botSettings(project('m365agents.local.yml'), 'local', PROVISIONED);
    const config = loadConfig(settings);
    assert.equal(config.bot.authenticated, true);
    assert.equal(config.bot.appId, GUID.bot);
    assert.equal(config.bot.appType, 'SingleTenant');
    assert.equal(config.directory.mode, 'graph');
    assert.equal(config.directory.tenantId, GUID.tenant);
    assert.notEqual(config.databaseUrl, loadConfig({}).databaseUrl, "the Playground's simulated requests stay out of the Teams run");
    assert.ok(readFileSync(join(projectRoot, '.vscode', 'tasks.json'), 'utf8').includes(`--env-file=${target.replace(/^\.\//, '')} dist/src/index.js`));
  });

  it('writes host settings for dev that the bot accepts as an authenticated Teams bot', () => {
    const { settings } = botSettings(project('m365agents.yml'), 'dev', PROVISIONED);
    const config = loadConfig(settings);
    assert.equal(config.bot.authenticated, true);
    assert.equal(config.bot.appType, 'SingleTenant');
    assert.equal(config.directory.mode, 'graph');
    assert.equal(config.directory.tenantId, GUID.tenant);
    // The app the Toolkit created, which the bot installs for sponsors who never opened it.
    assert.equal(config.teamsApp.manifestId, GUID.teamsApp);
  });
});
