/**
 * The configuration as the rest of the bot reads it: the settings in the bot's own terms, durations
 * in milliseconds (shortened by TIME_SCALE), files resolved, and the defaults that depend on other
 * settings. Built only from settings the checks have found sound (see index.ts), so nothing here fails.
 */
import { dirname, join, resolve } from 'node:path';
import type { ResourceCatalog } from '../requests/catalog';
import type { GuestPolicy } from '../requests/policy';
import type { Timing } from '../requests/timers';
import { type DatabaseAuth, databaseKindOf, sqliteFileOf } from '../storage/database';
import type { CatalogReading } from './catalogFile';
import { type DirectoryMode, directoryModeOf, isAuthenticated, type Settings, simulatorDirectoryFileOf } from './settings';

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
  /** The bot's Teams app, which the bot installs for people who never opened it. */
  teamsApp: {
    /** TEAMS_APP_ID, else MicrosoftAppId (as the app package has it); none in a local session. */
    manifestId?: string;
    /** TEAMS_APP_CATALOG_ID: its id in the organization's app catalog, which spares the look-up. */
    catalogId?: string;
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
    /** The simulator throttles as Graph documents (invitations, directory writes). */
    simulatorRateLimits: boolean;
  };
  catalogFile: string;
  catalog: ResourceCatalog;
  sendInvitationEmail: boolean;
  guestPolicy: GuestPolicy;
  /** TENANT_POLICY_CACHE_MINUTES: how long the tenant's own external-collaboration settings are kept before they are read again (real minutes). */
  tenantPolicyCacheMs: number;
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
  sponsorCheck: {
    /** SPONSOR_CHECK_HOURS: how often the sponsor and requester of a request that gives access are read; 0: never. */
    intervalMs: number;
    /** ORPHAN_GRACE_DAYS: how long a request whose sponsor left waits for someone to take over before its access ends. */
    orphanGraceMs: number;
  };
  inactivity: {
    /**
     * INACTIVE_GUEST_DAYS: a guest with no successful sign-in for this long (or none since they
     * accepted, counted from then) has their sponsor asked whether to keep them; 0 when off.
     */
    afterMs: number;
    /** INACTIVE_GUEST_DAYS as set, for what people are told. */
    days: number;
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

export function configOf(e: Settings, { file: catalogFile, catalog }: CatalogReading): Config {
  const authenticated = isAuthenticated(e);
  const mode = directoryModeOf(e);
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
    teamsApp: { manifestId: e.TEAMS_APP_ID || e.MicrosoftAppId || undefined, catalogId: e.TEAMS_APP_CATALOG_ID || undefined },
    databaseUrl: e.DATABASE_URL,
    databaseAuth: e.DATABASE_AUTH === 'entra' ? { kind: 'entra', ...(e.DATABASE_CLIENT_ID ? { clientId: e.DATABASE_CLIENT_ID } : {}) } : { kind: 'password' },
    directory: {
      mode,
      graphBaseUrl: e.GRAPH_BASE_URL ? e.GRAPH_BASE_URL.replace(/\/+$/, '') : mode === 'graph' ? 'https://graph.microsoft.com' : undefined,
      tenantId: e.AZURE_TENANT_ID || undefined,
      simulatorDirectoryFile: simulatorDirectoryFileOf(e),
      simulatorStateFile: e.SIMULATOR_STATE_FILE ? resolve(e.SIMULATOR_STATE_FILE) : stateFileBeside(e.DATABASE_URL),
      simulatorLatencyMs: e.SIMULATOR_LATENCY_MS,
      simulatorRateLimits: e.SIMULATOR_RATE_LIMITS,
    },
    catalogFile,
    catalog,
    sendInvitationEmail: e.SEND_INVITATION_EMAIL,
    guestPolicy: {
      allowedDomains: e.ALLOWED_GUEST_DOMAINS,
      blockedDomains: e.BLOCKED_GUEST_DOMAINS,
      internalDomains: e.INTERNAL_DOMAINS,
    },
    tenantPolicyCacheMs: e.TENANT_POLICY_CACHE_MINUTES * 60_000,
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
      pendingGuestMs: e.PENDING_GUEST_DAYS * dayMs,
    },
    guestEndAction: e.GUEST_END_ACTION,
    redemption: {
      firstCheckMs: (e.REDEMPTION_CHECK_MINUTES / 1440) * dayMs,
      maxCheckIntervalMs: (e.REDEMPTION_CHECK_MAX_HOURS / 24) * dayMs,
      nudgeAfterMs: e.REDEMPTION_NUDGE_DAYS * dayMs,
    },
    sponsorCheck: {
      intervalMs: (e.SPONSOR_CHECK_HOURS / 24) * dayMs,
      orphanGraceMs: e.ORPHAN_GRACE_DAYS * dayMs,
    },
    inactivity: { afterMs: e.INACTIVE_GUEST_DAYS * dayMs, days: e.INACTIVE_GUEST_DAYS },
    jobs: {
      leaseMs: e.JOB_LEASE_SECONDS * 1000,
      shutdownGraceMs: e.SHUTDOWN_GRACE_SECONDS * 1000,
      retentionMs: e.JOB_RETENTION_DAYS * 24 * 60 * 60 * 1000,
      concurrency: e.JOB_CONCURRENCY,
    },
    logLevel: e.LOG_LEVEL,
  };
}

function stateFileBeside(databaseUrl: string): string | undefined {
  if (databaseKindOf(databaseUrl) !== 'sqlite') return undefined;
  const file = sqliteFileOf(databaseUrl);
  return file === ':memory:' ? undefined : join(dirname(file), 'simulator-directory.json');
}
