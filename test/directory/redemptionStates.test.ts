import assert from 'node:assert/strict';
import { batchRequests, type DirectoryFixture, inviteNewGuest, startDirectoryFixture } from './directoryFixture';

describe('GraphDirectory reading where guests stand with their invitations', () => {
  let fixture: DirectoryFixture;
  beforeEach(async () => {
    fixture = await startDirectoryFixture();
  });
  afterEach(async () => fixture.close());

  it('asks about 40 guests in one round trip: a $batch of three `id in (…)` filters of up to 15', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) ids.push(await inviteNewGuest(fixture, `guest${n}@partner.example`));
    const redeemed = fixture.simulator.acceptInvitationAs(ids[7]);
    const before = fixture.simulator.requests.length;

    const states = await fixture.directory.redemptionStates(ids);

    const calls = fixture.simulator.requests.slice(before);
    assert.equal(calls.length, 1, 'one round trip');
    assert.deepEqual(
      batchRequests(fixture.simulator)
        .at(-1)
        ?.batchItems?.map((item) => item.method),
      ['GET', 'GET', 'GET'],
    );
    assert.equal(states.size, 40);
    assert.deepEqual(states.get(ids[7]), { state: 'Accepted', changedAt: redeemed });
    assert.equal(states.get(ids[8])?.state, 'PendingAcceptance');
  });

  it('leaves out guests whose part of the batch failed, to be asked about next time', async () => {
    const ids = [await inviteNewGuest(fixture, 'a@partner.example')];
    fixture.simulator.injectFault({ path: /^\/users$/, status: 503, retryAfterSeconds: 0, times: 1, inBatch: true });
    assert.equal((await fixture.directory.redemptionStates(ids)).size, 0);
    assert.equal((await fixture.directory.redemptionStates(ids)).size, 1);
  });
});
