/** Group membership, as the admin check asks it: one `checkMemberGroups` call, over real HTTP to the simulator. */
import assert from 'node:assert/strict';
import { type DirectoryFixture, sample, startDirectoryFixture } from './directoryFixture';

describe('GraphDirectory.isMemberOf against the simulator', () => {
  let fixture: DirectoryFixture;
  before(async () => {
    fixture = await startDirectoryFixture();
  });
  after(async () => fixture.close());

  it('says yes for a member and no for anyone else, in one call each', async () => {
    const start = fixture.simulator.requests.length;
    assert.equal(await fixture.directory.isMemberOf(sample.adele, sample.falconGroup), true);
    assert.equal(await fixture.directory.isMemberOf(sample.patti, sample.falconGroup), false);
    const calls = fixture.simulator.requests.slice(start);
    assert.deepEqual(
      calls.map((c) => [c.method, c.path.replace(/^.*\/v1\.0/, ''), c.body]),
      [
        ['POST', `/users/${sample.adele}/checkMemberGroups`, { groupIds: [sample.falconGroup] }],
        ['POST', `/users/${sample.patti}/checkMemberGroups`, { groupIds: [sample.falconGroup] }],
      ],
    );
  });

  it('refuses a body without groupIds as Graph does', async () => {
    const answer = await fetch(`${fixture.graphBaseUrl}/v1.0/users/${sample.adele}/checkMemberGroups`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(answer.status, 400);
  });
});
