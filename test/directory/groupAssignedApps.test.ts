/**
 * Apps assigned to groups, as the simulator models them and as Graph behaves: a direct member has
 * the group's app role, and `GET /users/{id}/appRoleAssignments` lists it beside the user's own.
 * Deleting that entry would take the app from every member of the group, so taking away a role the
 * bot assigned must delete the guest's own assignment and never the group's.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SAMPLE_DIRECTORY_FILE } from '../../src/config';
import { parseSimulatorSeed } from '../../src/simulator';
import { batchRequests, type DirectoryFixture, inviteNewGuest, sample, startDirectoryFixture } from './directoryFixture';

const expensesGroup = 'c0ffee00-0004-4000-8000-00000000c004';
const directExpenses = { kind: 'appRole', resourceId: 'expenses-direct', servicePrincipalId: sample.expensesSp, appRoleId: sample.expensesRole } as const;
const expensesThroughGroup = { kind: 'group', resourceId: 'expenses-app', groupId: expensesGroup } as const;

interface Listed {
  id: string;
  principalId: string;
  principalType: string;
  resourceId: string;
  appRoleId: string;
}

describe('apps assigned to groups, in the simulated directory', () => {
  let fixture: DirectoryFixture;
  let guest: string;
  const listing = async (userId: string) =>
    ((await (await fetch(`${fixture.graphBaseUrl}/v1.0/users/${userId}/appRoleAssignments`)).json()) as { value: Listed[] }).value;

  beforeEach(async () => {
    fixture = await startDirectoryFixture();
    guest = await inviteNewGuest(fixture);
  });
  afterEach(async () => fixture.close());

  it("lists a group's app role among a direct member's assignments, as Graph does, and only while they are a member", async () => {
    assert.deepEqual(await listing(guest), []);
    await fixture.directory.grant(guest, [expensesThroughGroup]);
    const [throughGroup] = await listing(guest);
    assert.deepEqual(
      {
        principalId: throughGroup?.principalId,
        principalType: throughGroup?.principalType,
        resourceId: throughGroup?.resourceId,
        appRoleId: throughGroup?.appRoleId,
      },
      { principalId: expensesGroup, principalType: 'Group', resourceId: sample.expensesSp, appRoleId: sample.expensesRole },
    );
    await fixture.directory.revoke(guest, [expensesThroughGroup]);
    assert.deepEqual(await listing(guest), []);
  });

  it("takes away a role the bot assigned and leaves the same role, given by the guest's group, alone", async () => {
    await fixture.directory.grant(guest, [directExpenses, expensesThroughGroup]);
    const before = await listing(guest);
    assert.deepEqual(before.map((assignment) => assignment.principalType).sort(), ['Group', 'User'], "the same role twice: the guest's own and the group's");
    const own = before.find((assignment) => assignment.principalType === 'User') as Listed;
    const group = before.find((assignment) => assignment.principalType === 'Group') as Listed;
    const batches = batchRequests(fixture.simulator).length;

    assert.deepEqual(await fixture.directory.revoke(guest, [directExpenses]), [{ grant: directExpenses, result: 'removed' }]);

    const deletions = batchRequests(fixture.simulator)
      .slice(batches)
      .flatMap((batch) => batch.batchItems ?? [])
      .filter((item) => item.method === 'DELETE')
      .map((item) => item.path);
    assert.deepEqual(deletions, [`/servicePrincipals/${sample.expensesSp}/appRoleAssignedTo/${own.id}`]);
    assert.deepEqual(await listing(guest), [group], 'the group still gives the guest the app');
  });

  it('names a group assignment that points at no group or at a role the app does not have', () => {
    const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as { servicePrincipals: Array<{ groupAssignments?: unknown[] }> };
    seed.servicePrincipals[0].groupAssignments = [
      { groupId: 'c0ffee00-0999-4000-8000-00000000c999', appRoleId: sample.expensesRole },
      { groupId: expensesGroup, appRoleId: 'e1e1e1e1-0999-4000-8000-00000000e999' },
    ];
    assert.throws(
      () => parseSimulatorSeed(seed, 'test seed'),
      /servicePrincipals\[0\]\.groupAssignments\[0\]\.groupId: no group has id 'c0ffee00-0999-4000-8000-00000000c999'; servicePrincipals\[0\]\.groupAssignments\[1\]\.appRoleId: 'Contoso Expenses' has no app role 'e1e1e1e1-0999-4000-8000-00000000e999'/,
    );
  });
});
