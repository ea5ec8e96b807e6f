import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { startDirectorySimulator } from '../../src/simulator';
import { sample, startDirectoryFixture } from '../directory/directoryFixture';

describe('directory simulator state file', () => {
  let folder: string;
  let stateFile: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'directory-simulator-'));
    stateFile = join(folder, 'nested', 'directory-state.json');
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps invited guests, their state and their access across a restart', async () => {
    const first = await startDirectoryFixture({ stateFile });
    const invitation = await first.directory.invite({
      email: 'alex.kim@partner.example',
      redirectUrl: 'https://myapps.microsoft.com/',
      sendInvitationMessage: false,
      messageBody: 'Welcome',
    });
    const guestId = invitation.invitedUserId;
    await first.directory.grant(guestId, [
      { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      { kind: 'appRole', resourceId: 'expenses-app', servicePrincipalId: sample.expensesSp, appRoleId: sample.expensesRole },
      { kind: 'sponsor', sponsorId: sample.megan },
    ]);
    await redeemInBrowser(invitation.inviteRedeemUrl);
    await first.close();
    assert.ok(existsSync(stateFile));
    assert.deepEqual(readdirSync(join(folder, 'nested')), ['directory-state.json']);

    const second = await startDirectoryFixture({ stateFile });
    try {
      const guest = await second.directory.findUserByAddress('alex.kim@partner.example');
      assert.equal(guest?.id, guestId);
      assert.equal(guest?.externalUserState, 'Accepted');
      assert.ok(second.simulator.groupMembers(sample.falconGroup).includes(guestId));
      assert.deepEqual(second.simulator.sponsorsOf(guestId), [sample.megan]);
      assert.equal(second.simulator.appRoleAssignmentsOf(guestId).length, 1);
      const reinvited = await second.directory.invite({
        email: 'alex.kim@partner.example',
        redirectUrl: 'https://myapps.microsoft.com/',
        sendInvitationMessage: false,
        messageBody: 'Welcome back',
      });
      assert.equal(reinvited.status, 'Completed');
    } finally {
      await second.close();
    }
  });

  it("keeps a guest's blocked sign-in across a restart, and reads a file from before sign-in could be blocked", async () => {
    const first = await startDirectoryFixture({ stateFile });
    const blocked = (
      await first.directory.invite({
        email: 'alex.kim@partner.example',
        redirectUrl: 'https://myapps.microsoft.com/',
        sendInvitationMessage: false,
        messageBody: 'Welcome',
      })
    ).invitedUserId;
    const untouched = (
      await first.directory.invite({
        email: 'blake.doe@partner.example',
        redirectUrl: 'https://myapps.microsoft.com/',
        sendInvitationMessage: false,
        messageBody: 'Welcome',
      })
    ).invitedUserId;
    await first.directory.disableUser(blocked);
    await first.close();
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { users: Array<{ id: string; accountEnabled?: boolean }> };
    assert.equal(saved.users.find((user) => user.id === blocked)?.accountEnabled, false);
    assert.ok(
      saved.users.some((user) => user.id === untouched && !('accountEnabled' in user)),
      'written as before',
    );

    const second = await startDirectoryFixture({ stateFile });
    try {
      const enabled = async (id: string): Promise<unknown> =>
        ((await (await fetch(`${second.graphBaseUrl}/v1.0/users/${id}?$select=accountEnabled`)).json()) as { accountEnabled?: unknown }).accountEnabled;
      assert.equal(await enabled(blocked), false);
      assert.equal(await enabled(untouched), true);
    } finally {
      await second.close();
    }
  });

  it('starts from the seed when the file does not exist yet, and leaves it alone until something changes', async () => {
    const started = await startDirectorySimulator({ stateFile });
    try {
      assert.equal(started.simulator.getUser(sample.sam)?.externalUserState, 'PendingAcceptance');
      assert.equal(existsSync(stateFile), false);
    } finally {
      await started.close();
    }
  });

  it('refuses a damaged state file, naming it', async () => {
    writeFileSync(join(folder, 'broken.json'), '{ "version": 1, "users": "nope" }');

    await assert.rejects(startDirectorySimulator({ stateFile: join(folder, 'broken.json') }), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.ok(error.message.includes(join(folder, 'broken.json')));
      assert.match(error.message, /users/);
      return true;
    });
  });
});
