import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { RevocableGrant } from '../../src/directory/directory';
import { loadSimulatorSeed } from '../../src/simulator';
import { batchRequests, type DirectoryFixture, inviteNewGuest, sample, startDirectoryFixture } from './directoryFixture';

const falcon = { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup } as const;
const extranet = { kind: 'group', resourceId: 'partner-extranet', groupId: sample.extranetGroup } as const;
const expenses = {
  kind: 'appRole',
  resourceId: 'expenses-app',
  servicePrincipalId: sample.expensesSp,
  appRoleId: sample.expensesRole,
} as const;

describe('GraphDirectory taking access away at the end of access', () => {
  let fixture: DirectoryFixture;
  let guestId: string;

  /** Runs `action` and returns how many HTTP requests it sent to the simulator: its round trips. */
  async function roundTrips(action: () => Promise<unknown>): Promise<number> {
    const before = fixture.simulator.requests.length;
    await action();
    return fixture.simulator.requests.length - before;
  }

  /** `METHOD path status` of every item of the `$batch`es sent since `from`, batch by batch. */
  function batchItemsSince(from: number): string[][] {
    return batchRequests(fixture.simulator)
      .slice(from)
      .map((batch) => (batch.batchItems ?? []).map((item) => `${item.method} ${item.path} ${item.status}`));
  }

  describe('with the sample tenant', () => {
    beforeEach(async () => {
      fixture = await startDirectoryFixture();
      guestId = await inviteNewGuest(fixture);
      await fixture.directory.grant(guestId, [falcon, extranet, expenses, { kind: 'sponsor', sponsorId: sample.megan }]);
    });

    afterEach(async () => {
      await fixture.close();
    });

    it('removes group memberships in one round trip, and nothing else', async () => {
      const batchesBefore = batchRequests(fixture.simulator).length;
      let outcomes: unknown;

      const trips = await roundTrips(async () => {
        outcomes = await fixture.directory.revoke(guestId, [falcon, extranet]);
      });

      assert.equal(trips, 1);
      assert.deepEqual(outcomes, [
        { grant: falcon, result: 'removed' },
        { grant: extranet, result: 'removed' },
      ]);
      assert.deepEqual(batchItemsSince(batchesBefore), [
        [`DELETE /groups/${sample.falconGroup}/members/${guestId}/$ref 204`, `DELETE /groups/${sample.extranetGroup}/members/${guestId}/$ref 204`],
      ]);
      assert.ok(!fixture.simulator.groupMembers(sample.falconGroup).includes(guestId));
      assert.ok(!fixture.simulator.groupMembers(sample.extranetGroup).includes(guestId));
      assert.equal(fixture.simulator.appRoleAssignmentsOf(guestId).length, 1, 'the app role was not asked for');
      assert.deepEqual(fixture.simulator.sponsorsOf(guestId), [sample.megan], 'the sponsor stays');
    });

    it("removes groups and an app role in two round trips, leaving other roles and others' assignments alone", async () => {
      const defaultAccess = { ...expenses, appRoleId: '00000000-0000-0000-0000-000000000000' };
      await fixture.directory.grant(guestId, [defaultAccess]);
      await fixture.directory.grant(sample.sam, [defaultAccess]);
      const assignment = fixture.simulator.appRoleAssignmentsOf(guestId).find((candidate) => candidate.appRoleId === defaultAccess.appRoleId);
      const batchesBefore = batchRequests(fixture.simulator).length;
      let outcomes: unknown;

      const trips = await roundTrips(async () => {
        outcomes = await fixture.directory.revoke(guestId, [falcon, defaultAccess, extranet]);
      });

      assert.equal(trips, 2);
      assert.deepEqual(outcomes, [
        { grant: falcon, result: 'removed' },
        { grant: defaultAccess, result: 'removed' },
        { grant: extranet, result: 'removed' },
      ]);
      assert.deepEqual(batchItemsSince(batchesBefore), [
        [
          `DELETE /groups/${sample.falconGroup}/members/${guestId}/$ref 204`,
          `DELETE /groups/${sample.extranetGroup}/members/${guestId}/$ref 204`,
          `GET /users/${guestId}/appRoleAssignments 200`,
        ],
        [`DELETE /servicePrincipals/${sample.expensesSp}/appRoleAssignedTo/${assignment?.id} 204`],
      ]);
      assert.deepEqual(
        fixture.simulator.appRoleAssignmentsOf(guestId).map((left) => left.appRoleId),
        [sample.expensesRole],
        'the role granted first, and not asked for, stays',
      );
      assert.equal(fixture.simulator.appRoleAssignmentsOf(sample.sam).length, 1);
      assert.deepEqual(fixture.simulator.sponsorsOf(guestId), [sample.megan]);
    });

    it('reports everything as alreadyAbsent the second time, in one round trip', async () => {
      await fixture.directory.revoke(guestId, [falcon, extranet, expenses]);
      let again: unknown;

      const trips = await roundTrips(async () => {
        again = await fixture.directory.revoke(guestId, [falcon, extranet, expenses]);
      });

      assert.deepEqual(again, [
        { grant: falcon, result: 'alreadyAbsent' },
        { grant: extranet, result: 'alreadyAbsent' },
        { grant: expenses, result: 'alreadyAbsent' },
      ]);
      assert.equal(trips, 1, 'no assignment matched, so nothing to delete');
    });

    it('reports everything as alreadyAbsent when the guest is gone', async () => {
      await fixture.directory.deleteUser(guestId);

      const outcomes = await fixture.directory.revoke(guestId, [falcon, expenses]);

      assert.deepEqual(
        outcomes.map((outcome) => outcome.result),
        ['alreadyAbsent', 'alreadyAbsent'],
      );
    });

    it('resends throttled items, in the listing round and the deletion round, until they are done', async () => {
      fixture.simulator.injectFault({ method: 'DELETE', path: /\/members\/.*\/\$ref$/, status: 429, retryAfterSeconds: 0, times: 1, inBatch: true });
      fixture.simulator.injectFault({ method: 'DELETE', path: /\/appRoleAssignedTo\//, status: 503, retryAfterSeconds: 0, times: 1, inBatch: true });
      const [assignment] = fixture.simulator.appRoleAssignmentsOf(guestId);
      const batchesBefore = batchRequests(fixture.simulator).length;

      const outcomes = await fixture.directory.revoke(guestId, [falcon, expenses]);

      assert.deepEqual(
        outcomes.map((outcome) => outcome.result),
        ['removed', 'removed'],
      );
      const deleteAssignment = `DELETE /servicePrincipals/${sample.expensesSp}/appRoleAssignedTo/${assignment?.id}`;
      assert.deepEqual(batchItemsSince(batchesBefore), [
        [`DELETE /groups/${sample.falconGroup}/members/${guestId}/$ref 429`, `GET /users/${guestId}/appRoleAssignments 200`],
        [`DELETE /groups/${sample.falconGroup}/members/${guestId}/$ref 204`],
        [`${deleteAssignment} 503`],
        [`${deleteAssignment} 204`],
      ]);
      assert.ok(!fixture.simulator.groupMembers(sample.falconGroup).includes(guestId));
      assert.deepEqual(fixture.simulator.appRoleAssignmentsOf(guestId), []);
    });

    it('fails the app roles, transiently, when the listing fails: none is called absent on a guess', async () => {
      fixture.simulator.injectFault({ method: 'GET', path: /\/appRoleAssignments$/, status: 500, times: 1, inBatch: true });

      const [group, role] = await fixture.directory.revoke(guestId, [falcon, expenses]);

      assert.equal(group?.result, 'removed');
      assert.deepEqual([role?.result, role?.error?.status, role?.error?.transient], ['failed', 500, true]);
      assert.equal(fixture.simulator.appRoleAssignmentsOf(guestId).length, 1);
    });

    it('sends nothing when there is nothing to take away', async () => {
      assert.equal(await roundTrips(() => fixture.directory.revoke(guestId, [])), 0);
    });
  });

  describe('with a second application, of 101 roles', () => {
    const manyRolesSp = 'd00dfeed-0002-4000-8000-00000000d002';
    const roleIds = Array.from({ length: 101 }, (_, n) => `e1e1e1e1-0002-4000-8000-${String(n).padStart(12, '0')}`);

    beforeEach(async () => {
      const seed = loadSimulatorSeed(join(__dirname, '../../../src/samples/directory.json'));
      const manyRoles = {
        id: manyRolesSp,
        displayName: 'Many roles',
        appRoles: roleIds.map((id, n) => ({ id, displayName: `Role ${n}`, value: `Role.${n}` })),
      };
      fixture = await startDirectoryFixture({ seed: { ...seed, servicePrincipals: [...seed.servicePrincipals, manyRoles] } });
      guestId = await inviteNewGuest(fixture);
    });

    afterEach(async () => {
      await fixture.close();
    });

    it('takes the default access role from the application named, not from another that has it too', async () => {
      const defaultAccessOf = (servicePrincipalId: string): RevocableGrant => ({
        kind: 'appRole',
        resourceId: servicePrincipalId,
        servicePrincipalId,
        appRoleId: '00000000-0000-0000-0000-000000000000',
      });
      await fixture.directory.grant(guestId, [defaultAccessOf(manyRolesSp), defaultAccessOf(sample.expensesSp)]);

      const [outcome] = await fixture.directory.revoke(guestId, [defaultAccessOf(sample.expensesSp)]);

      assert.equal(outcome?.result, 'removed');
      assert.deepEqual(
        fixture.simulator.appRoleAssignmentsOf(guestId).map((left) => left.resourceId),
        [manyRolesSp],
      );
    });

    it('reads every page of a long listing before calling an assignment absent', async () => {
      const grants: RevocableGrant[] = roleIds.map((appRoleId) => ({ kind: 'appRole', resourceId: 'many', servicePrincipalId: manyRolesSp, appRoleId }));
      await fixture.directory.grant(guestId, grants);
      const last = grants.slice(-1);
      let outcomes: unknown;

      const trips = await roundTrips(async () => {
        outcomes = await fixture.directory.revoke(guestId, last);
      });

      assert.deepEqual(outcomes, [{ grant: last[0], result: 'removed' }]);
      assert.equal(trips, 3, 'the listing, its second page, the deletion');
      assert.equal(fixture.simulator.requests.filter((request) => request.query.$skiptoken !== undefined).length, 1);
      assert.equal(fixture.simulator.appRoleAssignmentsOf(guestId).length, 100);
    });
  });
});
