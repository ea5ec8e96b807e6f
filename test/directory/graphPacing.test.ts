/**
 * Graph's documented limits, met for real: the simulator throttles as Graph does when asked
 * (429 with `Retry-After` past 150 invitations in 5 s, `$batch` items one by one), and the bot's
 * Graph client paces below them, so a burst of invitations all goes through without a 429.
 */
import assert from 'node:assert/strict';
import { GRAPH_LIMITS, graphLimitsOf } from '../../src/pacing/graphLimits';
import { eventually } from '../support/eventually';
import { type DirectoryFixture, sample, startDirectoryFixture } from './directoryFixture';

function invitationBody(email: string) {
  return { invitedUserEmailAddress: email, inviteRedirectUrl: 'https://myapps.microsoft.com/', sendInvitationMessage: false };
}

describe('Graph’s documented limits', function () {
  this.timeout(60_000);
  let fixture: DirectoryFixture;
  afterEach(async () => fixture?.close());

  it('counts each call against the limits Microsoft lists for it', () => {
    // The invitation manager counts any operation on /invitations, and is not an identity resource.
    assert.deepEqual(graphLimitsOf('POST', '/invitations'), ['invitations']);
    assert.deepEqual(graphLimitsOf('GET', '/invitations'), ['invitations']);
    // Identity and access: writes on users, groups and service principals; reads and read-only actions are free of the write quota.
    assert.deepEqual(graphLimitsOf('POST', '/groups/g/members/$ref'), ['directoryWrites']);
    assert.deepEqual(graphLimitsOf('POST', '/servicePrincipals/s/appRoleAssignedTo'), ['directoryWrites']);
    assert.deepEqual(graphLimitsOf('DELETE', '/users/u'), ['directoryWrites']);
    assert.deepEqual(graphLimitsOf('GET', '/users?$filter=x'), []);
    assert.deepEqual(graphLimitsOf('POST', '/users/u/checkMemberGroups'), []);
    // Teams installs are Teams' own service.
    assert.deepEqual(graphLimitsOf('POST', '/users/u/teamwork/installedApps'), []);
  });

  describe('in the simulator, with SIMULATOR_RATE_LIMITS', () => {
    beforeEach(async () => {
      fixture = await startDirectoryFixture({ rateLimits: true });
    });

    it('answers the 151st invitation in 5 seconds with 429 and a Retry-After, as Graph does', async () => {
      const post = (i: number) =>
        fetch(`${fixture.graphBaseUrl}/v1.0/invitations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(invitationBody(`burst${i}@partner.example`)),
        });
      const answers = [];
      for (let i = 0; i < 151; i++) answers.push(await post(i));
      assert.deepEqual(
        answers.slice(0, 150).filter((a) => a.status !== 201),
        [],
      );
      const refused = answers[150];
      assert.equal(refused.status, 429);
      assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'TooManyRequests');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(retryAfter >= 1 && retryAfter <= 5, `Retry-After: ${retryAfter}`);
      // Reads are not invitations: they still go.
      assert.equal((await fetch(`${fixture.graphBaseUrl}/v1.0/users/${sample.adele}`)).status, 200);
    });

    it('throttles `$batch` items one by one: a batch answered 200 holds the 429s', async () => {
      const limit = GRAPH_LIMITS.invitations[0].max;
      const requests = Array.from({ length: 20 }, (_, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: '/invitations',
        headers: { 'Content-Type': 'application/json' },
        body: invitationBody(`item${i}@partner.example`),
      }));
      const statuses: number[] = [];
      // Eight batches of 20: 160 invitations, ten more than the limit.
      for (let sent = 0; sent < 160; sent += 20) {
        const answer = await fetch(`${fixture.graphBaseUrl}/v1.0/$batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ requests: requests.map((r) => ({ ...r, body: invitationBody(`b${sent}-${r.id}@partner.example`) })) }),
        });
        assert.equal(answer.status, 200);
        const { responses } = (await answer.json()) as { responses: { status: number; headers: Record<string, string> }[] };
        statuses.push(...responses.map((r) => r.status));
        for (const r of responses.filter((item) => item.status === 429)) assert.ok(Number(r.headers['Retry-After']) >= 1);
      }
      assert.equal(statuses.filter((s) => s === 201).length, limit);
      assert.equal(statuses.filter((s) => s === 429).length, 160 - limit);
    });
  });

  describe('through the bot’s Graph client', () => {
    beforeEach(async () => {
      fixture = await startDirectoryFixture({ rateLimits: true });
    });

    it('paces 200 invitations at once below the limit: every one goes through, none answered 429', async () => {
      const started = Date.now();
      const invitations = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          fixture.directory.invite({
            email: `paced${i}@partner.example`,
            redirectUrl: 'https://myapps.microsoft.com/',
            sendInvitationMessage: false,
            messageBody: 'Welcome',
          }),
        ),
      );
      assert.equal(new Set(invitations.map((i) => i.invitedUserId)).size, 200);
      const posted = fixture.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'));
      assert.deepEqual(
        posted.filter((r) => r.status === 429).map((r) => r.receivedAt),
        [],
        'no invitation answered 429',
      );
      assert.equal(posted.length, 200, 'each sent once');
      // The limit lets 150 through in 5 s; 200 needed the next window.
      assert.ok(Date.now() - started >= 5_000, `took ${Date.now() - started} ms`);
    });

    it('holds every invitation behind a 429 for its Retry-After, not just the one refused', async () => {
      fixture.simulator.injectFault({ method: 'POST', path: /^\/invitations$/, status: 429, retryAfterSeconds: 1, times: 1 });
      const invite = (email: string) =>
        fixture.directory.invite({ email, redirectUrl: 'https://myapps.microsoft.com/', sendInvitationMessage: false, messageBody: 'Welcome' });
      const first = invite('first@partner.example');
      const refused = await eventually(() => fixture.simulator.requests.find((r) => r.status === 429), 'the first invitation refused');
      await Promise.all([first, invite('second@partner.example')]);
      const second = fixture.simulator.requests.find((r) => JSON.stringify(r.body ?? '').includes('second@partner.example'));
      assert.ok((second?.receivedAt ?? 0) - refused.receivedAt >= 1_000, `sent ${(second?.receivedAt ?? 0) - refused.receivedAt} ms after the 429`);
    });
  });
});
