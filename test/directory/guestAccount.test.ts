import assert from 'node:assert/strict';
import { DirectoryError } from '../../src/directory/directory';
import { type DirectoryFixture, inviteNewGuest, sample, startDirectoryFixture } from './directoryFixture';

describe("GraphDirectory blocking and deleting a guest's account", () => {
  let fixture: DirectoryFixture;
  let guestId: string;

  beforeEach(async () => {
    fixture = await startDirectoryFixture();
    guestId = await inviteNewGuest(fixture);
  });

  afterEach(async () => {
    await fixture.close();
  });

  /** What Graph answers for the user's `accountEnabled`, read over HTTP as any client would. */
  async function accountEnabled(userId: string): Promise<unknown> {
    const response = await fetch(`${fixture.graphBaseUrl}/v1.0/users/${userId}?$select=id,accountEnabled`);
    return ((await response.json()) as { accountEnabled?: unknown }).accountEnabled;
  }

  describe('disableUser', () => {
    it('blocks the guest’s sign-in with one PATCH of accountEnabled', async () => {
      assert.equal(await accountEnabled(guestId), true);
      const before = fixture.simulator.requests.length;

      await fixture.directory.disableUser(guestId);

      const sent = fixture.simulator.requests.slice(before);
      assert.deepEqual(
        sent.map((request) => [request.method, request.path, request.body, request.status]),
        [['PATCH', `/simulator/graph/v1.0/users/${guestId}`, { accountEnabled: false }, 204]],
      );
      assert.equal(await accountEnabled(guestId), false);
    });

    it('counts a guest already blocked, or already gone, as done', async () => {
      await fixture.directory.disableUser(guestId);
      await fixture.directory.disableUser(guestId);
      await fixture.directory.deleteUser(guestId);

      await fixture.directory.disableUser(guestId);

      assert.equal(fixture.simulator.requests.at(-1)?.status, 404);
    });

    it('reports a refusal as a permanent DirectoryError', async () => {
      await assert.rejects(fixture.directory.disableUser(sample.adele), (error: unknown) => {
        assert.ok(error instanceof DirectoryError);
        assert.deepEqual([error.status, error.code, error.transient], [403, 'Authorization_RequestDenied', false]);
        return true;
      });
      assert.equal(await accountEnabled(sample.adele), true);
    });
  });

  describe('deleteUser', () => {
    it('deletes the guest, and a second delete succeeds as well', async () => {
      await fixture.directory.deleteUser(guestId);
      assert.equal(await fixture.directory.getUser(guestId), undefined);

      await fixture.directory.deleteUser(guestId);

      const deletes = fixture.simulator.requests.filter((request) => request.method === 'DELETE');
      assert.deepEqual(
        deletes.map((request) => [request.path, request.status]),
        [
          [`/simulator/graph/v1.0/users/${guestId}`, 204],
          [`/simulator/graph/v1.0/users/${guestId}`, 404],
        ],
      );
    });

    it('reports an outage as a transient DirectoryError and leaves the guest in place', async () => {
      fixture.simulator.injectFault({ method: 'DELETE', path: /^\/users\//, status: 500, times: 1 });

      await assert.rejects(fixture.directory.deleteUser(guestId), (error: unknown) => {
        assert.ok(error instanceof DirectoryError);
        assert.deepEqual([error.status, error.transient], [500, true]);
        return true;
      });
      assert.equal((await fixture.directory.getUser(guestId))?.id, guestId);
    });
  });
});
