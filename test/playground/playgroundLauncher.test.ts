import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OperatorError } from '../../src/operatorError';
import { loadConfig } from '../../src/config';
import { assertPlaygroundCanConnect, launchPlayground, type LaunchPlaygroundOptions } from '../../src/playground/playgroundLauncher';
import { freePort } from '../../src/server';

/** A bot that answers /healthz on PORT and runs until stopped. */
const HEALTHY_BOT = `
require('node:http').createServer((req, res) => { res.statusCode = req.url === '/healthz' ? 200 : 404; res.end(); })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;
/** A Playground that records its arguments and exits with PLAYGROUND_EXIT_CODE, or runs until stopped. */
const PLAYGROUND = `
require('node:fs').writeFileSync(process.env.PLAYGROUND_ARGS_FILE, JSON.stringify(process.argv.slice(2)));
if (process.env.PLAYGROUND_EXIT_CODE) process.exit(Number(process.env.PLAYGROUND_EXIT_CODE));
setInterval(() => {}, 1000);
`;

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('npm run playground', () => {
  let dir: string;
  let options: LaunchPlaygroundOptions;
  let argsFile: string;
  let port: number;

  const script = (name: string, source: string): string => {
    const file = join(dir, name);
    writeFileSync(file, source);
    return file;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playground-'));
    argsFile = join(dir, 'args.json');
    port = await freePort();
    options = {
      cwd: dir,
      env: { ...process.env, MicrosoftAppId: '', PORT: String(port), PLAYGROUND_ARGS_FILE: argsFile },
      port,
      botEntry: script('bot.js', HEALTHY_BOT),
      playgroundCli: script('playground.js', PLAYGROUND),
      healthTimeoutMs: 5000,
    };
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the Playground against the healthy bot on PORT, and stops the bot when the Playground exits', async () => {
    options.env.PLAYGROUND_EXIT_CODE = '3';
    const running = launchPlayground(options);

    assert.equal(await running.exited, 3);
    assert.deepEqual(JSON.parse(readFileSync(argsFile, 'utf8')), [
      '--app-endpoint',
      `http://127.0.0.1:${port}/api/messages`,
      '--channel-id',
      'msteams',
      '--disable-telemetry',
    ]);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the bot is still running');
  });

  it('stops both processes when asked to, as on Ctrl+C', async () => {
    const running = launchPlayground(options);
    await until(() => existsSync(argsFile));

    running.stop('SIGTERM');

    assert.ok((await running.exited) > 0);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`), 'the bot is still running');
  });

  it('reports a bot that exits before it is healthy, and never starts the Playground', async () => {
    options.botEntry = script('crash.js', 'process.exit(4);');

    await assert.rejects(launchPlayground(options).exited, (error: unknown) => {
      assert.ok(error instanceof OperatorError);
      assert.match(error.message, /exited with code 4 before it answered http:\/\/127\.0\.0\.1:\d+\/healthz/);
      return true;
    });
    assert.equal(existsSync(argsFile), false);
  });

  it('gives up on a bot that never answers /healthz, stops it and names PORT', async () => {
    options.botEntry = script('silent.js', 'setInterval(() => {}, 1000);');
    options.healthTimeoutMs = 500;

    await assert.rejects(launchPlayground(options).exited, /did not answer http:\/\/127\.0\.0\.1:\d+\/healthz within 0\.5 s.*set PORT/s);
    assert.equal(existsSync(argsFile), false);
  });

  it('refuses a bot that would run authenticated, naming MicrosoftAppId', () => {
    const config = loadConfig({
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'secret',
      AZURE_TENANT_ID: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
    });
    assert.throws(() => assertPlaygroundCanConnect(config), /MicrosoftAppId must be empty/);
    assert.doesNotThrow(() => assertPlaygroundCanConnect(loadConfig({})));
  });

  it('refuses PORT=0, which the Playground cannot connect to', () => {
    assert.throws(() => assertPlaygroundCanConnect(loadConfig({ PORT: '0' })), /PORT must name a port/);
  });
});
