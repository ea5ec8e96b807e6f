import assert from 'node:assert/strict';
import { OperatorError } from '../../src/operatorError';
import { loadBundledSchemas, unicodeSafePattern } from '../../src/packager/bundledSchemas';

describe('bundled Teams schemas', () => {
  it('escapes a lone closing bracket so the pattern compiles with the u flag, meaning the same', () => {
    const published = '^activities.activityTypes\\[\\b([0-9]|[1-8][0-9])\\b]\\.description$';
    assert.throws(() => new RegExp(published, 'u'));
    const safe = new RegExp(unicodeSafePattern(published), 'u');
    for (const key of ['activities.activityTypes[7].description', 'activities.activityTypes[42].description', 'activities.activityTypes[x].description']) {
      assert.equal(safe.test(key), new RegExp(published).test(key), key);
    }
  });

  it('leaves patterns that already compile untouched', () => {
    const pattern = '^bots\\[0\\]\\.commandLists\\[[0-2]\\]\\.commands\\[([0-9]|1[0-1])\\]\\.title$';
    assert.equal(unicodeSafePattern(pattern), pattern);
  });

  it('names the versions it has when the manifest asks for one it does not', () => {
    assert.throws(
      () => loadBundledSchemas('9.99'),
      (error: unknown) => error instanceof OperatorError && /manifestVersion "9\.99".*1\.24/.test(error.message),
    );
  });
});
