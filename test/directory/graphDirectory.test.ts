import assert from 'node:assert/strict';
import { SAMPLE_DIRECTORY_FILE } from '../../src/config';
import { DirectoryError } from '../../src/directory/directory';
import { loadSimulatorSeed } from '../../src/simulator/simulatorSeed';
import { batchRequests, type DirectoryFixture, sample, startDirectoryFixture, inviteNewGuest } from './directoryFixture';

describe('GraphDirectory against the directory simulator', () => {
  let fixture: DirectoryFixture;

  beforeEach(async () => {
    fixture = await startDirectoryFixture();
  });

  afterEach(async () => {
    await fixture.close();
  });

  describe('users', () => {
    it('reads a member with the properties the bot needs', async () => {
      const user = await fixture.directory.getUser(sample.adele);

      assert.deepEqual(user, {
        id: sample.adele,
        displayName: 'Adele Vance',
        userPrincipalName: 'adele.vance@contoso.com',
        mail: 'adele.vance@contoso.com',
        userType: 'Member',
        preferredLanguage: 'en-US',
        accountEnabled: true,
      });
    });

    it('reads whether an account may sign in, which Graph gives only when asked for by $select', async () => {
      // Megan has left: her account is blocked.
      const seed = loadSimulatorSeed(SAMPLE_DIRECTORY_FILE);
      const blocked = await startDirectoryFixture({
        seed: { ...seed, users: seed.users.map((u) => (u.id === sample.megan ? { ...u, accountEnabled: false } : u)) },
      });
      try {
        assert.equal((await blocked.directory.getUser(sample.megan))?.accountEnabled, false);
        assert.equal((await blocked.directory.findUserByAddress('megan.bowen@contoso.com'))?.accountEnabled, false);
        assert.equal((await blocked.directory.getManager(sample.adele))?.accountEnabled, false);
        assert.equal((await blocked.directory.getUser(sample.patti))?.accountEnabled, true);
      } finally {
        await blocked.close();
      }
    });

    it('returns undefined for a user that does not exist', async () => {
      assert.equal(await fixture.directory.getUser('a1b2c3d4-0999-4000-8000-000000000999'), undefined);
    });

    it('finds a guest by address in one filtered request, whatever the case', async () => {
      const user = await fixture.directory.findUserByAddress('Sam.Rivera@NorthwindTraders.com');

      assert.equal(user?.id, sample.sam);
      assert.equal(user?.userType, 'Guest');
      assert.equal(user?.externalUserState, 'PendingAcceptance');
      assert.equal(fixture.simulator.requests.length, 1);
      assert.deepEqual(fixture.simulator.requests[0]?.query, {
        $filter: "mail eq 'Sam.Rivera@NorthwindTraders.com' or userPrincipalName eq 'Sam.Rivera@NorthwindTraders.com'",
        $select: 'id,displayName,mail,userPrincipalName,userType,externalUserState,externalUserStateChangeDateTime,preferredLanguage,accountEnabled',
      });
    });

    it("finds an address with a quote in it (O'Brien), quoting it as OData requires", async () => {
      const invited = await fixture.directory.invite({
        email: "dara.o'brien@partner.example",
        redirectUrl: 'https://myapps.microsoft.com/?tenantid=x',
        sendInvitationMessage: false,
        messageBody: 'Welcome',
      });

      const found = await fixture.directory.findUserByAddress("dara.o'brien@partner.example");

      assert.equal(found?.id, invited.invitedUserId);
      assert.equal(
        fixture.simulator.requests.at(-1)?.query.$filter,
        "mail eq 'dara.o''brien@partner.example' or userPrincipalName eq 'dara.o''brien@partner.example'",
      );
    });

    it('finds a guest by its #EXT# user principal name', async () => {
      const user = await fixture.directory.findUserByAddress('jordan.lee_fabrikam.com#EXT#@contoso.onmicrosoft.com');

      assert.equal(user?.id, sample.jordan);
      assert.equal(user?.externalUserState, 'Accepted');
    });

    it('returns undefined when no one has the address', async () => {
      assert.equal(await fixture.directory.findUserByAddress('nobody@partner.example'), undefined);
    });

    it("reads a member's manager", async () => {
      const manager = await fixture.directory.getManager(sample.adele);

      assert.equal(manager?.id, sample.megan);
      assert.equal(manager?.userType, 'Member');
    });

    it('returns undefined for someone without a manager', async () => {
      assert.equal(await fixture.directory.getManager(sample.patti), undefined);
    });
  });

  describe('invite', () => {
    const input = {
      email: 'alex.kim@partner.example',
      redirectUrl: `https://myapps.microsoft.com/?tenantid=${sample.tenantId}`,
      sendInvitationMessage: true,
      messageBody: 'Megan invited you to Project Falcon.',
    };

    it('sends exactly one POST /invitations with the body Graph expects', async () => {
      await fixture.directory.invite(input);

      const posts = fixture.simulator.requests.filter((request) => request.method === 'POST');
      assert.equal(posts.length, 1);
      assert.equal(posts[0]?.path, '/simulator/graph/v1.0/invitations');
      assert.deepEqual(posts[0]?.body, {
        invitedUserEmailAddress: 'alex.kim@partner.example',
        inviteRedirectUrl: `https://myapps.microsoft.com/?tenantid=${sample.tenantId}`,
        sendInvitationMessage: true,
        invitedUserMessageInfo: { customizedMessageBody: 'Megan invited you to Project Falcon.' },
      });
    });

    it('creates a pending guest and returns its redeem link on the simulator', async () => {
      const invitation = await fixture.directory.invite(input);

      assert.equal(invitation.status, 'PendingAcceptance');
      assert.ok(invitation.inviteRedeemUrl.startsWith(`${new URL(fixture.graphBaseUrl).origin}/simulator/redeem/`));
      const guest = fixture.simulator.getUser(invitation.invitedUserId);
      assert.equal(guest?.userType, 'Guest');
      assert.equal(guest?.externalUserState, 'PendingAcceptance');
      assert.equal(guest?.mail, 'alex.kim@partner.example');
      assert.equal(guest?.userPrincipalName, 'alex.kim_partner.example#EXT#@contoso.onmicrosoft.com');
    });

    it('returns the same guest when the address is invited again, with a fresh link', async () => {
      const first = await fixture.directory.invite(input);
      const second = await fixture.directory.invite(input);

      assert.equal(second.invitedUserId, first.invitedUserId);
      assert.notEqual(second.inviteRedeemUrl, first.inviteRedeemUrl);
      assert.equal(second.status, 'PendingAcceptance');
    });

    it('reports Completed for a guest who has already accepted', async () => {
      const invitation = await fixture.directory.invite({ ...input, email: sample.jordanMail });

      assert.equal(invitation.invitedUserId, sample.jordan);
      assert.equal(invitation.status, 'Completed');
    });

    it("refuses a member's address with a permanent DirectoryError", async () => {
      await assert.rejects(fixture.directory.invite({ ...input, email: 'adele.vance@contoso.com' }), (error: unknown) => {
        assert.ok(error instanceof DirectoryError);
        assert.equal(error.status, 400);
        assert.equal(error.code, 'BadRequest');
        assert.equal(error.transient, false);
        assert.match(error.message, /already exists in the directory/);
        return true;
      });
    });
  });

  describe('grant', () => {
    let guestId: string;

    beforeEach(async () => {
      guestId = await inviteNewGuest(fixture);
    });

    const grants = [
      { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      { kind: 'group', resourceId: 'partner-extranet', groupId: sample.extranetGroup },
      { kind: 'appRole', resourceId: 'expenses-app', servicePrincipalId: sample.expensesSp, appRoleId: sample.expensesRole },
      { kind: 'sponsor', sponsorId: sample.megan },
    ] as const;

    it('sends group memberships, the app role and the sponsor in one $batch', async () => {
      const outcomes = await fixture.directory.grant(guestId, grants);

      assert.deepEqual(
        outcomes.map((outcome) => outcome.result),
        ['granted', 'granted', 'granted', 'granted'],
      );
      const batches = batchRequests(fixture.simulator);
      assert.equal(batches.length, 1);
      assert.deepEqual(
        batches[0]?.batchItems?.map((item) => `${item.method} ${item.path}`),
        [
          `POST /groups/${sample.falconGroup}/members/$ref`,
          `POST /groups/${sample.extranetGroup}/members/$ref`,
          `POST /servicePrincipals/${sample.expensesSp}/appRoleAssignedTo`,
          `POST /users/${guestId}/sponsors/$ref`,
        ],
      );
      assert.deepEqual(batches[0]?.batchItems?.[0]?.body, {
        '@odata.id': `${fixture.graphBaseUrl}/v1.0/directoryObjects/${guestId}`,
      });
      assert.ok(fixture.simulator.groupMembers(sample.falconGroup).includes(guestId));
      assert.ok(fixture.simulator.groupMembers(sample.extranetGroup).includes(guestId));
      assert.deepEqual(
        fixture.simulator.appRoleAssignmentsOf(guestId).map((assignment) => assignment.appRoleId),
        [sample.expensesRole],
      );
      assert.deepEqual(fixture.simulator.sponsorsOf(guestId), [sample.megan]);
    });

    it('reports what was already there as alreadyPresent', async () => {
      await fixture.directory.grant(guestId, grants);

      const again = await fixture.directory.grant(guestId, grants);

      assert.deepEqual(
        again.map((outcome) => outcome.result),
        ['alreadyPresent', 'alreadyPresent', 'alreadyPresent', 'alreadyPresent'],
      );
      assert.equal(fixture.simulator.groupMembers(sample.falconGroup).filter((id) => id === guestId).length, 1);
    });

    it('reports a missing group as a permanent failure and still grants the rest', async () => {
      const outcomes = await fixture.directory.grant(guestId, [
        { kind: 'group', resourceId: 'gone', groupId: 'c0ffee00-0404-4000-8000-00000000c404' },
        { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      ]);

      assert.equal(outcomes[0]?.result, 'failed');
      assert.equal(outcomes[0]?.error?.status, 404);
      assert.equal(outcomes[0]?.error?.code, 'Request_ResourceNotFound');
      assert.equal(outcomes[0]?.error?.transient, false);
      assert.equal(outcomes[1]?.result, 'granted');
    });

    it('treats a 404 on the new guest itself as transient replication lag', async () => {
      const notYetReplicated = 'b7c8d9e0-0999-4000-8000-000000000999';

      const [outcome] = await fixture.directory.grant(notYetReplicated, [{ kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup }]);

      assert.equal(outcome?.result, 'failed');
      assert.equal(outcome?.error?.status, 404);
      assert.equal(outcome?.error?.transient, true);
    });

    it('refuses an app role the application does not define', async () => {
      const [outcome] = await fixture.directory.grant(guestId, [
        {
          kind: 'appRole',
          resourceId: 'expenses-app',
          servicePrincipalId: sample.expensesSp,
          appRoleId: 'e1e1e1e1-0404-4000-8000-00000000e404',
        },
      ]);

      assert.equal(outcome?.result, 'failed');
      assert.equal(outcome?.error?.status, 400);
      assert.equal(outcome?.error?.transient, false);
    });

    it('splits more than 20 grants into batches of 20', async () => {
      const many = Array.from({ length: 21 }, () => ({ kind: 'sponsor' as const, sponsorId: sample.megan }));

      const outcomes = await fixture.directory.grant(guestId, many);

      assert.deepEqual(
        batchRequests(fixture.simulator).map((batch) => batch.batchItems?.length),
        [20, 1],
      );
      assert.equal(outcomes.filter((outcome) => outcome.result === 'granted').length, 1);
      assert.equal(outcomes.filter((outcome) => outcome.result === 'alreadyPresent').length, 20);
    });
  });
});
