/**
 * GraphDirectory reading guests' last successful sign-in (`signInActivity`) over HTTP against the
 * simulator: the same batched `id in (…)` read as the redemption states, a guest who never signed
 * in, and Graph's 403s (no Entra ID P1, no AuditLog.Read.All) failing the read rather than leaving
 * guests out.
 */
import assert from 'node:assert/strict';
import { DirectoryError } from '../../src/directory/directory';
import { batchRequests, type DirectoryFixture, inviteNewGuest, startDirectoryFixture } from './directoryFixture';

describe("GraphDirectory reading guests' last sign-in", () => {
  let fixture: DirectoryFixture;
  beforeEach(async () => {
    fixture = await startDirectoryFixture();
  });
  afterEach(async () => fixture.close());

  it('reads 40 guests in one round trip, with $select=id,signInActivity, and tells one who never signed in', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push(await inviteNewGuest(fixture, `guest${n}@partner.example`));
    const accepted = fixture.simulator.acceptInvitationAs(ids[3]);
    fixture.simulator.setLastSignIn(ids[9], '2026-01-02T03:04:05Z');
    const before = fixture.simulator.requests.length;

    const readings = await fixture.directory.lastSignIns(ids);

    assert.equal(fixture.simulator.requests.length - before, 1, 'one round trip');
    const items = batchRequests(fixture.simulator).at(-1)?.batchItems ?? [];
    assert.equal(items.length, 3);
    assert.ok(items.every((item) => item.query.$select === 'id,signInActivity'));
    assert.equal(readings.size, 40);
    assert.deepEqual(readings.get(ids[3]), { lastSuccessfulSignInAt: accepted }, 'accepting is a sign-in');
    assert.deepEqual(readings.get(ids[9]), { lastSuccessfulSignInAt: '2026-01-02T03:04:05Z' });
    assert.deepEqual(readings.get(ids[8]), {}, 'never signed in');
  });

  for (const [why, refuse, code] of [
    ['without Microsoft Entra ID P1', (f: DirectoryFixture) => f.simulator.setEntraIdP1(false), 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'],
    [
      'without AuditLog.Read.All',
      (f: DirectoryFixture) => f.simulator.injectFault({ path: /^\/users$/, status: 403, times: 1, inBatch: true }),
      'Authorization_RequestDenied',
    ],
  ] as const) {
    it(`fails the whole read with Graph's 403 ${why}`, async () => {
      const ids = [await inviteNewGuest(fixture, 'a@partner.example')];
      refuse(fixture);
      await assert.rejects(
        fixture.directory.lastSignIns(ids),
        (error: unknown) => error instanceof DirectoryError && error.status === 403 && error.code === code,
      );
      // The redemption states read the same way leave such a refusal out instead, as before.
      if (code === 'Authentication_RequestFromNonPremiumTenantOrB2CTenant') assert.equal((await fixture.directory.redemptionStates(ids)).size, 1);
    });
  }

  it('leaves out guests whose part of the batch was throttled, to be read next time', async () => {
    const ids = [await inviteNewGuest(fixture, 'a@partner.example')];
    fixture.simulator.injectFault({ path: /^\/users$/, status: 503, retryAfterSeconds: 0, times: 1, inBatch: true });
    assert.equal((await fixture.directory.lastSignIns(ids)).size, 0);
    assert.equal((await fixture.directory.lastSignIns(ids)).size, 1);
  });
});
