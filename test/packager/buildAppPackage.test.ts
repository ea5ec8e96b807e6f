import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { OperatorError } from '../../src/operatorError';
import { buildAppPackage } from '../../src/packager/buildAppPackage';
import { PROJECT_ROOT as projectRoot } from '../../src/projectRoot';

const BOT = '11111111-2222-4333-8444-555555555555';
const APP = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const sourceDir = join(projectRoot, 'appPackage');

describe('building the Teams app package', () => {
  let tempDir: string;
  beforeEach(() => {
    tempDir = mkdtempSync(join(tmpdir(), 'app-package-'));
  });
  afterEach(() => {
    rmSync(tempDir, { recursive: true, force: true });
  });

  it('zips exactly the manifest, the Spanish strings and both icons, with the ids filled in', async () => {
    const outputFile = join(tempDir, 'nested', 'appPackage.zip');
    assert.equal(await buildAppPackage({ sourceDir, outputFile, env: { MicrosoftAppId: BOT, TEAMS_APP_ID: APP } }), outputFile);

    const zip = new AdmZip(outputFile);
    assert.deepEqual(
      zip
        .getEntries()
        .map((entry) => entry.entryName)
        .sort(),
      ['color.png', 'es.json', 'manifest.json', 'outline.png'],
    );
    const manifest = JSON.parse(zip.readAsText('manifest.json')) as { id: string; bots: { botId: string }[] };
    assert.equal(manifest.id, APP);
    assert.equal(manifest.bots[0].botId, BOT);
    assert.doesNotMatch(zip.readAsText('manifest.json'), /\$\{\{/);
  });

  it('names the Graph identity (AZURE_CLIENT_ID) in webApplicationInfo, so Graph lets the app install itself for sponsors', async () => {
    const graph = '7a1c2b3d-0000-4000-8000-00000000abcd';
    const outputFile = join(tempDir, 'appPackage.zip');
    await buildAppPackage({ sourceDir, outputFile, env: { MicrosoftAppId: BOT, TEAMS_APP_ID: APP, AZURE_CLIENT_ID: graph } });
    const manifest = JSON.parse(new AdmZip(outputFile).readAsText('manifest.json')) as { id: string; webApplicationInfo?: unknown };
    assert.deepEqual(manifest.webApplicationInfo, { id: graph, resource: `api://${graph}` });
    assert.equal(manifest.id, APP);
  });

  it('leaves webApplicationInfo out without AZURE_CLIENT_ID, and refuses one that is not a GUID', async () => {
    const outputFile = join(tempDir, 'appPackage.zip');
    await buildAppPackage({ sourceDir, outputFile, env: { MicrosoftAppId: BOT } });
    assert.equal((JSON.parse(new AdmZip(outputFile).readAsText('manifest.json')) as { webApplicationInfo?: unknown }).webApplicationInfo, undefined);
    await assert.rejects(
      buildAppPackage({ sourceDir, outputFile, env: { MicrosoftAppId: BOT, AZURE_CLIENT_ID: 'graph-app' } }),
      /AZURE_CLIENT_ID must be the client id/,
    );
  });

  it('refuses an empty MicrosoftAppId, naming the setting, and writes nothing', async () => {
    const outputFile = join(tempDir, 'appPackage.zip');
    await assert.rejects(buildAppPackage({ sourceDir, outputFile, env: { MicrosoftAppId: '' } }), /MicrosoftAppId/);
    assert.equal(existsSync(outputFile), false);
  });

  it('reports an icon of the wrong size and writes nothing', async () => {
    const copy = join(tempDir, 'appPackage');
    cpSync(sourceDir, copy, { recursive: true, filter: (path) => !path.startsWith(join(sourceDir, 'build')) });
    copyFileSync(join(copy, 'color.png'), join(copy, 'outline.png'));
    const outputFile = join(tempDir, 'appPackage.zip');

    await assert.rejects(
      buildAppPackage({ sourceDir: copy, outputFile, env: { MicrosoftAppId: BOT } }),
      (error: unknown) => error instanceof OperatorError && error.problems.includes('icons.outline: outline.png is 192×192 pixels; Teams requires 32×32.'),
    );
    assert.equal(existsSync(outputFile), false);
  });

  it('npm run package exits 1 with the MicrosoftAppId message when the setting is empty', () => {
    const result = spawnSync(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'packageCli.js')], {
      env: { ...process.env, MicrosoftAppId: '' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^MicrosoftAppId must be the bot's Microsoft App ID \(a GUID\)/);
    assert.match(result.stderr, /Set MicrosoftAppId in \.env at the project root or in the environment/);
  });
});
