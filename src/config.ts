/**
 * Settings from the environment and the resource catalog, validated once at start. Every
 * problem names the setting to fix, so an operator never has to read code to deploy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Resource, ResourceCatalog } from './requests/catalog';
import type { GuestPolicy } from './requests/policy';
import type { Timing } from './requests/timers';
import { isLoopbackHttp } from './directory/graphClient';
import { OperatorError } from './operatorError';
import { PROJECT_ROOT } from './projectRoot';
import { type DatabaseAuth, databaseKindOf, sqliteFileOf } from './storage/database';
import { isOnThisMachine, postgresHostOf } from './storage/postgresHost';

export const SAMPLE_CATALOG_FILE = resolve(PROJECT_ROOT, 'src/samples/resource-catalog.json');
export const SAMPLE_DIRECTORY_FILE = resolve(PROJECT_ROOT, 'src/samples/directory.json');

type DirectoryMode = 'graph' | 'simulator';

export interface Config {
  port: number;
  /** 127.0.0.1 when unauthenticated: a bot that checks no tokens must not face a network. */
  host: string;
  bot: {
    appId: string;
    appPassword: string;
    appTenantId: string;
    appType: string;
    /** False when MicrosoftAppId is empty: the Emulator and the Agents Playground. */
    authenticated: boolean;
  };
  databaseUrl: string;
  /** DATABASE_AUTH: the password in DATABASE_URL, or a managed identity's Microsoft Entra token (PostgreSQL only). */
  databaseAuth: DatabaseAuth;
  directory: {
    mode: DirectoryMode;
    /** Set only when GRAPH_BASE_URL is given; in simulator mode the built-in simulator is the default. */
    graphBaseUrl?: string;
    /** The tenant guests join; in simulator mode, the simulated directory's when unset. */
    tenantId?: string;
    simulatorDirectoryFile: string;
    /**
     * Where the simulator keeps its state between runs: beside a SQLite database file by
     * default, so the directory remembers the guests the database remembers; in memory otherwise.
     */
    simulatorStateFile?: string;
    simulatorLatencyMs: number;
  };
  catalogFile: string;
  catalog: ResourceCatalog;
  sendInvitationEmail: boolean;
  guestPolicy: GuestPolicy;
  limits: {
    /** Messages and card clicks one person may send a minute. */
    turnsPerMinute: number;
    /** Requests one person may have waiting for a sponsor at once. */
    openRequestsPerRequester: number;
  };
  /** ADMIN_GROUP_ID: members of this group may ask the bot for an audit summary in chat. */
  adminGroupId?: string;
  /** DIALOG_TIMEOUT_MINUTES: a request left half-answered this long is forgotten (not shortened by TIME_SCALE). */
  dialogTimeoutMs: number;
  /** When things happen over a request's life; every duration is already divided by TIME_SCALE. */
  timing: Timing;
  /** What happens to a guest's account when their last access ends. */
  guestEndAction: GuestEndAction;
  redemption: {
    /** The first wait after the invitation before asking Graph whether the guest accepted; it doubles each time. */
    firstCheckMs: number;
    /** The longest wait between two checks. */
    maxCheckIntervalMs: number;
    /** When to remind the requester that the guest has not accepted. */
    nudgeAfterMs: number;
  };
  jobs: {
    /** How long a job's claim lasts unrenewed: how soon another worker takes over a crashed one's job. */
    leaseMs: number;
    /** How long SIGTERM waits for the job in hand before releasing it to another worker. */
    shutdownGraceMs: number;
    /** How long finished job rows are kept; audit events are kept regardless. */
    retentionMs: number;
    /** How many jobs one process runs at once. */
    concurrency: number;
  };
  logLevel: string;
}

export type GuestEndAction = 'none' | 'disable' | 'delete';

/** Every problem found in the settings at once, each naming the setting to fix. */
export class ConfigError extends OperatorError {
  constructor(problems: string[]) {
    super(`The configuration has ${problems.length} problem(s):`, problems);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const domainList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter((d) => d.length > 0),
  )
  .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a comma-separated list of domains such as fabrikam.com')));

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', ''], { message: 'must be true or false' })
    .optional()
    .transform((value) => (value === undefined || value === '' ? fallback : ['true', '1', 'yes'].includes(value)));

const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const envSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3978),
  MicrosoftAppId: z.union([z.literal(''), guid]).default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.union([z.literal(''), guid]).default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).default(''),
  DATABASE_URL: z.string().min(1).default('./data/guest-access.db'),
  DATABASE_AUTH: z.enum(['password', 'entra'], { message: 'must be password or entra' }).default('password'),
  DATABASE_CLIENT_ID: z.union([z.literal(''), guid]).default(''),
  DIRECTORY_MODE: z.enum(['graph', 'simulator', '']).default(''),
  GRAPH_BASE_URL: z.union([z.literal(''), z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://graph.microsoft.com' })]).default(''),
  AZURE_TENANT_ID: z.union([z.literal(''), guid]).default(''),
  AZURE_CLIENT_ID: z.string().default(''),
  RESOURCE_CATALOG_FILE: z.string().default(''),
  SEND_INVITATION_EMAIL: boolean(true),
  ALLOWED_GUEST_DOMAINS: domainList,
  BLOCKED_GUEST_DOMAINS: domainList,
  INTERNAL_DOMAINS: domainList,
  SIMULATOR_DIRECTORY_FILE: z.string().default(''),
  SIMULATOR_STATE_FILE: z.string().default(''),
  SIMULATOR_LATENCY_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).default(0),
  MAX_TURNS_PER_MINUTE: z.coerce.number({ message: 'must be a whole number of turns' }).int().min(1).default(30),
  MAX_OPEN_REQUESTS: z.coerce.number({ message: 'must be a whole number of requests' }).int().min(1).default(10),
  REDEMPTION_CHECK_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).positive().default(1),
  REDEMPTION_CHECK_MAX_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive().default(6),
  REDEMPTION_NUDGE_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive().default(3),
  APPROVAL_REMINDER_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive().default(48),
  APPROVAL_TIMEOUT_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive().default(7),
  ACCESS_DAYS: z.coerce.number({ message: 'must be a whole number of days' }).int().min(1).max(3650).default(90),
  ACCESS_EXTENSION_NOTICE_DAYS: z.coerce.number({ message: 'must be a number of days' }).min(0).default(7),
  GUEST_END_ACTION: z.enum(['none', 'disable', 'delete'], { message: 'must be none, disable or delete' }).default('none'),
  ADMIN_GROUP_ID: z.union([z.literal(''), guid]).default(''),
  DIALOG_TIMEOUT_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).positive().default(60),
  TIME_SCALE: z.coerce.number({ message: 'must be a number (1 is real time)' }).min(1).max(1_000_000).default(1),
  JOB_LEASE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(1).max(3600).default(15),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).min(0).max(3600).default(20),
  JOB_RETENTION_DAYS: z.coerce.number({ message: 'must be a number of days' }).min(1).default(30),
  JOB_CONCURRENCY: z.coerce.number({ message: 'must be a whole number of jobs' }).int().min(1).max(64).default(8),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Reads and checks everything; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}.`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  const authenticated = e.MicrosoftAppId !== '';
  // An authenticated bot faces the network: it must never serve the simulated directory there.
  const mode: DirectoryMode = e.DIRECTORY_MODE || (authenticated || e.AZURE_CLIENT_ID ? 'graph' : 'simulator');
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

  const catalogFile = resolve(e.RESOURCE_CATALOG_FILE || SAMPLE_CATALOG_FILE);
  let catalog: ResourceCatalog = { resources: [] };
  try {
    catalog = loadCatalog(catalogFile);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const simulatorDirectoryFile = resolve(e.SIMULATOR_DIRECTORY_FILE || SAMPLE_DIRECTORY_FILE);
  if (mode === 'simulator' && !existsSync(simulatorDirectoryFile)) {
    problems.push(`SIMULATOR_DIRECTORY_FILE: ${simulatorDirectoryFile} does not exist.`);
  }
  if (e.APPROVAL_REMINDER_HOURS >= e.APPROVAL_TIMEOUT_DAYS * 24) {
    problems.push(
      `APPROVAL_REMINDER_HOURS (${e.APPROVAL_REMINDER_HOURS}) must be shorter than APPROVAL_TIMEOUT_DAYS (${e.APPROVAL_TIMEOUT_DAYS} days), or the request expires before anyone is reminded.`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // TIME_SCALE shortens every wait alike, so a whole request's life can be walked through in minutes.
  const dayMs = 86_400_000 / e.TIME_SCALE;

  return {
    port: e.PORT,
    host: authenticated ? '0.0.0.0' : '127.0.0.1',
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appTenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType || (e.MicrosoftAppTenantId ? 'SingleTenant' : 'MultiTenant'),
      authenticated,
    },
    databaseUrl: e.DATABASE_URL,
    databaseAuth: e.DATABASE_AUTH === 'entra' ? { kind: 'entra', ...(e.DATABASE_CLIENT_ID ? { clientId: e.DATABASE_CLIENT_ID } : {}) } : { kind: 'password' },
    directory: {
      mode,
      graphBaseUrl: e.GRAPH_BASE_URL ? e.GRAPH_BASE_URL.replace(/\/+$/, '') : mode === 'graph' ? 'https://graph.microsoft.com' : undefined,
      tenantId: e.AZURE_TENANT_ID || undefined,
      simulatorDirectoryFile,
      simulatorStateFile: e.SIMULATOR_STATE_FILE ? resolve(e.SIMULATOR_STATE_FILE) : stateFileBeside(e.DATABASE_URL),
      simulatorLatencyMs: e.SIMULATOR_LATENCY_MS,
    },
    catalogFile,
    catalog,
    sendInvitationEmail: e.SEND_INVITATION_EMAIL,
    guestPolicy: {
      allowedDomains: e.ALLOWED_GUEST_DOMAINS,
      blockedDomains: e.BLOCKED_GUEST_DOMAINS,
      internalDomains: e.INTERNAL_DOMAINS,
    },
    limits: { turnsPerMinute: e.MAX_TURNS_PER_MINUTE, openRequestsPerRequester: e.MAX_OPEN_REQUESTS },
    dialogTimeoutMs: e.DIALOG_TIMEOUT_MINUTES * 60_000,
    adminGroupId: e.ADMIN_GROUP_ID || undefined,
    timing: {
      scale: e.TIME_SCALE,
      dayMs,
      approvalReminderMs: (e.APPROVAL_REMINDER_HOURS / 24) * dayMs,
      approvalTimeoutMs: e.APPROVAL_TIMEOUT_DAYS * dayMs,
      accessDays: e.ACCESS_DAYS,
      extensionNoticeMs: e.ACCESS_EXTENSION_NOTICE_DAYS * dayMs,
    },
    guestEndAction: e.GUEST_END_ACTION,
    redemption: {
      firstCheckMs: (e.REDEMPTION_CHECK_MINUTES / 1440) * dayMs,
      maxCheckIntervalMs: (e.REDEMPTION_CHECK_MAX_HOURS / 24) * dayMs,
      nudgeAfterMs: e.REDEMPTION_NUDGE_DAYS * dayMs,
    },
    jobs: {
      leaseMs: e.JOB_LEASE_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      retentionMs: e.JOB_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      concurrency: e.JOB_CONCURRENCY,
    },
    logLevel: e.LOG_LEVEL,
  };
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

/** TLS modes under which pg checks the server's certificate (it reads `require` as `verify-full`). */
const VERIFIED_TLS = ['require', 'verify-ca', 'verify-full'];

/**
 * With DATABASE_AUTH=entra the token is the password: the URL names the database role of the
 * managed identity and nothing else may stand in for the token, and the token, which the server
 * asks for in the clear, must travel inside TLS unless the server is this machine.
 */
function databaseAuthProblems(url: string, auth: 'password' | 'entra', clientId: string): string[] {
  if (auth === 'password') {
    return clientId
      ? [
          'DATABASE_CLIENT_ID is used only with DATABASE_AUTH=entra: set DATABASE_AUTH=entra to sign in with that managed identity, or remove DATABASE_CLIENT_ID.',
        ]
      : [];
  }
  if (databaseKindOf(url) !== 'postgres') {
    return [
      'DATABASE_AUTH=entra signs in to PostgreSQL with a Microsoft Entra token, but DATABASE_URL is a SQLite file: set DATABASE_URL to postgres://<role>@<server>:5432/<database>?sslmode=verify-full, or remove DATABASE_AUTH.',
    ];
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return ['DATABASE_URL is not a valid postgres:// URL.'];
  }
  const problems: string[] = [];
  if (!parsed.username) {
    problems.push(
      'DATABASE_URL must name, as its user, the PostgreSQL role created for the managed identity (postgres://<role>@<server>/<database>) when DATABASE_AUTH=entra.',
    );
  }
  if (parsed.password) {
    problems.push('DATABASE_URL holds a password, but DATABASE_AUTH=entra signs in with a Microsoft Entra token: remove the password from DATABASE_URL.');
  }
  const tls = VERIFIED_TLS.includes(parsed.searchParams.get('sslmode') ?? '') || ['true', '1'].includes(parsed.searchParams.get('ssl') ?? '');
  if (!tls && !isOnThisMachine(parsed.hostname)) {
    problems.push(
      'DATABASE_URL must ask for TLS (sslmode=verify-full) when DATABASE_AUTH=entra: the token is the password and must not cross the network in the clear.',
    );
  }
  return problems;
}

/**
 * A local test session approves its own requests; on a PostgreSQL that other instances share, their
 * workers would provision them against a real tenant. So, unauthenticated, only a database on this
 * machine. What is wrong, never the URL itself: it may hold a password.
 */
function sharedDatabaseProblem(databaseUrl: string, env: Env): string | undefined {
  if (databaseKindOf(databaseUrl) !== 'postgres') return undefined;
  let host: string;
  try {
    host = postgresHostOf(databaseUrl, env);
  } catch (error) {
    return `DATABASE_URL cannot be read as a PostgreSQL URL such as postgres://user@127.0.0.1:5432/guest_access (${(error as Error).message}).`;
  }
  if (isOnThisMachine(host)) return undefined;
  return (
    `DATABASE_URL names a PostgreSQL server on ${host}, but MicrosoftAppId is empty, so the bot would run unauthenticated: ` +
    'its local test approvals would be queued in a database other instances may share, and their workers would provision them against a real tenant. ' +
    'For a local test session, use a PostgreSQL on this machine (127.0.0.1, localhost, ::1 or a Unix socket) or leave DATABASE_URL empty for SQLite; ' +
    'to use that server, set MicrosoftAppId and MicrosoftAppPassword.'
  );
}

function stateFileBeside(databaseUrl: string): string | undefined {
  if (databaseKindOf(databaseUrl) !== 'sqlite') return undefined;
  const file = sqliteFileOf(databaseUrl);
  return file === ':memory:' ? undefined : join(dirname(file), 'simulator-directory.json');
}

/** An empty `FOO=` line in .env means "not set", as it does for the Bot Framework settings. */
function withoutBlanks(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

const link = z.url({ protocol: /^https$/, message: 'must be an https URL' });
const resourceBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  name: z.string().min(1),
  description: z.string().optional(),
  link: link.optional(),
  maxDays: z.number().int('must be a whole number of days').min(1).max(3650).optional(),
  approvers: z
    .array(z.string().refine((value) => guid.safeParse(value).success || z.email().safeParse(value).success, 'must be an email address or an Entra object id'))
    .min(1, 'must name at least one approver, or be left out')
    .optional(),
};
/**
 * An app is offered through a group that is assigned the app (groupId), or, for tenants without
 * Microsoft Entra ID P1, assigned directly (servicePrincipalId and appRoleId): one form, not both.
 */
const appResourceSchema = z
  .object({ ...resourceBase, kind: z.literal('app'), groupId: guid.optional(), servicePrincipalId: guid.optional(), appRoleId: guid.optional() })
  .superRefine((app, context) => {
    const direct = app.servicePrincipalId !== undefined || app.appRoleId !== undefined;
    if (app.groupId !== undefined && direct) {
      context.addIssue({
        code: 'custom',
        path: ['groupId'],
        message: 'an app is offered through a group (groupId) or assigned directly (servicePrincipalId and appRoleId), not both',
      });
    } else if (app.groupId === undefined && !direct) {
      context.addIssue({
        code: 'custom',
        path: ['groupId'],
        message: 'is required: the group that is assigned the app (or, without Microsoft Entra ID P1, servicePrincipalId and appRoleId)',
      });
    } else if (direct && (app.servicePrincipalId === undefined || app.appRoleId === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [app.servicePrincipalId === undefined ? 'servicePrincipalId' : 'appRoleId'],
        message: 'is required with the other: a direct assignment needs both servicePrincipalId and appRoleId',
      });
    }
  });
const resourceSchema = z.discriminatedUnion('kind', [z.object({ ...resourceBase, kind: z.enum(['group', 'team', 'site']), groupId: guid }), appResourceSchema]);
const catalogSchema = z.object({ resources: z.array(resourceSchema).min(1, 'must list at least one resource') });

/** Reads the catalog file; errors name the file, the entry and the field. */
export function loadCatalog(file: string): ResourceCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`RESOURCE_CATALOG_FILE: cannot read ${file} as JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`RESOURCE_CATALOG_FILE: ${file} is not a valid catalog (${details}).`);
  }
  const ids = parsed.data.resources.map((r) => r.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`RESOURCE_CATALOG_FILE: ${file} lists the id "${duplicate}" twice.`);
  return { resources: parsed.data.resources as Resource[] };
}
