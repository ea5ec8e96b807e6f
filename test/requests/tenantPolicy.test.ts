/**
 * The tenant's settings as rules for an address, over a stand-in for the directory's reads: what
 * an allow list and a partner configuration refuse, how long readings are kept, and what a failed
 * reading does during a turn and before an invitation.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import { DirectoryError, type InboundCollaboration, type InvitationDomainList, type TenantCollaborationSettings } from '../../src/directory/directory';
import { TenantPolicy } from '../../src/requests/tenantPolicy';

class StandInSettings implements TenantCollaborationSettings {
  list: InvitationDomainList = { allowedDomains: [], blockedDomains: [] };
  organizations = new Map<string, string>();
  partners = new Map<string, InboundCollaboration>();
  defaultInbound: InboundCollaboration = 'allowed';
  failure?: DirectoryError;
  reads = 0;

  async invitationDomainList() {
    this.reads += 1;
    if (this.failure) throw this.failure;
    return this.list;
  }
  async tenantIdOfDomain(domain: string) {
    return this.organizations.get(domain);
  }
  async partnerInboundCollaboration(tenantId: string) {
    return this.partners.get(tenantId);
  }
  async defaultInboundCollaboration() {
    return this.defaultInbound;
  }
}

describe('TenantPolicy', () => {
  let settings: StandInSettings;
  let now: number;
  const policy = (cacheMs = 60_000) => new TenantPolicy(settings, { cacheMs, logger: pino({ level: 'silent' }), now: () => now });

  beforeEach(() => {
    settings = new StandInSettings();
    now = 0;
  });

  it('refuses every domain an allow list leaves out, and lets its subdomains in', async () => {
    settings.list = { allowedDomains: ['fabrikam.com'], blockedDomains: [] };
    const rules = policy();
    assert.equal((await rules.check('a@eu.fabrikam.com')).ok, true);
    assert.deepEqual(await rules.check('a@notfabrikam.com'), {
      ok: false,
      problem: 'tenantBlocksDomain',
      setting: 'External collaboration settings → Collaboration restrictions (invitation allow/deny list)',
    });
  });

  it("applies an organization's own configuration before the default, and the default to addresses of no organization", async () => {
    settings.organizations.set('fabrikam.com', 'tenant-f');
    settings.partners.set('tenant-f', 'allowed');
    settings.defaultInbound = 'blocked';
    const rules = policy();
    assert.equal((await rules.check('a@fabrikam.com')).ok, true);
    assert.deepEqual(await rules.check('a@gmail.example'), {
      ok: false,
      problem: 'tenantBlocksOrganization',
      setting: 'Cross-tenant access settings → B2B collaboration inbound (default)',
    });
  });

  it('keeps readings for the cache time during a turn; before an invitation it reads anew', async () => {
    const rules = policy(60_000);
    await rules.check('a@fabrikam.com');
    settings.list = { allowedDomains: [], blockedDomains: ['fabrikam.com'] };
    assert.equal((await rules.check('a@fabrikam.com')).ok, true, 'the kept reading');
    assert.equal(settings.reads, 1);
    assert.equal((await rules.checkNow('a@fabrikam.com')).ok, false, 'read anew');
    now = 61_000;
    settings.list = { allowedDomains: [], blockedDomains: [] };
    assert.equal((await rules.check('a@fabrikam.com')).ok, true, 'expired, read again');
    assert.equal(settings.reads, 3);
  });

  it('skips a reading Graph could not give during a turn, but lets the job retry it before an invitation', async () => {
    settings.failure = new DirectoryError('throttled', { status: 429, code: 'TooManyRequests', transient: true });
    const rules = policy();
    assert.equal((await rules.check('a@fabrikam.com')).ok, true);
    await assert.rejects(rules.checkNow('a@fabrikam.com'), DirectoryError);
  });

  it('skips a setting it may not read (403), before an invitation too, and asks Graph again only after the cache time', async () => {
    settings.failure = new DirectoryError('denied', { status: 403, code: 'Authorization_RequestDenied', transient: false });
    const rules = policy();
    assert.equal((await rules.checkNow('a@fabrikam.com')).ok, true);
    assert.equal((await rules.check('b@fabrikam.com')).ok, true);
    assert.equal(settings.reads, 1);
  });
});
