import assert from 'node:assert/strict';
import { DirectoryError } from '../../src/directory/directory';
import { batchRequests, type DirectoryFixture, sample, startDirectoryFixture, inviteNewGuest } from './directoryFixture';

describe('GraphDirectory when Graph throttles', () => {
  let fixture: DirectoryFixture;
  let guestId: string;

  beforeEach(async () => {
    fixture = await startDirectoryFixture();
    guestId = await inviteNewGuest(fixture);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('lets the client retry a top-level 429 after its Retry-After, then succeeds', async () => {
    fixture.simulator.injectFault({ method: 'GET', path: /^\/users\/[^/]+$/, status: 429, retryAfterSeconds: 1, times: 1 });
    const before = fixture.simulator.requests.length;
    const started = Date.now();

    const user = await fixture.directory.getUser(sample.adele);

    assert.equal(user?.id, sample.adele);
    assert.equal(fixture.simulator.requests.length - before, 2);
    assert.ok(Date.now() - started >= 950, `retried after ${Date.now() - started} ms, before the 1 s Retry-After`);
  });

  it('resends only the throttled $batch item, in a second batch after its Retry-After', async () => {
    fixture.simulator.injectFault({ path: /\/members\/\$ref$/, status: 429, retryAfterSeconds: 1, times: 1, inBatch: true });
    const started = Date.now();

    const outcomes = await fixture.directory.grant(guestId, [
      { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      { kind: 'sponsor', sponsorId: sample.megan },
    ]);

    assert.deepEqual(
      outcomes.map((outcome) => outcome.result),
      ['granted', 'granted'],
    );
    const batches = batchRequests(fixture.simulator);
    assert.deepEqual(
      batches.map((batch) => batch.batchItems?.map((item) => `${item.path} ${item.status}`)),
      [[`/groups/${sample.falconGroup}/members/$ref 429`, `/users/${guestId}/sponsors/$ref 204`], [`/groups/${sample.falconGroup}/members/$ref 204`]],
    );
    assert.ok(Date.now() - started >= 950, `resent after ${Date.now() - started} ms, before the 1 s Retry-After`);
    assert.ok(fixture.simulator.groupMembers(sample.falconGroup).includes(guestId));
  });

  it('hands an item asked to wait long back to the job at once, with the wait, instead of resending it early', async () => {
    fixture.simulator.injectFault({ path: /\/members\/\$ref$/, status: 429, retryAfterSeconds: 120, times: 1, inBatch: true });
    const started = Date.now();

    const [group, sponsor] = await fixture.directory.grant(guestId, [
      { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      { kind: 'sponsor', sponsorId: sample.megan },
    ]);

    assert.ok(Date.now() - started < 5_000, 'did not hold the job for the wait');
    assert.equal(batchRequests(fixture.simulator).length, 1, 'not resent before its Retry-After');
    assert.deepEqual([group?.result, group?.error?.transient, group?.error?.retryAfterMs], ['failed', true, 120_000]);
    assert.equal(sponsor?.result, 'granted');
  });

  it('gives up on an item after three resends and reports it as a transient failure', async () => {
    fixture.simulator.injectFault({ path: /\/members\/\$ref$/, status: 503, retryAfterSeconds: 0, times: 10, inBatch: true });

    const [outcome] = await fixture.directory.grant(guestId, [{ kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup }]);

    assert.equal(batchRequests(fixture.simulator).length, 4);
    assert.equal(outcome?.result, 'failed');
    assert.ok(outcome?.error instanceof DirectoryError);
    assert.equal(outcome.error.status, 503);
    assert.equal(outcome.error.transient, true);
    assert.equal(outcome.error.retryAfterMs, 0);
    assert.ok(!fixture.simulator.groupMembers(sample.falconGroup).includes(guestId));
  });

  it('marks every grant failed, and transient, when the whole $batch keeps failing', async () => {
    fixture.simulator.injectFault({ path: /^\/\$batch$/, status: 503, retryAfterSeconds: 0, times: 10 });

    const outcomes = await fixture.directory.grant(guestId, [
      { kind: 'group', resourceId: 'falcon-team', groupId: sample.falconGroup },
      { kind: 'sponsor', sponsorId: sample.megan },
    ]);

    assert.deepEqual(
      outcomes.map((outcome) => [outcome.result, outcome.error?.status, outcome.error?.transient]),
      [
        ['failed', 503, true],
        ['failed', 503, true],
      ],
    );
    assert.deepEqual(fixture.simulator.sponsorsOf(guestId), []);
  });

  it('maps a top-level 500 to a transient DirectoryError', async () => {
    fixture.simulator.injectFault({ method: 'POST', path: /^\/invitations$/, status: 500, times: 1 });

    await assert.rejects(
      fixture.directory.invite({
        email: 'blake.doe@partner.example',
        redirectUrl: 'https://myapps.microsoft.com/',
        sendInvitationMessage: false,
        messageBody: 'Welcome',
      }),
      (error: unknown) => {
        assert.ok(error instanceof DirectoryError);
        assert.equal(error.status, 500);
        assert.equal(error.code, 'generalException');
        assert.equal(error.transient, true);
        return true;
      },
    );
  });
});
