/** The domain's pure rules: lifecycle, catalog answers, guest and sponsor policy, the access plan. */
import assert from 'node:assert/strict';
import { loadCatalog, SAMPLE_CATALOG_FILE } from '../../src/config';
import type { DirectoryUser } from '../../src/directory/directory';
import { grantsFor, invitationRedirectUrl } from '../../src/requests/accessPlan';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { selectResources } from '../../src/requests/catalog';
import { canTransition, outcomeOfStages, REQUEST_STATES } from '../../src/requests/lifecycle';
import { domainMatches } from '../../src/requests/domains';
import { checkGuestAddress, checkSponsor } from '../../src/requests/policy';

const catalog = loadCatalog(SAMPLE_CATALOG_FILE);

describe('request lifecycle', () => {
  it('allows exactly the transitions of the design', () => {
    const allowed = REQUEST_STATES.flatMap((from) => REQUEST_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    assert.deepEqual(allowed.sort(), [
      'accepted→ended',
      // a sponsor's reset of redemption
      'accepted→invited',
      // an address that was already a guest who had accepted
      'approved→accepted',
      'approved→failed',
      'approved→invited',
      'failed→approved',
      'invited→accepted',
      'invited→ended',
      // the guest never accepted within PENDING_GUEST_DAYS
      'invited→withdrawn',
      'pending_approval→approved',
      'pending_approval→cancelled',
      'pending_approval→expired',
      // a guest the sponsor left out of a request approved for the others
      'pending_approval→left_out',
      // the sponsor approved; resource owners decide next
      'pending_approval→pending_owner_approval',
      'pending_approval→rejected',
      'pending_owner_approval→approved',
      'pending_owner_approval→cancelled',
      'pending_owner_approval→expired',
      'pending_owner_approval→left_out',
      'pending_owner_approval→rejected',
    ]);
  });

  it('settles owner stages: rejected at the first rejection, approved only when every stage has approved', () => {
    assert.equal(outcomeOfStages(['approved', 'pending']), 'waiting');
    assert.equal(outcomeOfStages(['approved', 'approved']), 'approved');
    assert.equal(outcomeOfStages(['pending', 'rejected']), 'rejected');
    assert.equal(outcomeOfStages(['approved', 'rejected']), 'rejected');
  });
});

describe('choosing resources', () => {
  const ids = (answer: string) => {
    const selection = selectResources(catalog, answer);
    return selection.ok ? selection.resources.map((r) => r.id) : { unknown: selection.unknown };
  };

  it('takes numbers, ids and names, in any case, separated by commas or semicolons', () => {
    assert.deepEqual(ids('1, expenses-app; Spring Campaign 2027'), ['falcon-team', 'expenses-app', 'spring-campaign']);
  });

  it('keeps the order given and drops repeats', () => {
    assert.deepEqual(ids('4, 1, contoso expenses'), ['expenses-app', 'falcon-team']);
  });

  it('names everything it could not match', () => {
    assert.deepEqual(ids('1, 0, 5, hovercraft'), { unknown: ['0', '5', 'hovercraft'] });
  });

  it('refuses an empty answer', () => {
    assert.deepEqual(ids(' , '), { unknown: [] });
  });
});

describe('guest address policy', () => {
  const policy = { allowedDomains: [], blockedDomains: ['gmail.com'], internalDomains: ['contoso.com'] };

  it('normalizes and accepts a partner address', () => {
    assert.deepEqual(checkGuestAddress('  mailto:Kim.Lee@Fabrikam.COM ', policy), { ok: true, email: 'kim.lee@fabrikam.com' });
  });

  it('refuses what is not an address', () => {
    for (const text of ['kim', 'kim@', '@fabrikam.com', 'kim lee@fabrikam.com', 'kim@fabrikam']) {
      assert.equal(checkGuestAddress(text, policy).ok, false, text);
    }
  });

  it('refuses internal and blocked domains, subdomains included', () => {
    assert.deepEqual(checkGuestAddress('a@eu.contoso.com', policy), { ok: false, email: 'a@eu.contoso.com', problem: 'internalDomain' });
    assert.deepEqual(checkGuestAddress('a@gmail.com', policy), { ok: false, email: 'a@gmail.com', problem: 'domainBlocked' });
  });

  it('allows only listed domains when there is an allow list', () => {
    const strict = { ...policy, allowedDomains: ['fabrikam.com'] };
    assert.equal(checkGuestAddress('a@fabrikam.com', strict).ok, true);
    assert.deepEqual(checkGuestAddress('a@northwind.com', strict), { ok: false, email: 'a@northwind.com', problem: 'domainNotAllowed' });
  });

  it('matches a domain and its subdomains, not look-alikes', () => {
    assert.equal(domainMatches('fabrikam.com', 'fabrikam.com'), true);
    assert.equal(domainMatches('eu.fabrikam.com', '*.fabrikam.com'), true);
    assert.equal(domainMatches('notfabrikam.com', 'fabrikam.com'), false);
  });
});

describe('sponsor policy', () => {
  const member: DirectoryUser = { id: 'm', displayName: 'Megan', userPrincipalName: 'm@contoso.com', userType: 'Member' };
  it('wants a member other than the requester', () => {
    assert.deepEqual(checkSponsor(member, 'a'), { ok: true, sponsor: member });
    assert.deepEqual(checkSponsor(undefined, 'a'), { ok: false, problem: 'notFound' });
    assert.deepEqual(checkSponsor({ ...member, userType: 'Guest' }, 'a'), { ok: false, problem: 'notMember' });
    assert.deepEqual(checkSponsor(member, 'm'), { ok: false, problem: 'isRequester' });
  });
});

describe('access plan', () => {
  const byId = (...ids: string[]) => ids.map((id) => catalog.resources.find((r) => r.id === id) ?? assert.fail(id));

  it('lands a guest on the one resource they asked for, when it has a link', () => {
    assert.equal(invitationRedirectUrl(byId('partner-extranet'), 'tenant-1'), 'https://contoso.sharepoint.com/sites/PartnerExtranet');
  });

  it('lands them on My Apps in the inviting tenant otherwise', () => {
    assert.equal(invitationRedirectUrl(byId('falcon-team', 'partner-extranet'), 'tenant-1'), 'https://myapps.microsoft.com/?tenantid=tenant-1');
    assert.equal(invitationRedirectUrl(byId('spring-campaign'), 'tenant-1'), 'https://myapps.microsoft.com/?tenantid=tenant-1');
  });

  it('grants a membership per resource, an app offered through a group included, an app role only for a direct entry, and the sponsor', () => {
    const request = { sponsor: { id: 'megan' } } as AccessRequest;
    const directExpenses = {
      id: 'expenses-direct',
      name: 'Contoso Expenses',
      kind: 'app',
      servicePrincipalId: 'd00dfeed-0001-4000-8000-00000000d001',
      appRoleId: 'e1e1e1e1-0001-4000-8000-00000000e001',
    } as const;
    assert.deepEqual(grantsFor(request, [...byId('falcon-team', 'expenses-app'), directExpenses]), [
      { kind: 'group', resourceId: 'falcon-team', groupId: 'c0ffee00-0001-4000-8000-00000000c001' },
      { kind: 'group', resourceId: 'expenses-app', groupId: 'c0ffee00-0004-4000-8000-00000000c004' },
      {
        kind: 'appRole',
        resourceId: 'expenses-direct',
        servicePrincipalId: 'd00dfeed-0001-4000-8000-00000000d001',
        appRoleId: 'e1e1e1e1-0001-4000-8000-00000000e001',
      },
      { kind: 'sponsor', sponsorId: 'megan' },
    ]);
  });
});
