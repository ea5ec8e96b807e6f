import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as restify from 'restify';
import { DirectorySimulator, loadSimulatorSeed, startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { sample } from '../directory/directoryFixture';

/** Raw HTTP against the simulator: the Graph behaviours the adapter relies on, checked one by one. */
describe('directory simulator Graph endpoints', () => {
  let started: StartedDirectorySimulator;

  beforeEach(async () => {
    started = await startDirectorySimulator();
  });

  afterEach(async () => {
    await started.close();
  });

  // Tests read Graph's JSON loosely on purpose: the shapes are what they assert.
  async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
    const response = await fetch(`${started.graphBaseUrl}/v1.0${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
  }

  const users = (filter: string): Promise<{ status: number; json: any }> => graph('GET', `/users?$filter=${encodeURIComponent(filter)}&$select=id`);

  describe('errors', () => {
    it("answers a missing user with Graph's 404 body, ids included", async () => {
      const response = await graph('GET', '/users/a1b2c3d4-0999-4000-8000-000000000999');

      assert.equal(response.status, 404);
      assert.equal(response.json.error.code, 'Request_ResourceNotFound');
      assert.match(response.json.error.message, /Resource 'a1b2c3d4-0999-4000-8000-000000000999' does not exist/);
      assert.match(response.json.error.innerError.date, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
      assert.equal(response.json.error.innerError['request-id'], response.headers.get('request-id'));
      assert.ok(response.json.error.innerError['client-request-id']);
    });

    it('refuses an unknown segment and a wrong method the way Graph does', async () => {
      assert.equal((await graph('GET', '/contacts')).json.error.message, "Resource not found for the segment 'contacts'.");
      assert.equal((await graph('PUT', `/users/${sample.adele}`, {})).status, 405);
      assert.equal((await fetch(`${started.graphBaseUrl}/beta/users`)).status, 400);
    });
  });

  describe('users', () => {
    it('leaves userType out unless $select asks for it, as Graph v1.0 does', async () => {
      const plain = await graph('GET', `/users/${sample.sam}`);
      const selected = await graph('GET', `/users/${sample.sam}?$select=id,userType,externalUserState`);

      assert.equal(plain.json.displayName, 'Sam Rivera (Northwind Traders)');
      assert.equal('userType' in plain.json, false);
      assert.deepEqual(Object.keys(selected.json).sort(), ['@odata.context', 'externalUserState', 'id', 'userType']);
      assert.equal(selected.json.externalUserState, 'PendingAcceptance');
    });

    it('refuses a $select of a property users do not have', async () => {
      const response = await graph('GET', `/users/${sample.adele}?$select=id,shoeSize`);

      assert.equal(response.status, 400);
      assert.match(response.json.error.message, /shoeSize/);
    });

    it('filters on mail and userPrincipalName with or, and, parentheses and doubled quotes', async () => {
      const ids = async (filter: string): Promise<string[]> => ((await users(filter)).json.value as Array<{ id: string }>).map((user) => user.id);

      assert.deepEqual(await ids("mail eq 'ADELE.VANCE@contoso.com'"), [sample.adele]);
      assert.deepEqual(await ids("mail eq 'adele.vance@contoso.com' or userPrincipalName eq 'megan.bowen@contoso.com'"), [sample.adele, sample.megan]);
      assert.deepEqual(await ids("(mail eq 'adele.vance@contoso.com') and userPrincipalName eq 'megan.bowen@contoso.com'"), []);
      assert.deepEqual(await ids("mail eq 'o''brien@partner.example'"), []);
    });

    it('refuses filters it does not support, as Graph refuses what it cannot run', async () => {
      const unsupported = await users("startswith(displayName,'A')");
      const unterminated = await users("mail eq 'adele");
      const otherOperator = await users("mail ne 'adele.vance@contoso.com'");

      assert.equal(unsupported.status, 400);
      assert.equal(unsupported.json.error.code, 'Request_UnsupportedQuery');
      assert.equal(unterminated.status, 400);
      assert.match(unterminated.json.error.message, /unterminated string literal/);
      assert.equal(otherOperator.json.error.code, 'Request_UnsupportedQuery');
    });

    it('answers 404 for the manager of someone who has none', async () => {
      const response = await graph('GET', `/users/${sample.patti}/manager`);

      assert.equal(response.status, 404);
      assert.equal(response.json.error.code, 'Request_ResourceNotFound');
    });

    it('blocks and unblocks a guest’s sign-in with PATCH accountEnabled, shown only when $selected', async () => {
      const enabled = async (): Promise<unknown> => (await graph('GET', `/users/${sample.sam}?$select=id,accountEnabled`)).json.accountEnabled;
      assert.equal(await enabled(), true);

      assert.equal((await graph('PATCH', `/users/${sample.sam}`, { accountEnabled: false })).status, 204);
      assert.equal(await enabled(), false);
      assert.equal('accountEnabled' in (await graph('GET', `/users/${sample.sam}`)).json, false);
      assert.equal((await graph('PATCH', `/users/${sample.sam}`, { accountEnabled: true })).status, 204);
      assert.equal(await enabled(), true);
    });

    it('refuses a PATCH it cannot carry out whole, changing nothing', async () => {
      const otherField = await graph('PATCH', `/users/${sample.sam}`, { accountEnabled: false, displayName: 'Sam' });
      const wrongType = await graph('PATCH', `/users/${sample.sam}`, { accountEnabled: 'false' });
      const member = await graph('PATCH', `/users/${sample.adele}`, { accountEnabled: false });
      const unknown = await graph('PATCH', '/users/a1b2c3d4-0999-4000-8000-000000000999', { accountEnabled: false });

      assert.deepEqual([otherField.status, wrongType.status, member.status, unknown.status], [400, 400, 403, 404]);
      assert.match(otherField.json.error.message, /displayName/);
      assert.equal(started.simulator.getUser(sample.sam)?.accountEnabled, undefined);
      assert.equal(started.simulator.getUser(sample.adele)?.accountEnabled, undefined);
    });

    it('deletes guests only', async () => {
      assert.equal((await graph('DELETE', `/users/${sample.adele}`)).status, 403);
      assert.equal((await graph('DELETE', `/users/${sample.jordan}`)).status, 204);
      assert.equal(started.simulator.getUser(sample.jordan), undefined);
      assert.ok(!started.simulator.groupMembers(sample.extranetGroup).includes(sample.jordan));
    });

    it('forgets a deleted guest as Graph does: 404 on every later read or delete, and gone from every listing', async () => {
      assert.equal((await graph('DELETE', `/users/${sample.jordan}`)).status, 204);
      assert.equal((await graph('GET', `/users/${sample.jordan}`)).status, 404);
      assert.equal((await graph('DELETE', `/users/${sample.jordan}`)).status, 404);
      assert.equal((await graph('DELETE', '/users/a1b2c3d4-0999-4000-8000-000000000999')).status, 404);
      const byId = await graph('GET', `/users?$filter=${encodeURIComponent(`id in ('${sample.jordan}')`)}&$select=id,externalUserState`);
      assert.equal(byId.status, 200);
      assert.deepEqual(byId.json.value, []);
    });
  });

  describe('sign-in activity', () => {
    const invite = async (n: number): Promise<string> =>
      (
        await graph('POST', '/invitations', {
          invitedUserEmailAddress: `guest${n}@partner.example`,
          inviteRedirectUrl: 'https://myapps.microsoft.com/',
          sendInvitationMessage: false,
        })
      ).json.invitedUser.id as string;

    it('serves signInActivity only when $select asks for it, and leaves it out for someone who never signed in', async () => {
      const guest = await invite(1);
      started.simulator.setLastSignIn(guest, '2026-03-04T05:06:07Z');
      assert.equal('signInActivity' in (await graph('GET', `/users/${guest}`)).json, false);
      const selected = await graph('GET', `/users?$filter=${encodeURIComponent(`id in ('${guest}','${sample.adele}')`)}&$select=id,signInActivity`);
      assert.equal(selected.status, 200);
      const byId = new Map((selected.json.value as Array<{ id: string }>).map((user) => [user.id, user]));
      assert.deepEqual(byId.get(guest), { id: guest, signInActivity: { lastSuccessfulSignInDateTime: '2026-03-04T05:06:07Z' } });
      assert.deepEqual(byId.get(sample.adele), { id: sample.adele });
    });

    it("refuses signInActivity with Graph's 403 in a tenant without Microsoft Entra ID P1, and nothing else", async () => {
      started.simulator.setEntraIdP1(false);
      for (const path of [`/users?$select=id,signInActivity`, `/users/${sample.adele}?$select=signInActivity`]) {
        const refused = await graph('GET', path);
        assert.equal(refused.status, 403);
        assert.equal(refused.json.error.code, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant');
        assert.match(refused.json.error.message, /premium license/);
      }
      assert.equal((await graph('GET', `/users?$select=id,displayName`)).status, 200);
    });

    it('answers a list with signInActivity in pages of at most 120 users, whatever $top asks', async () => {
      for (let n = 0; n < 121; n++) await invite(n);
      const first = await graph('GET', '/users?$select=id,signInActivity&$top=999');
      assert.equal(first.json.value.length, 120);
      const next = new URL(first.json['@odata.nextLink'] as string);
      const rest = await graph('GET', `/users${next.search}`);
      assert.equal(rest.status, 200);
      assert.ok(rest.json.value.length >= 1);
      assert.equal(rest.json['@odata.nextLink'], undefined);
      const ids = new Set([...first.json.value, ...rest.json.value].map((user: { id: string }) => user.id));
      assert.equal(ids.size, first.json.value.length + rest.json.value.length, 'no user twice');
    });
  });

  describe('invitations', () => {
    const valid = {
      invitedUserEmailAddress: 'alex.kim@partner.example',
      inviteRedirectUrl: 'https://myapps.microsoft.com/',
      sendInvitationMessage: false,
    };

    it("answers with Graph's invitation resource", async () => {
      const response = await graph('POST', '/invitations', {
        ...valid,
        invitedUserDisplayName: 'Alex Kim',
        invitedUserMessageInfo: { customizedMessageBody: 'Hello' },
      });

      assert.equal(response.status, 201);
      assert.equal(response.json.invitedUserEmailAddress, 'alex.kim@partner.example');
      assert.equal(response.json.invitedUserDisplayName, 'Alex Kim');
      assert.equal(response.json.inviteRedirectUrl, 'https://myapps.microsoft.com/');
      assert.equal(response.json.status, 'PendingAcceptance');
      assert.equal(response.json.sendInvitationMessage, false);
      assert.equal(response.json.invitedUserMessageInfo.customizedMessageBody, 'Hello');
      assert.match(response.json.inviteRedeemUrl, /^http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\//);
      assert.equal(started.simulator.getUser(response.json.invitedUser.id)?.displayName, 'Alex Kim');
    });

    it('refuses a missing or invalid address and redirect URL', async () => {
      const { invitedUserEmailAddress: _address, ...noAddress } = valid;
      const { inviteRedirectUrl: _redirect, ...noRedirect } = valid;

      for (const body of [noAddress, { ...valid, invitedUserEmailAddress: 'not-an-address' }, noRedirect, { ...valid, inviteRedirectUrl: 'myapps' }]) {
        const response = await graph('POST', '/invitations', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.json.error.code, 'BadRequest');
      }
    });

    it("refuses an address in one of the tenant's verified domains", async () => {
      const response = await graph('POST', '/invitations', { ...valid, invitedUserEmailAddress: 'new.hire@contoso.com' });

      assert.equal(response.status, 400);
      assert.match(response.json.error.message, /verified domain/);
    });
  });

  describe('links', () => {
    const reference = (id: string): { '@odata.id': string } => ({
      '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}`,
    });

    it('adds, lists and removes group members', async () => {
      assert.equal((await graph('POST', `/groups/${sample.springGroup}/members/$ref`, reference(sample.adele))).status, 204);
      const duplicate = await graph('POST', `/groups/${sample.springGroup}/members/$ref`, reference(sample.adele));
      const members = await graph('GET', `/groups/${sample.springGroup}/members`);
      const removed = await graph('DELETE', `/groups/${sample.springGroup}/members/${sample.adele}/$ref`);

      assert.equal(duplicate.status, 400);
      assert.equal(duplicate.json.error.message, "One or more added object references already exist for the following modified properties: 'members'.");
      assert.ok((members.json.value as Array<{ id: string }>).some((member) => member.id === sample.adele));
      assert.equal(removed.status, 204);
      assert.ok(!started.simulator.groupMembers(sample.springGroup).includes(sample.adele));
      assert.equal((await graph('POST', `/groups/${sample.springGroup}/members/$ref`, reference('a1b2c3d4-0999-4000-8000-000000000999'))).status, 404);
      assert.equal((await graph('GET', '/groups/c0ffee00-0999-4000-8000-00000000c999/members')).status, 404);
    });

    it('adds and lists sponsors, refusing a sponsor twice', async () => {
      const body = { '@odata.id': `https://graph.microsoft.com/v1.0/users/${sample.megan}` };
      assert.equal((await graph('POST', `/users/${sample.sam}/sponsors/$ref`, body)).status, 204);
      const duplicate = await graph('POST', `/users/${sample.sam}/sponsors/$ref`, body);
      const sponsors = await graph('GET', `/users/${sample.sam}/sponsors`);

      assert.equal(duplicate.status, 400);
      assert.match(duplicate.json.error.message, /already exist/);
      assert.deepEqual(
        (sponsors.json.value as Array<{ id: string }>).map((sponsor) => sponsor.id),
        [sample.megan],
      );
    });

    it('removes a sponsor with DELETE sponsors/{id}/$ref, and answers 404 for one the user does not have', async () => {
      const body = { '@odata.id': `https://graph.microsoft.com/v1.0/users/${sample.megan}` };
      assert.equal((await graph('POST', `/users/${sample.sam}/sponsors/$ref`, body)).status, 204);
      assert.equal((await graph('DELETE', `/users/${sample.sam}/sponsors/${sample.megan}/$ref`)).status, 204);
      const again = await graph('DELETE', `/users/${sample.sam}/sponsors/${sample.megan}/$ref`);
      assert.equal(again.status, 404);
      assert.equal(again.json.error.code, 'Request_ResourceNotFound');
      assert.deepEqual(started.simulator.sponsorsOf(sample.sam), []);
    });

    it('shows a member who left as Graph would: accountEnabled false, or absent from an `id in (…)` filter', async () => {
      started.simulator.userLeaves(sample.megan, 'disabled');
      started.simulator.userLeaves(sample.adele, 'deleted');
      const filter = encodeURIComponent(`id in ('${sample.megan}','${sample.adele}')`);
      const found = await graph('GET', `/users?$filter=${filter}&$select=id,accountEnabled`);
      assert.deepEqual(found.json.value, [{ id: sample.megan, accountEnabled: false }]);
    });

    it('assigns an app role once', async () => {
      const body = { principalId: sample.sam, resourceId: sample.expensesSp, appRoleId: sample.expensesRole };
      const created = await graph('POST', `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`, body);
      const duplicate = await graph('POST', `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`, body);

      assert.equal(created.status, 201);
      assert.equal(created.json.principalId, sample.sam);
      assert.equal(created.json.principalType, 'User');
      assert.equal(created.json.resourceDisplayName, 'Contoso Expenses');
      assert.equal(duplicate.status, 400);
      assert.match(duplicate.json.error.message, /Permission being assigned already exists on the object/);
    });
  });

  describe('app role assignments', () => {
    const assign = (principalId: string): Promise<{ status: number; json: any }> =>
      graph('POST', `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`, {
        principalId,
        resourceId: sample.expensesSp,
        appRoleId: sample.expensesRole,
      });

    it("lists a user's assignments in Graph's shape", async () => {
      const created = await assign(sample.sam);
      await assign(sample.jordan);

      const response = await graph('GET', `/users/${sample.sam}/appRoleAssignments`);

      assert.equal(response.status, 200);
      assert.match(response.json['@odata.context'], new RegExp(`/v1\\.0/\\$metadata#users\\('${sample.sam}'\\)/appRoleAssignments$`));
      assert.equal(response.json['@odata.nextLink'], undefined);
      assert.deepEqual(response.json.value, [
        {
          deletedDateTime: null,
          id: created.json.id,
          appRoleId: sample.expensesRole,
          principalId: sample.sam,
          principalDisplayName: 'Sam Rivera (Northwind Traders)',
          principalType: 'User',
          resourceId: sample.expensesSp,
          resourceDisplayName: 'Contoso Expenses',
          createdDateTime: created.json.createdDateTime,
        },
      ]);
      assert.equal((await graph('GET', '/users/a1b2c3d4-0999-4000-8000-000000000999/appRoleAssignments')).status, 404);
    });

    it('pages the list, with a next link that leads to the rest', async () => {
      const defaultAccess = '00000000-0000-0000-0000-000000000000';
      await assign(sample.sam);
      await graph('POST', `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`, {
        principalId: sample.sam,
        resourceId: sample.expensesSp,
        appRoleId: defaultAccess,
      });
      const page = async (url: string): Promise<{ value: Array<{ appRoleId: string }>; '@odata.nextLink'?: string }> =>
        (await fetch(url)).json() as Promise<{ value: Array<{ appRoleId: string }>; '@odata.nextLink'?: string }>;

      const first = await page(`${started.graphBaseUrl}/v1.0/users/${sample.sam}/appRoleAssignments?$top=1`);
      const second = await page(first['@odata.nextLink'] ?? 'missing next link');

      assert.deepEqual(
        first.value.map((assignment) => assignment.appRoleId),
        [sample.expensesRole],
      );
      assert.deepEqual(
        second.value.map((assignment) => assignment.appRoleId),
        [defaultAccess],
      );
      assert.equal(second['@odata.nextLink'], undefined);
      assert.equal((await graph('GET', `/users/${sample.sam}/appRoleAssignments?$top=1000`)).status, 400);
    });

    it('deletes an assignment by its id once, then answers 404', async () => {
      const created = await assign(sample.sam);
      const path = `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo/${created.json.id}`;

      const removed = await graph('DELETE', path);
      const again = await graph('DELETE', path);

      assert.equal(removed.status, 204);
      assert.deepEqual(started.simulator.appRoleAssignmentsOf(sample.sam), []);
      assert.equal(again.status, 404);
      assert.equal(again.json.error.code, 'Request_ResourceNotFound');
      assert.equal((await graph('DELETE', `/servicePrincipals/d00dfeed-0999-4000-8000-00000000d999/appRoleAssignedTo/${created.json.id}`)).status, 404);
    });
  });

  describe('$batch', () => {
    const item = (id: string): Record<string, unknown> => ({
      id,
      method: 'POST',
      url: `/users/${sample.sam}/sponsors/$ref`,
      headers: { 'Content-Type': 'application/json' },
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/users/${sample.megan}` },
    });

    it('answers each item on its own', async () => {
      const response = await graph('POST', '/$batch', {
        requests: [item('a'), item('b'), { id: 'c', method: 'GET', url: `/users/${sample.adele}?$select=id,userType` }],
      });

      assert.equal(response.status, 200);
      const byId = new Map((response.json.responses as Array<{ id: string; status: number; body?: any }>).map((r) => [r.id, r]));
      assert.equal(byId.get('a')?.status, 204);
      assert.equal(byId.get('b')?.status, 400);
      assert.equal(byId.get('c')?.body.userType, 'Member');
      assert.equal(started.simulator.requests.at(-1)?.batchItems?.length, 3);
    });

    it('carries out DELETE, PATCH and a listing inside a batch, a 404 for what is not there', async () => {
      const assignment = await graph('POST', `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`, {
        principalId: sample.jordan,
        resourceId: sample.expensesSp,
        appRoleId: sample.expensesRole,
      });

      const response = await graph('POST', '/$batch', {
        requests: [
          { id: '1', method: 'DELETE', url: `/groups/${sample.extranetGroup}/members/${sample.jordan}/$ref` },
          { id: '2', method: 'DELETE', url: `/groups/${sample.falconGroup}/members/${sample.jordan}/$ref` },
          { id: '3', method: 'GET', url: `/users/${sample.jordan}/appRoleAssignments` },
          { id: '4', method: 'DELETE', url: `/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo/${assignment.json.id}` },
          { id: '5', method: 'PATCH', url: `/users/${sample.jordan}`, headers: { 'Content-Type': 'application/json' }, body: { accountEnabled: false } },
        ],
      });

      const byId = new Map((response.json.responses as Array<{ id: string; status: number; body?: any }>).map((r) => [r.id, r]));
      assert.deepEqual(
        ['1', '2', '3', '4', '5'].map((id) => byId.get(id)?.status),
        [204, 404, 200, 204, 204],
      );
      assert.deepEqual(
        (byId.get('3')?.body.value as Array<{ id: string }>).map((listed) => listed.id),
        [assignment.json.id],
      );
      assert.ok(!started.simulator.groupMembers(sample.extranetGroup).includes(sample.jordan));
      assert.deepEqual(started.simulator.appRoleAssignmentsOf(sample.jordan), []);
      assert.equal(started.simulator.getUser(sample.jordan)?.accountEnabled, false);
    });

    it('refuses more than 20 requests', async () => {
      const requests = Array.from({ length: 21 }, (_, index) => item(String(index)));

      assert.equal((await graph('POST', '/$batch', { requests })).status, 400);
      assert.deepEqual(started.simulator.sponsorsOf(sample.sam), []);
    });

    it('refuses a write item without a Content-Type header, as Graph does', async () => {
      const response = await graph('POST', '/$batch', { requests: [{ ...item('1'), headers: {} }] });

      assert.equal(response.status, 400);
      assert.equal(response.json.error.message, 'Write request id : 1 does not contain Content-Type header or body.');
    });

    it('gives a throttled item its own 429 and Retry-After while the others go through', async () => {
      started.simulator.injectFault({ path: /sponsors/, status: 429, retryAfterSeconds: 7, times: 1, inBatch: true });

      const response = await graph('POST', '/$batch', {
        requests: [item('1'), { id: '2', method: 'GET', url: `/users/${sample.adele}` }],
      });

      const [first, second] = response.json.responses as Array<{ status: number; headers: Record<string, string>; body: any }>;
      assert.equal(first?.status, 429);
      assert.equal(first?.headers['Retry-After'], '7');
      assert.equal(first?.body.error.code, 'TooManyRequests');
      assert.equal(second?.status, 200);
    });
  });

  describe('faults and latency', () => {
    it('fails the next matching requests with Retry-After, then recovers', async () => {
      started.simulator.injectFault({ method: 'GET', path: /^\/users\//, status: 503, retryAfterSeconds: 3, times: 1 });

      const failed = await graph('GET', `/users/${sample.adele}`);
      const recovered = await graph('GET', `/users/${sample.adele}`);

      assert.equal(failed.status, 503);
      assert.equal(failed.headers.get('retry-after'), '3');
      assert.equal(recovered.status, 200);
    });

    it('delays every Graph response by latencyMs', async () => {
      const slow = await startDirectorySimulator({ latencyMs: 150 });
      try {
        const before = Date.now();
        const response = await fetch(`${slow.graphBaseUrl}/v1.0/users/${sample.adele}`);
        assert.equal(response.status, 200);
        assert.ok(Date.now() - before >= 140);
      } finally {
        await slow.close();
      }
    });
  });

  it("mounts on another server's restify instance under the prefix it is given", async () => {
    const simulator = new DirectorySimulator(loadSimulatorSeed(join(__dirname, '../../../src/samples/directory.json')));
    const server = restify.createServer();
    server.use(restify.plugins.queryParser({ mapParams: false }));
    server.use(restify.plugins.bodyParser({ mapParams: false }));
    simulator.mount(server, '/dev/sim');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/dev/sim/graph/v1.0/invitations`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ invitedUserEmailAddress: 'alex.kim@partner.example', inviteRedirectUrl: 'https://myapps.microsoft.com/' }),
      });
      const invitation = (await response.json()) as { inviteRedeemUrl: string };
      assert.equal(response.status, 201);
      assert.match(invitation.inviteRedeemUrl, new RegExp(`^http://127\\.0\\.0\\.1:${port}/dev/sim/redeem/`));
      assert.equal((await fetch(invitation.inviteRedeemUrl)).status, 200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
