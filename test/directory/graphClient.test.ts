import assert from 'node:assert/strict';
import type { AccessToken, TokenCredential } from '@azure/identity';
import sinon from 'sinon';
import { createGraphClient, isLoopbackHttp } from '../../src/directory/graphClient';
import { startDirectorySimulator } from '../../src/simulator';

describe('createGraphClient', () => {
  afterEach(() => {
    sinon.restore();
  });

  it('recognises plain-http loopback URLs only', () => {
    assert.equal(isLoopbackHttp('http://127.0.0.1:3978/simulator/graph'), true);
    assert.equal(isLoopbackHttp('http://localhost:3978'), true);
    assert.equal(isLoopbackHttp('http://[::1]:3978'), true);
    assert.equal(isLoopbackHttp('https://127.0.0.1'), false);
    assert.equal(isLoopbackHttp('http://graph.contoso.example'), false);
    assert.equal(isLoopbackHttp('http://127.0.0.1.nip.io'), false);
    assert.equal(isLoopbackHttp('not a url'), false);
  });

  it('refuses to run without credentials anywhere but the local simulator, naming the settings', () => {
    assert.throws(() => createGraphClient({ graphBaseUrl: 'https://graph.microsoft.com' }), /AZURE_CLIENT_ID/);
    assert.throws(() => createGraphClient({ graphBaseUrl: 'http://graph.contoso.example' }), /GRAPH_BASE_URL/);
    assert.throws(() => createGraphClient({ graphBaseUrl: 'nonsense' }), /GRAPH_BASE_URL/);
  });

  it('talks to the simulator without a token', async () => {
    const started = await startDirectorySimulator();
    try {
      const client = createGraphClient({ graphBaseUrl: `${started.graphBaseUrl}/` });
      const user = (await client.api(`/users/${started.simulator.defaultUserId}`).get()) as { id: string };
      assert.equal(user.id, started.simulator.defaultUserId);
    } finally {
      await started.close();
    }
  });

  it("asks the credential for the base URL's .default scope and sends the token to that host", async () => {
    const getToken = sinon.stub<Parameters<TokenCredential['getToken']>, Promise<AccessToken | null>>().resolves({
      token: 'token-from-credential',
      expiresOnTimestamp: Date.now() + 3_600_000,
    });
    // A sovereign-cloud-like host the library does not know: only customHosts gets it the token.
    const fetch = sinon
      .stub(globalThis, 'fetch')
      .resolves(new Response(JSON.stringify({ id: 'u1' }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const client = createGraphClient({ graphBaseUrl: 'https://graph.contoso.example', credential: { getToken } });

    await client.api('/users/u1').get();

    assert.deepEqual(getToken.firstCall.args[0], ['https://graph.contoso.example/.default']);
    const [url, init] = fetch.firstCall.args;
    assert.equal(String(url), 'https://graph.contoso.example/v1.0/users/u1');
    assert.equal(new Headers(init?.headers).get('Authorization'), 'Bearer token-from-credential');
  });
});
