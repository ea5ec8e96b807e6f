/**
 * The deployment as code (infra/) against the bot it deploys: the App Service gets every setting a
 * deployed bot needs and nothing it must not have, parameters named after settings feed them, the
 * values they allow are values the bot accepts, no secret exists, the database is signed in to with
 * a managed identity and kept off the internet, and Graph gets the permissions docs/administration.md
 * lists.
 * Bicep cannot be compiled here, so this reads the files as text; the layout it relies on is kept
 * simple on purpose.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig, SAMPLE_CATALOG_FILE } from '../../src/config';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { databaseKindOf } from '../../src/storage/database';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const mainBicep = read('infra/azure.bicep');
const botBicep = read('infra/botRegistration/azurebot.bicep');
const postgresBicep = read('infra/database/postgresFlexibleServer.bicep');
const networkBicep = read('infra/network/virtualNetwork.bicep');
const deployGuide = read('docs/deploy-azure.md');
const parameterFile = JSON.parse(read('infra/azure.parameters.json')) as { parameters: Record<string, { value?: unknown; reference?: unknown }> };

type Literal = string | number | boolean;

interface Param {
  name: string;
  type: string;
  secure: boolean;
  allowed: string[];
  /** The default when it is a literal; undefined when there is none or it is an expression. */
  defaultValue?: Literal;
  hasDefault: boolean;
}

/** `param` lines of a Bicep file with the decorator lines above each (up to a blank line). */
function paramsOf(bicep: string): Map<string, Param> {
  const lines = bicep.split('\n');
  const params = new Map<string, Param>();
  lines.forEach((line, index) => {
    const match = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line.trim());
    if (!match) return;
    const decorators: string[] = [];
    for (let i = index - 1; i >= 0 && lines[i].trim() !== '' && !lines[i].startsWith('param ') && !lines[i].startsWith('//'); i--) {
      decorators.unshift(lines[i].trim());
    }
    const allowedStart = decorators.indexOf('@allowed([');
    const allowed =
      allowedStart < 0 ? [] : decorators.slice(allowedStart + 1, decorators.indexOf('])', allowedStart)).map((value) => literalOf(value) as string);
    params.set(match[1], {
      name: match[1],
      type: match[2],
      secure: decorators.includes('@secure()'),
      allowed,
      hasDefault: match[3] !== undefined,
      defaultValue: match[3] === undefined ? undefined : literalOf(match[3]),
    });
  });
  return params;
}

/** A Bicep literal's value; undefined for anything else (a call, an interpolation, an object). */
function literalOf(text: string): Literal | undefined {
  if (/^'([^'\\$]|\\.)*'$/.test(text)) return text.slice(1, -1).replace(/\\(.)/g, '$1');
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+$/.test(text)) return Number(text);
  return undefined;
}

/** The `var appSettings = { NAME: expression ... }` object: every app setting the App Service gets. */
function appSettingsOf(bicep: string): Map<string, string> {
  const start = bicep.indexOf('\nvar appSettings = {\n');
  assert.ok(start >= 0, 'infra/azure.bicep declares its app settings as `var appSettings = { ... }`');
  const body = bicep.slice(start).split('\n').slice(2);
  const settings = new Map<string, string>();
  for (const line of body.slice(0, body.indexOf('}'))) {
    if (line.trim().startsWith('//') || line.trim() === '') continue;
    const match = /^\s+(\w+): (.+)$/.exec(line);
    assert.ok(match, `cannot read the app setting line "${line}"`);
    settings.set(match[1], match[2]);
  }
  return settings;
}

/** The settings docs/administration.md documents: the first column of its Settings table. */
function documentedSettings(): Set<string> {
  const guide = read('docs/administration.md');
  const start = guide.indexOf('\n## Settings\n');
  assert.ok(start >= 0, 'docs/administration.md has a "## Settings" section');
  const end = guide.indexOf('\n## ', start + 1);
  const section = guide.slice(start, end < 0 ? undefined : end);
  const names = new Set<string>();
  for (const row of section.split('\n').filter((line) => line.startsWith('| `'))) {
    for (const name of row.split('|')[1].matchAll(/`(\w+)`/g)) names.add(name[1]);
  }
  assert.ok(names.has('DATABASE_URL') && names.size > 20, 'the Settings table of docs/administration.md was found');
  return names;
}

const params = paramsOf(mainBicep);
const appSettings = appSettingsOf(mainBicep);
const documented = documentedSettings();
const settingParams = [...params.values()].filter((param) => documented.has(param.name));

/** Read by the Application Insights SDK itself, not by the bot's config. */
const LIBRARY_SETTINGS = ['APPLICATIONINSIGHTS_CONNECTION_STRING'];
const PLATFORM_SETTING = /^(WEBSITE|WEBSITES|SCM)_/;

/** What the Bicep computes at deployment, with plausible values, to run the bot's own checks on. */
const COMPUTED: Record<string, string> = {
  'botIdentity.properties.clientId': '11111111-2222-4333-8444-555555555555',
  'botIdentity.properties.tenantId': '99999999-8888-4777-8666-555555555555',
  'graphIdentity.properties.tenantId': '99999999-8888-4777-8666-555555555555',
  'graphIdentity.properties.clientId': '66666666-7777-4888-8999-000000000000',
  'monitoring.outputs.connectionString': 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://example.invalid/',
  'uriComponent(postgresBotRole)': encodeURIComponent(String(params.get('postgresBotRole')?.defaultValue)),
  'postgres.outputs.fullyQualifiedDomainName': 'guestaccess-contoso-pg.postgres.database.azure.com',
  postgresDatabaseName: String(params.get('postgresDatabaseName')?.defaultValue),
};

/** The value App Service would hold for a setting, given the parameters' values. */
function settingValue(name: string, values: Record<string, Literal>): string {
  const expression = appSettings.get(name) as string;
  const literal = literalOf(expression);
  if (typeof literal === 'string') return literal;
  if (expression in COMPUTED) return COMPUTED[expression];
  if (expression === 'databaseUrl') {
    const template = /^var databaseUrl = '(.+)'$/m.exec(mainBicep)?.[1];
    assert.ok(template, 'DATABASE_URL is built in `var databaseUrl`');
    return template.replace(/\$\{([^}]+)\}/g, (_, inner: string) => {
      assert.ok(inner in COMPUTED, `databaseUrl uses \${${inner}}, unknown to this test`);
      return COMPUTED[inner];
    });
  }
  const param = /^(?:string\()?(\w+)\)?(?: \? 'true' : 'false')?$/.exec(expression)?.[1];
  assert.ok(param && param in values, `app setting ${name} = ${expression}: not a parameter or a value this test knows`);
  return String(values[param]);
}

/** The environment the App Service would give the bot, given the parameters' values. */
function deployedEnvironment(values: Record<string, Literal>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of appSettings.keys()) env[name] = settingValue(name, values);
  // The App Service path of the catalog does not exist here; the sample stands in for it.
  env.RESOURCE_CATALOG_FILE = SAMPLE_CATALOG_FILE;
  return env;
}

function defaults(): Record<string, Literal> {
  return Object.fromEntries(settingParams.filter((param) => param.defaultValue !== undefined).map((param) => [param.name, param.defaultValue as Literal]));
}

describe('infra: the Bicep deployment', () => {
  it('gives the App Service every setting a deployed bot needs, with the bot and Graph signing in as managed identities', () => {
    for (const name of [
      'MicrosoftAppId',
      'MicrosoftAppType',
      'MicrosoftAppTenantId',
      'DATABASE_URL',
      'DIRECTORY_MODE',
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'RESOURCE_CATALOG_FILE',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
    ]) {
      assert.ok(appSettings.has(name), `infra/azure.bicep sets ${name}`);
    }
    assert.equal(appSettings.get('MicrosoftAppType'), "'UserAssignedMSI'");
    assert.equal(appSettings.get('DIRECTORY_MODE'), "'graph'");
    assert.notEqual(appSettings.get('MicrosoftAppId'), appSettings.get('AZURE_CLIENT_ID'), "the Graph identity is not the bot's");
  });

  it('sets only settings the bot documents, and none a deployed bot must not have', () => {
    for (const name of appSettings.keys()) {
      assert.ok(
        documented.has(name) || LIBRARY_SETTINGS.includes(name) || PLATFORM_SETTING.test(name),
        `${name} is neither in docs/administration.md "Settings" nor an App Service setting: a typo?`,
      );
    }
    const forbidden: Record<string, string> = {
      MicrosoftAppPassword: 'the Bot Framework SDK refuses a password with UserAssignedMSI',
      AZURE_CLIENT_SECRET: 'it would replace the managed identity with a secret',
      AZURE_CLIENT_CERTIFICATE_PATH: 'it would replace the managed identity with a certificate',
      PORT: 'App Service sets it and sends traffic there',
      TIME_SCALE: 'it is for testing only',
      GRAPH_BASE_URL: 'Graph is Graph in production',
    };
    for (const [name, why] of Object.entries(forbidden)) assert.ok(!appSettings.has(name), `${name} must not be set: ${why}`);
    for (const name of appSettings.keys()) assert.ok(!name.startsWith('SIMULATOR_'), `${name}: the simulator never runs authenticated`);
  });

  it('feeds each parameter named after a setting into that setting, as text the bot reads', () => {
    assert.ok(settingParams.length >= 10, "the bot's settings are parameters");
    for (const param of settingParams) {
      const expression = appSettings.get(param.name);
      // ARM's string() turns a boolean into True or False, which the bot rejects.
      const expected = param.type === 'bool' ? `${param.name} ? 'true' : 'false'` : param.type === 'int' ? `string(${param.name})` : param.name;
      assert.equal(expression, expected, `app setting ${param.name}`);
    }
  });

  it('deploys a configuration the bot accepts: its defaults, the parameter file and every allowed value', () => {
    const config = loadConfig(deployedEnvironment(defaults()));
    assert.equal(config.bot.authenticated, true);
    assert.equal(config.bot.appType, 'UserAssignedMSI');
    assert.equal(config.directory.mode, 'graph');
    assert.equal(databaseKindOf(config.databaseUrl), 'postgres');

    const fromFile = Object.fromEntries(Object.entries(parameterFile.parameters).map(([name, entry]) => [name, entry.value as Literal]));
    assert.doesNotThrow(() => loadConfig(deployedEnvironment({ ...defaults(), ...fromFile })), 'infra/azure.parameters.json');

    for (const param of settingParams) {
      for (const value of param.allowed) {
        assert.doesNotThrow(() => loadConfig(deployedEnvironment({ ...defaults(), [param.name]: value })), `${param.name}=${value} is allowed by the Bicep`);
      }
    }
  });

  it('signs the bot in to PostgreSQL as its own role with its managed identity: no password, over verified TLS', () => {
    const env = deployedEnvironment(defaults());
    const config = loadConfig(env);
    assert.deepEqual(
      config.databaseAuth,
      { kind: 'entra', clientId: COMPUTED['botIdentity.properties.clientId'] },
      'the bot identity, which has no Graph permission',
    );
    // The client the bot's pool makes, which reads the URL and connects only when asked to.
    const client = new Client({ connectionString: env.DATABASE_URL });
    assert.equal(client.user, params.get('postgresBotRole')?.defaultValue);
    assert.equal(client.password, null, 'no password in DATABASE_URL');
    assert.equal(client.host, COMPUTED['postgres.outputs.fullyQualifiedDomainName']);
    assert.equal(client.database, COMPUTED.postgresDatabaseName);
    const ssl: unknown = client.ssl;
    assert.ok(
      ssl === true || (typeof ssl === 'object' && ssl !== null && (ssl as { rejectUnauthorized?: boolean }).rejectUnauthorized !== false),
      'TLS, with the certificate verified',
    );
    // The server: Entra sign-in only, and the bot's role is not its administrator.
    assert.match(postgresBicep, /activeDirectoryAuth: 'Enabled'/);
    assert.match(postgresBicep, /passwordAuth: 'Disabled'/);
    assert.doesNotMatch(postgresBicep, /administratorLogin/);
    assert.match(postgresBicep, /flexibleServers\/administrators@[^']+' = \{\n {2}parent: server\n {2}name: entraAdministratorObjectId\n/);
    assert.doesNotMatch(mainBicep, /entraAdministratorObjectId: .*[Ii]dentity/, 'no managed identity of the bot is the administrator');
  });

  it('asks for no secret at all, and holds none in any app setting', () => {
    assert.deepEqual(
      [...params.values()].filter((param) => param.secure || /password|secret/i.test(param.name)).map((param) => param.name),
      [],
    );
    assert.doesNotMatch(
      `${mainBicep}\n${postgresBicep}`,
      /@secure\(\)|^\s*(administratorLoginPassword|\w*Password):/m,
      'no secure parameter, no password property',
    );
    for (const [name, expression] of appSettings) assert.doesNotMatch(`${name} ${expression}`, /password|secret/i, `app setting ${name}`);
  });

  it("keeps the database off the internet: a private endpoint for the web app, public access only for an administrator's own address", () => {
    // Not Azure's "allow any Azure service" rule (0.0.0.0), which let other customers reach the login prompt.
    assert.doesNotMatch(postgresBicep, /0\.0\.0\.0|AllowAllAzureServices/);
    assert.match(postgresBicep, /publicNetworkAccess: empty\(clientIpAddress\) \? 'Disabled' : 'Enabled'/);
    const firewallRules = postgresBicep.match(/flexibleServers\/firewallRules@/g) ?? [];
    assert.equal(firewallRules.length, 1, 'one rule');
    assert.match(
      postgresBicep,
      /resource allowAdministratorClient '[^']+' = if \(!empty\(clientIpAddress\)\) \{[\s\S]*?startIpAddress: clientIpAddress\n {4}endIpAddress: clientIpAddress\n/,
    );
    assert.equal(params.get('postgresClientIpAddress')?.defaultValue, '', 'off unless asked for');
    assert.equal(parameterFile.parameters.postgresClientIpAddress?.value, '');
    // The endpoint, the name it resolves under, and the web app's way into the network.
    assert.match(postgresBicep, /privateLinkServiceId: server\.id\n\s+groupIds: \[\n\s+'postgresqlServer'\n/);
    assert.match(postgresBicep, /privateDnsZoneId: privateDnsZoneId/);
    assert.match(networkBicep, /name: 'privatelink\.postgres\.database\.azure\.com'/);
    assert.match(networkBicep, /serviceName: 'Microsoft\.Web\/serverFarms'/);
    assert.match(mainBicep, /virtualNetworkSubnetId: network\.outputs\.appSubnetId/);
    assert.match(mainBicep, /privateEndpointSubnetId: network\.outputs\.privateEndpointSubnetId/);
  });

  it('has a parameter file that names only parameters of azure.bicep, and the guide gives every other one without a default', () => {
    for (const name of Object.keys(parameterFile.parameters)) assert.ok(params.has(name), `${name} is a parameter of infra/azure.bicep`);
    const createCommand = /az deployment group create[^`]*/.exec(deployGuide)?.[0] ?? '';
    for (const param of params.values()) {
      if (!param.hasDefault) {
        assert.ok(
          param.name in parameterFile.parameters || createCommand.includes(`${param.name}=`),
          `${param.name} (no default) is in infra/azure.parameters.json or the guide's az deployment group create`,
        );
      }
    }
  });

  it('grants Graph exactly the permissions docs/administration.md lists, and AppRoleAssignment.ReadWrite.All only by hand, for a direct app-role entry, with its risk said', () => {
    const permissionRows = (markdown: string, heading: string) => {
      const start = markdown.indexOf(heading);
      assert.ok(start >= 0, heading);
      const section = markdown.slice(start, markdown.indexOf('\n#', start + heading.length));
      // A permission's name has dots: `User.Invite.All`, `Policy.Read.B2BManagementPolicy`.
      return section.split('\n').filter((line) => /^\| `\w+(\.\w+)+` \|/.test(line));
    };
    const adminRows = permissionRows(read('docs/administration.md'), '### 2. Give it Microsoft Graph');
    const guideRows = permissionRows(deployGuide, '## 3. Grant the Graph identity its permissions');
    const nameOf = (row: string) => /^\| `([\w.]+)`/.exec(row)?.[1] as string;
    const granted =
      /var graphAppRolesAlways = \[\n([\s\S]*?)\n\]/
        .exec(mainBicep)?.[1]
        .split('\n')
        .map((line) => literalOf(line.trim())) ?? [];
    assert.match(mainBicep, /output GRAPH_APP_ROLES_TO_GRANT array = concat\(graphAppRolesAlways, graphAppRolesForInactiveGuests\)/);
    assert.match(mainBicep, /var graphAppRolesForInactiveGuests = INACTIVE_GUEST_DAYS > 0 \? \['AuditLog\.Read\.All'\] : \[\]/);

    assert.deepEqual(granted, [
      'User.Invite.All',
      'User.Read.All',
      'GroupMember.ReadWrite.All',
      'User.ReadWrite.All',
      'Policy.Read.All',
      'Policy.Read.B2BManagementPolicy',
      'CrossTenantInformation.ReadBasic.All',
      'TeamsAppInstallation.ReadWriteSelfForUser.All',
      'AppCatalog.Read.All',
    ]);
    // AuditLog.Read.All only when INACTIVE_GUEST_DAYS > 0, the Bicep adding it then, and both guides say so.
    const auditLog = (rows: string[]) => rows.filter((row) => nameOf(row) === 'AuditLog.Read.All');
    assert.equal(auditLog(adminRows).length, 1);
    assert.match(auditLog(adminRows)[0], /only when `INACTIVE_GUEST_DAYS` > 0/);
    assert.equal(auditLog(guideRows).length, 1);
    assert.match(auditLog(guideRows)[0], /Only when `INACTIVE_GUEST_DAYS` > 0/);
    const always = (rows: string[]) => rows.filter((row) => nameOf(row) !== 'AuditLog.Read.All');
    const [direct, ...others] = always(adminRows).sort((a, b) => Number(b.includes('AppRoleAssignment')) - Number(a.includes('AppRoleAssignment')));
    assert.equal(nameOf(direct), 'AppRoleAssignment.ReadWrite.All');
    assert.match(direct, /only if your catalog assigns an app directly/);
    assert.match(direct, /\*\*Risk:\*\* whoever holds it can assign any app role of any application to anyone, the Graph identity itself included/);
    assert.deepEqual(others.map(nameOf), granted, 'docs/administration.md lists what the Bicep grants, in the same order');
    assert.deepEqual(always(guideRows).map(nameOf), granted, 'and so does the deployment guide');
    assert.match(deployGuide, /\*\*Do not grant `AppRoleAssignment\.ReadWrite\.All`\*\* unless your catalog\nassigns an app role directly/);
  });

  it('starts the built bot, probes its health endpoint, and points Teams at its messaging endpoint', () => {
    const server = read('src/server.ts');
    const main = (JSON.parse(read('package.json')) as { main: string }).main;
    assert.match(mainBicep, new RegExp(`appCommandLine: 'node ${main.replace(/\./g, '\\.')}'`));
    assert.match(mainBicep, /healthCheckPath: '\/healthz'/);
    assert.match(server, /server\.get\('\/healthz'/);
    assert.match(botBicep, /endpoint: 'https:\/\/\$\{botAppDomain\}\/api\/messages'/);
    assert.match(server, /server\.post\('\/api\/messages'/);
  });
});
