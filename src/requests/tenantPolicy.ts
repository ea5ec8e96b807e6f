/**
 * The tenant's own external-collaboration settings, as rules for one address: Microsoft Entra
 * refuses an invitation they forbid, so the bot reads them before any sponsor is asked, and again
 * before it invites.
 * - The invitation allow or deny list: an allow list refuses every domain not on it, a deny list
 *   the domains on it; a listed domain covers its subdomains.
 * - Cross-tenant access settings: B2B collaboration inbound blocked for all users of the partner's
 *   organization (its own configuration, else the default; an address no Entra organization has
 *   gets the default).
 * The readings are kept for a few minutes (TENANT_POLICY_CACHE_MINUTES) so a turn seldom waits on
 * Graph. A setting the app may not read (403) is skipped, said once in the log with the permission
 * to grant; the bot's own ALLOWED_GUEST_DOMAINS / BLOCKED_GUEST_DOMAINS apply on top regardless.
 */
import type { Logger } from 'pino';
import { DirectoryError, type InboundCollaboration, type InvitationDomainList, type TenantCollaborationSettings } from '../directory/directory';
import { domainMatches, domainOf } from './domains';

export type TenantPolicyProblem = 'tenantBlocksDomain' | 'tenantBlocksOrganization';

export type TenantPolicyCheck = { ok: true } | { ok: false; problem: TenantPolicyProblem; setting: string };

/** Each setting the bot reads, with where an admin finds it and the permission that reads it. */
const SETTINGS = {
  domainList: {
    name: 'External collaboration settings → Collaboration restrictions (invitation allow/deny list)',
    permission: 'Policy.Read.B2BManagementPolicy',
  },
  tenantLookup: { name: "the partner domain's Microsoft Entra organization", permission: 'CrossTenantInformation.ReadBasic.All' },
  crossTenant: { name: 'Cross-tenant access settings → B2B collaboration inbound', permission: 'Policy.Read.All' },
} as const;

type SettingKind = keyof typeof SETTINGS;

/** How a check reads: `cached` during a turn, `fresh` before an invitation. */
type Reading = 'cached' | 'fresh';

/** A reading the check goes without: not permitted, or failed during a turn. */
const SKIPPED = Symbol('skipped');

interface CacheEntry {
  value: unknown;
  expiresAt: number;
}

export interface TenantPolicyOptions {
  cacheMs: number;
  logger: Logger;
  /** Milliseconds now; the cache counts real time. */
  now?: () => number;
}

export class TenantPolicy {
  private readonly cache = new Map<string, CacheEntry>();
  /** Settings already said to be unreadable: a 403 is logged once, not once a request. */
  private readonly saidUnreadable = new Set<SettingKind>();
  private readonly now: () => number;

  constructor(
    private readonly settings: TenantCollaborationSettings,
    private readonly options: TenantPolicyOptions,
  ) {
    if (!settings || !(options?.cacheMs >= 0) || !options.logger) throw new Error('TenantPolicy needs the directory, a cache time and a logger.');
    this.now = options.now ?? Date.now;
  }

  /** At the address step, from the kept readings; a reading that fails now is skipped (it is read again before inviting). */
  check(email: string): Promise<TenantPolicyCheck> {
    return this.evaluate(email, 'cached');
  }

  /** Before an invitation, read anew; a reading Graph could not give just now throws, so the job tries again later. */
  checkNow(email: string): Promise<TenantPolicyCheck> {
    return this.evaluate(email, 'fresh');
  }

  /**
   * Before inviting several guests at once: the settings read anew once for them all (each domain's
   * organization and its partner settings once per domain), so a request for twenty guests of one
   * partner costs what one does. One check per address, in order.
   */
  checkNowEach(emails: readonly string[]): Promise<TenantPolicyCheck[]> {
    const shared = new Map<string, Promise<unknown>>();
    return Promise.all(emails.map((email) => this.evaluate(email, 'fresh', shared)));
  }

  private async evaluate(email: string, reading: Reading, shared?: Map<string, Promise<unknown>>): Promise<TenantPolicyCheck> {
    const domain = domainOf(email);
    // One reading of a setting serves every address checked together.
    const read = <T>(kind: SettingKind, key: string, fetch: () => Promise<T>): Promise<T | typeof SKIPPED> => {
      if (!shared) return this.read(kind, key, fetch, reading);
      if (!shared.has(key)) shared.set(key, this.read(kind, key, fetch, reading));
      return shared.get(key) as Promise<T | typeof SKIPPED>;
    };
    // What does not depend on another reading is read together: at most two round trips, not four.
    const [list, tenantId, fallback] = await Promise.all([
      read('domainList', 'domainList', () => this.settings.invitationDomainList()),
      read('tenantLookup', `tenant:${domain}`, () => this.settings.tenantIdOfDomain(domain)),
      read('crossTenant', 'default', () => this.settings.defaultInboundCollaboration()),
    ]);
    if (list !== SKIPPED && refusesDomain(list, domain)) return this.refuse(domain, 'tenantBlocksDomain', 'domainList');
    if (tenantId === SKIPPED) return { ok: true };
    const partner =
      tenantId === undefined ? undefined : await read('crossTenant', `partner:${tenantId}`, () => this.settings.partnerInboundCollaboration(tenantId));
    if (partner === SKIPPED) return { ok: true };
    const inbound: InboundCollaboration | typeof SKIPPED = partner ?? fallback;
    if (inbound === 'blocked') return this.refuse(domain, 'tenantBlocksOrganization', 'crossTenant', partner ? `partner ${tenantId}` : 'default');
    return { ok: true };
  }

  private refuse(domain: string, problem: TenantPolicyProblem, kind: SettingKind, which?: string): TenantPolicyCheck {
    const setting = which ? `${SETTINGS[kind].name} (${which})` : SETTINGS[kind].name;
    this.options.logger.info({ domain, setting }, `The tenant's own setting refuses guests from ${domain}: ${setting}`);
    return { ok: false, problem, setting };
  }

  private async read<T>(kind: SettingKind, key: string, fetch: () => Promise<T>, reading: Reading): Promise<T | typeof SKIPPED> {
    const kept = this.cache.get(key);
    if (reading === 'cached' && kept && kept.expiresAt > this.now()) return kept.value as T | typeof SKIPPED;
    let value: T | typeof SKIPPED;
    try {
      value = await fetch();
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      if (error.status !== 403) {
        if (reading === 'fresh' && error.transient) throw error;
        this.options.logger.warn({ err: error, setting: SETTINGS[kind].name }, `Could not read ${SETTINGS[kind].name}; this check is skipped for now`);
        return SKIPPED;
      }
      this.sayUnreadableOnce(kind, error);
      value = SKIPPED;
    }
    this.cache.set(key, { value, expiresAt: this.now() + this.options.cacheMs });
    return value;
  }

  private sayUnreadableOnce(kind: SettingKind, error: DirectoryError): void {
    if (this.saidUnreadable.has(kind)) return;
    this.saidUnreadable.add(kind);
    const { name, permission } = SETTINGS[kind];
    this.options.logger.warn(
      { err: error, setting: name, permission },
      `Microsoft Graph refused to show ${name} (403): grant the application permission ${permission} (with admin consent) so the bot can check it before a sponsor is asked. Until then that check is skipped and Microsoft Entra still enforces the setting at invitation.`,
    );
  }
}

/** Entra keeps either an allow list (every other domain is refused) or a deny list. */
function refusesDomain(list: InvitationDomainList, domain: string): boolean {
  if (list.blockedDomains.some((listed) => domainMatches(domain, listed))) return true;
  return list.allowedDomains.length > 0 && !list.allowedDomains.some((listed) => domainMatches(domain, listed));
}
