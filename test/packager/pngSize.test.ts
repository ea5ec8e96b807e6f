import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT as projectRoot } from '../../src/projectRoot';
import { readPngSize } from '../../src/packager/pngSize';

describe('app icons', () => {
  it('has a 192×192 colour icon and a 32×32 outline icon, as Teams requires', async () => {
    assert.deepEqual(await readPngSize(join(projectRoot, 'appPackage', 'color.png')), { width: 192, height: 192 });
    assert.deepEqual(await readPngSize(join(projectRoot, 'appPackage', 'outline.png')), { width: 32, height: 32 });
  });

  it('refuses a file that is not a PNG', async () => {
    await assert.rejects(readPngSize(join(projectRoot, 'appPackage', 'manifest.json')), /is not a PNG image/);
  });
});
