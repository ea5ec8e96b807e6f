/**
 * `npm start` with settings that would put a real tenant at risk: the process refuses to start,
 * exits 1, and says which setting to change, before it listens on anything.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ENTRY = resolve(__dirname, '../src/index.js');
const APP = {
  MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
  MicrosoftAppPassword: 'secret',
  MicrosoftAppTenantId: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
};
const TENANT = { AZURE_TENANT_ID: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f' };

describe('start-up with unsafe settings', function () {
  this.timeout(20_000);
  let cwd: string;
  before(() => {
    // An empty working folder: no .env of the developer's is read.
    cwd = mkdtempSync(join(tmpdir(), 'guest-access-startup-'));
  });
  after(() => rmSync(cwd, { recursive: true, force: true }));

  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, [ENTRY], {
      cwd,
      env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: ':memory:', ...env },
      encoding: 'utf8',
      timeout: 15_000,
    });

  const refused: [string, Record<string, string>, RegExp[]][] = [
    [
      'unauthenticated on Microsoft Graph',
      { DIRECTORY_MODE: 'graph', AZURE_CLIENT_ID: 'graph-app', AZURE_CLIENT_SECRET: 's', ...TENANT },
      [/MicrosoftAppId is empty/],
    ],
    ['unauthenticated with Graph credentials only', { AZURE_CLIENT_ID: 'graph-app', AZURE_CLIENT_SECRET: 's', ...TENANT }, [/MicrosoftAppId is empty/]],
    [
      'unauthenticated with a Graph URL off this machine',
      { GRAPH_BASE_URL: 'https://graph.microsoft.com' },
      [/MicrosoftAppId is empty/, /GRAPH_BASE_URL=https:\/\/graph\.microsoft\.com/],
    ],
    [
      'unauthenticated on a PostgreSQL off this machine',
      { DATABASE_URL: 'postgres://bot:s3cret@db.contoso.com/guests' },
      [/DATABASE_URL names a PostgreSQL server on db\.contoso\.com, but MicrosoftAppId is empty/, /^(?![\s\S]*s3cret)/],
    ],
    ['authenticated on the simulator', { ...APP, DIRECTORY_MODE: 'simulator' }, [/DIRECTORY_MODE=simulator cannot be used with MicrosoftAppId set/]],
    ['authenticated without saying which tenant', { ...APP }, [/AZURE_TENANT_ID must name your tenant/]],
  ];
  for (const [label, env, messages] of refused) {
    it(`refuses to start ${label}, exits 1 and names the setting`, () => {
      const result = start(env);
      assert.equal(result.status, 1, `exit code; output:\n${result.stdout}${result.stderr}`);
      for (const message of messages) assert.match(result.stderr, message);
      assert.match(result.stderr, /Fix the settings above in \.env or the environment/);
      assert.doesNotMatch(result.stdout, /listening/);
    });
  }

  it('says the Playground connects next when npm run playground started it, and prints no deprecation warning', async () => {
    const bot = spawn(process.execPath, [ENTRY], {
      cwd,
      env: { PATH: process.env.PATH, PORT: '0', DATABASE_URL: ':memory:', GUEST_ACCESS_LAUNCHED_BY_PLAYGROUND: '1' },
    });
    let output = '';
    bot.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 15_000;
      while (!output.includes('listening') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.match(output, /UNAUTHENTICATED because MicrosoftAppId is empty: only this machine can reach it\. The Agents Playground connects to it next\./);
      assert.doesNotMatch(output, /run npm run playground|DEP0111/);
    } finally {
      bot.kill('SIGKILL');
    }
  });
});
