import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitForHealth } from '../../src/playground/waitForHealth';

function listen(statuses: number[]): Promise<{ server: Server; url: string }> {
  const server = createServer((_request, response) => {
    response.statusCode = statuses.length > 1 ? (statuses.shift() as number) : statuses[0];
    response.end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz` })),
  );
}

describe('waiting for the bot to be healthy', () => {
  it('resolves true once the endpoint answers 2xx, after 5xx answers', async () => {
    const { server, url } = await listen([503, 503, 200]);
    try {
      assert.equal(await waitForHealth(url, { timeoutMs: 5000, intervalMs: 10 }), true);
    } finally {
      server.close();
    }
  });

  it('resolves false when nothing answers before the timeout', async () => {
    const { server, url } = await listen([200]);
    server.close();
    const started = Date.now();
    assert.equal(await waitForHealth(url, { timeoutMs: 300, intervalMs: 20 }), false);
    assert.ok(Date.now() - started < 3000);
  });

  it('resolves false as soon as it is aborted', async () => {
    const { server, url } = await listen([503]);
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      assert.equal(await waitForHealth(url, { timeoutMs: 10_000, intervalMs: 10, signal: controller.signal }), false);
      assert.ok(Date.now() - started < 2000);
    } finally {
      server.close();
    }
  });
});
