/**
 * The settings the environment gives, each on its own: its form, its default, and the words that
 * name it when it is wrong. Then the few things that several settings decide together, read alike
 * by the checks (settingChecks.ts) and by the Config (config.ts).
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../projectRoot';
import { ConfigError } from './configError';

export const SAMPLE_DIRECTORY_FILE = resolve(PROJECT_ROOT, 'src/samples/directory.json');

export type Env = Record<string, string | undefined>;

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

/** A Microsoft Entra id; the catalog's ids (catalogFile.ts) take the same form and the same words. */
export const guid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a GUID');

const envSchema = z.object({
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(3978),
  MicrosoftAppId: z.union([z.literal(''), guid]).default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.union([z.literal(''), guid]).default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).default(''),
  TEAMS_APP_ID: z.union([z.literal(''), guid]).default(''),
  TEAMS_APP_CATALOG_ID: z.string().trim().default(''),
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
  /** How long the tenant's external-collaboration settings, read from Graph, are trusted before they are read again. */
  TENANT_POLICY_CACHE_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).min(0).default(5),
  SIMULATOR_DIRECTORY_FILE: z.string().default(''),
  SIMULATOR_STATE_FILE: z.string().default(''),
  SIMULATOR_LATENCY_MS: z.coerce.number({ message: 'must be a number of milliseconds' }).int().min(0).default(0),
  SIMULATOR_RATE_LIMITS: boolean(false),
  MAX_TURNS_PER_MINUTE: z.coerce.number({ message: 'must be a whole number of turns' }).int().min(1).default(30),
  MAX_OPEN_REQUESTS: z.coerce.number({ message: 'must be a whole number of requests' }).int().min(1).default(10),
  REDEMPTION_CHECK_MINUTES: z.coerce.number({ message: 'must be a number of minutes' }).positive().default(1),
  REDEMPTION_CHECK_MAX_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive().default(6),
  REDEMPTION_NUDGE_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive().default(3),
  /** How often the people of requests that give access are read from the directory (a sponsor or requester who left); 0 turns the check off. */
  SPONSOR_CHECK_HOURS: z.coerce.number({ message: 'must be a number of hours (0 turns the check off)' }).min(0).default(24),
  /** How long a request whose sponsor left waits for someone to take over before its access ends. */
  ORPHAN_GRACE_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive().default(14),
  APPROVAL_REMINDER_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive().default(48),
  APPROVAL_TIMEOUT_DAYS: z.coerce.number({ message: 'must be a number of days' }).positive().default(7),
  ACCESS_DAYS: z.coerce.number({ message: 'must be a whole number of days' }).int().min(1).max(3650).default(90),
  ACCESS_EXTENSION_NOTICE_DAYS: z.coerce.number({ message: 'must be a number of days' }).min(0).default(7),
  /** An invited guest who has not accepted after this many days is withdrawn; 0 turns it off. */
  PENDING_GUEST_DAYS: z.coerce.number({ message: 'must be a number of days (0 turns the withdrawal off)' }).min(0).default(30),
  /** 0 turns the check of guests' sign-ins off; it needs AuditLog.Read.All and Microsoft Entra ID P1. */
  INACTIVE_GUEST_DAYS: z.coerce.number({ message: 'must be a number of days (0 turns the check off)' }).min(0).max(3650).default(0),
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

/** Every setting in its own form, defaults applied; each is checked with the others only after this. */
export type Settings = z.infer<typeof envSchema>;

/** Each setting on its own; throws a ConfigError naming every malformed one at once. */
export function parseSettings(env: Env): Settings {
  const parsed = envSchema.safeParse(withoutBlanks(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}.`));
  }
  return parsed.data;
}

/** An empty `FOO=` line in .env means "not set", as it does for the Bot Framework settings. */
function withoutBlanks(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
}

export type DirectoryMode = 'graph' | 'simulator';

/** An empty MicrosoftAppId is a local test session: the Emulator and the Agents Playground. */
export function isAuthenticated(e: Settings): boolean {
  return e.MicrosoftAppId !== '';
}

/** DIRECTORY_MODE, else what the other settings imply. */
export function directoryModeOf(e: Settings): DirectoryMode {
  // An authenticated bot faces the network: it must never serve the simulated directory there.
  return e.DIRECTORY_MODE || (isAuthenticated(e) || e.AZURE_CLIENT_ID ? 'graph' : 'simulator');
}

export function simulatorDirectoryFileOf(e: Settings): string {
  return resolve(e.SIMULATOR_DIRECTORY_FILE || SAMPLE_DIRECTORY_FILE);
}
