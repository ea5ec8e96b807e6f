/**
 * Reading the tenant's own external-collaboration settings through the real Graph client: against
 * the simulator over HTTP, and against the reference's own example answer, whose definition is
 * written with single quotes and whose isOrganizationDefault is the string "true".
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { createGraphClient } from '../../src/directory/graphClient';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import { DirectoryError } from '../../src/directory/directory';
import { type DirectoryFixture, startDirectoryFixture } from './directoryFixture';

describe("GraphDirectory reads the tenant's external-collaboration settings", () => {
  describe('against the simulator', () => {
    let fixture: DirectoryFixture;
    beforeEach(async () => {
      fixture = await startDirectoryFixture();
    });
    afterEach(async () => fixture.close());

    it('reads the deny list from the beta endpoint, which v1.0 does not serve', async () => {
      assert.deepEqual(await fixture.directory.invitationDomainList(), { allowedDomains: [], blockedDomains: ['tailspintoys.com'] });
      const read = fixture.simulator.requests.find((r) => r.path.endsWith('/policies/b2bManagementPolicies'));
      assert.match(read?.path ?? '', /\/graph\/beta\/policies\/b2bManagementPolicies$/);
      const atV1 = await fetch(`${fixture.graphBaseUrl}/v1.0/policies/b2bManagementPolicies`);
      assert.equal(atV1.status, 400);
    });

    it("resolves a partner's organization, with 404 meaning none, and reads B2B collaboration inbound from its configuration or the default", async () => {
      const wingtip = await fixture.directory.tenantIdOfDomain('wingtiptoys.com');
      assert.equal(wingtip, '3e9d2b71-8c4a-4d6f-b5e0-1f2a3b4c5d6e');
      assert.equal(await fixture.directory.partnerInboundCollaboration(wingtip as string), 'blocked');
      const fabrikam = await fixture.directory.tenantIdOfDomain('fabrikam.com');
      assert.equal(await fixture.directory.partnerInboundCollaboration(fabrikam as string), undefined, 'no partner configuration: 404');
      assert.equal(await fixture.directory.tenantIdOfDomain('gmail.example'), undefined);
      assert.equal(await fixture.directory.defaultInboundCollaboration(), 'allowed');
    });

    it('says a 403 as a DirectoryError with status 403, for the policy to skip', async () => {
      fixture.simulator.injectFault({ method: 'GET', path: /^\/policies\/crossTenantAccessPolicy\/default$/, status: 403, times: 1 });
      await assert.rejects(fixture.directory.defaultInboundCollaboration(), (error: unknown) => error instanceof DirectoryError && error.status === 403);
    });
  });

  describe("against the reference's example answer", () => {
    afterEach(() => sinon.restore());

    it('reads a single-quoted definition and an isOrganizationDefault of "true"', async () => {
      const answer = {
        value: [
          {
            '@odata.type': '#microsoft.graph.b2bManagementPolicy',
            id: 'f596ef0d-42f9-0359-1aaa-12d02b38802a',
            definition: ["{'B2BManagementPolicy':{'InvitationsAllowedAndBlockedDomainsPolicy':{'AllowedDomains':['fabrikam.com']},'Version':1}}"],
            isOrganizationDefault: 'true',
          },
        ],
      };
      const fetch = sinon
        .stub(globalThis, 'fetch')
        .resolves(new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } }));
      const baseUrl = 'http://127.0.0.1:9';
      const directory = new GraphDirectory(createGraphClient({ graphBaseUrl: baseUrl }), { graphBaseUrl: baseUrl });
      assert.deepEqual(await directory.invitationDomainList(), { allowedDomains: ['fabrikam.com'], blockedDomains: [] });
      assert.equal(String(fetch.firstCall.args[0]), `${baseUrl}/beta/policies/b2bManagementPolicies`);
    });
  });
});
