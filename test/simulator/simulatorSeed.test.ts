import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSimulatorSeed } from '../../src/simulator';

const sampleFile = join(__dirname, '../../../src/samples/directory.json');

describe('loadSimulatorSeed', () => {
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'simulator-seed-'));
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  function writeSeed(change: (seed: Record<string, unknown>) => void): string {
    const seed = JSON.parse(readFileSync(sampleFile, 'utf8')) as Record<string, unknown>;
    change(seed);
    const file = join(folder, 'seed.json');
    writeFileSync(file, JSON.stringify(seed));
    return file;
  }

  it('loads the sample directory', () => {
    const seed = loadSimulatorSeed(sampleFile);

    assert.equal(seed.tenant.displayName, 'Contoso');
    assert.equal(seed.users.length, 8);
  });

  it('names the file and the field when a manager does not exist', () => {
    const file = writeSeed((seed) => {
      const [first] = seed.users as Array<Record<string, unknown>>;
      assert.ok(first);
      first.managerId = 'a1b2c3d4-0999-4000-8000-000000000999';
    });

    assert.throws(
      () => loadSimulatorSeed(file),
      (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.ok(error.message.includes(file));
        assert.match(error.message, /users\[0\]\.managerId: no user has id 'a1b2c3d4-0999/);
        return true;
      },
    );
  });

  it('names the field when a value has the wrong shape', () => {
    const file = writeSeed((seed) => {
      (seed.tenant as Record<string, unknown>).verifiedDomains = [];
    });

    assert.throws(() => loadSimulatorSeed(file), /tenant\.verifiedDomains/);
  });

  it('names the file when it is not JSON', () => {
    const file = join(folder, 'broken.json');
    writeFileSync(file, '{ "tenant": ');

    assert.throws(() => loadSimulatorSeed(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not valid JSON`));
  });
});
