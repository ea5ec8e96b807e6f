/**
 * Telemetry, as an operator would see it arrive: the bot as its own process, with
 * APPLICATIONINSIGHTS_CONNECTION_STRING pointing at a stand-in for Application Insights' ingestion
 * on 127.0.0.1. A turn, a card click, Graph calls and jobs arrive as telemetry, with metrics, and
 * never an address or a URL's query; log lines carry the trace id. Without the setting, the Azure
 * Monitor distro is not even loaded.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { scrubUrl } from '../../src/telemetry/startTelemetry';
import { BotProcesses } from '../support/botProcesses';
import { TeamsClient } from '../support/fakeTeamsChannel';
import { startTestBot, users } from '../support/testBot';

interface Envelope {
  name: string;
  data?: { baseType?: string; baseData?: { name?: string; metrics?: Array<{ name: string }>; properties?: Record<string, string> } };
}

/**
 * Application Insights' ingestion, as far as the exporter can tell: it keeps what it is sent. Over
 * HTTPS, as the exporter insists, with a self-signed certificate for 127.0.0.1 made for this test
 * only (fixtures/), which the bot's process is told to accept.
 */
async function fakeIngestion(): Promise<{ server: Server; url: string; envelopes: Envelope[]; raw: string[] }> {
  const envelopes: Envelope[] = [];
  const raw: string[] = [];
  const fixtures = join(__dirname, '../../../test/telemetry/fixtures');
  const tls = { key: readFileSync(join(fixtures, 'ingestion-key.pem')), cert: readFileSync(join(fixtures, 'ingestion-cert.pem')) };
  const server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      raw.push(text);
      const parsed = text.trim().startsWith('[')
        ? (JSON.parse(text) as Envelope[])
        : text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Envelope);
      envelopes.push(...parsed);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: parsed.length, itemsAccepted: parsed.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/`, envelopes, raw };
}

describe('telemetry', function () {
  this.timeout(60_000);

  it('sends turns, card clicks, Graph calls, jobs and metrics to Application Insights, without addresses, and logs the trace id', async () => {
    const ingestion = await fakeIngestion();
    // One process on the simulated directory, with its database in a folder of its own.
    const processes = new BotProcesses();
    await processes.open();
    const { channel } = processes;
    const bot = processes.process({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=${ingestion.url}`,
      // The stand-in's certificate is self-signed; only this test's bot process trusts it.
      NODE_EXTRA_CA_CERTS: join(__dirname, '../../../test/telemetry/fixtures/ingestion-cert.pem'),
    });
    try {
      await bot.start();
      const teams = new TeamsClient(bot.url, channel);
      await teams.install(users.adele);
      for (const text of ['request', 'kim.lee@fabrikam.com', '1', 'ok', 'Designs the launch with us', 'ok', 'yes']) await teams.say(users.adele, text);
      const card = await channel.waitFor(() => channel.sent.find((s) => JSON.stringify(s.activity.attachments ?? []).includes('"verb":"approve"')), 'the card');
      const requestId = /GA-\w{6}/.exec(JSON.stringify(card.activity.attachments))?.[0];
      await teams.click(users.megan, card.conversationId, 'approve', { requestId });
      await channel.waitFor(() => channel.messagesTo(teams.conversationOf(users.adele)).find((m) => m.text?.includes('is invited')), 'the link');
      assert.equal(await bot.signal('SIGTERM'), 0);
    } finally {
      await processes.close();
      ingestion.server.close();
    }
    const names = ingestion.envelopes.map((e) => e.data?.baseData?.name ?? '');
    assert.ok(names.includes('turn message'), `a message turn among ${[...new Set(names)].join(', ')}`);
    assert.ok(names.includes('card click'));
    assert.ok(names.some((name) => name === 'job provisionGuest'));
    assert.ok(
      names.some((name) => /^(POST|GET) /.test(name) && ingestion.raw.join('').includes('/simulator/graph/v1.0/')),
      'Graph calls, as dependencies',
    );
    const metricNames = ingestion.envelopes.flatMap((e) => e.data?.baseData?.metrics?.map((m) => m.name) ?? []);
    for (const metric of ['guest_access.requests', 'guest_access.jobs.queue_age', 'guest_access.jobs.outcomes'])
      assert.ok(metricNames.includes(metric), `${metric} among ${[...new Set(metricNames)].join(', ')}`);
    const everything = ingestion.raw.join('\n');
    assert.doesNotMatch(everything, /kim\.lee@fabrikam\.com|adele\.vance@contoso\.com|megan\.bowen@contoso\.com/, 'no address');
    assert.doesNotMatch(everything, /\$filter|%24filter/, "no URL query (Graph's $filter holds addresses)");
    assert.match(bot.output, /"traceId":"[0-9a-f]{32}"/, 'log lines inside a turn carry the trace id');
  });

  it('loads nothing of telemetry without the setting', async () => {
    const bot = await startTestBot();
    try {
      await bot.teams.install(users.adele);
      await bot.teams.say(users.adele, 'help');
      assert.equal(
        Object.keys(require.cache).some((file) => file.includes('@azure/monitor-opentelemetry') || file.includes('@opentelemetry/sdk-')),
        false,
      );
    } finally {
      await bot.close();
    }
  });

  it('scrubs query strings and addresses from URLs', () => {
    assert.equal(scrubUrl("https://graph.microsoft.com/v1.0/users?$filter=mail eq 'kim@fabrikam.com'"), 'https://graph.microsoft.com/v1.0/users');
    assert.equal(scrubUrl('https://graph.microsoft.com/v1.0/users/kim@fabrikam.com'), 'https://graph.microsoft.com/v1.0/users/(address)');
  });
});
