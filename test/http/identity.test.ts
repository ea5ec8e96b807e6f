/** Who is talking: an Entra object id the channel gives, or the local default user, and nothing malformed. */
import assert from 'node:assert/strict';
import { directoryUserIdOf } from '../../src/http/identity';

describe('identity', () => {
  const adele = 'a1b2c3d4-0001-4000-8000-000000000001';

  it('takes the Entra object id the channel gives, or the local default user when it gives none', () => {
    assert.equal(directoryUserIdOf({ from: { id: '29:x', name: '', aadObjectId: adele } }, undefined), adele);
    assert.equal(directoryUserIdOf({ from: { id: 'emulator', name: '' } }, adele), adele);
    assert.equal(directoryUserIdOf({ from: { id: 'emulator', name: '' } }, undefined), undefined);
  });

  it('gives nobody an identity for an aadObjectId that is no object id (a fuzzed lone surrogate made Graph calls fail)', () => {
    for (const bad of ['\ud800', '../users', 'adele', `${adele}x`]) {
      assert.equal(directoryUserIdOf({ from: { id: '29:x', name: '', aadObjectId: bad } }, adele), undefined, bad);
    }
  });
});
