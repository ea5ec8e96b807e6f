/**
 * SIGTERM during a slow provisioning: the bot stops within SHUTDOWN_GRACE_SECONDS and exits 0,
 * releasing the job it could not finish; restarted, it completes the request once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';
import { openDatabase } from '../../src/storage/database';
import { requestRepository } from '../support/requestRepository';
import { BotProcess } from '../support/botProcess';
import { seedApprovedRequests } from '../support/approvedRequests';
import { FakeTeamsChannel, TENANT_ID } from '../support/fakeTeamsChannel';

const CHAT = 'a:requester-chat';

describe('stopping the bot with SIGTERM', function () {
  this.timeout(60_000);
  let dir: string;
  let graph: StartedDirectorySimulator;
  let channel: FakeTeamsChannel;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'guest-access-shutdown-'));
    // Every Graph call takes 1.5 s: the job in hand cannot finish within a 1 s grace.
    graph = await startDirectorySimulator({ latencyMs: 1_500 });
    channel = new FakeTeamsChannel();
    await channel.start();
  });
  after(async () => {
    await graph.close();
    await channel.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 within the grace, and the restarted bot completes the request once', async () => {
    const databaseUrl = join(dir, 'bot.db');
    const [id] = await seedApprovedRequests(databaseUrl, channel.url, [{ guestEmail: 'partner@fabrikam.com', chat: CHAT, requesterId: 'adele' }]);
    const bot = new BotProcess(
      { DATABASE_URL: databaseUrl, DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: graph.graphBaseUrl, AZURE_TENANT_ID: TENANT_ID, SHUTDOWN_GRACE_SECONDS: '1', LOG_LEVEL: 'info' },
      dir,
    );
    await bot.start();
    // Provisioning is under way: the invitation is with Graph.
    await channel.waitFor(() => channel.messagesTo(CHAT).length > 0, 'the status message');
    const stopping = Date.now();
    assert.equal(await bot.signal('SIGTERM'), 0, bot.output.slice(-2000));
    const tookMs = Date.now() - stopping;
    assert.ok(tookMs < 3_000, `stopped in ${tookMs} ms, more than the 1 s grace allows`);
    assert.match(bot.output, /released it for another worker/);

    // The released job is claimed again at once by the restarted bot.
    await bot.start();
    await channel.waitFor(() => channel.messagesTo(CHAT).some((m) => m.text?.includes('/simulator/redeem/')), 'the redeem link', 30_000);
    assert.equal(await bot.signal('SIGTERM'), 0);

    const database = await openDatabase(databaseUrl);
    try {
      const request = await requestRepository(database.db).get(id);
      assert.equal(request?.state, 'invited');
      const invitedEvents = (await requestRepository(database.db).auditTrail(id)).filter((e) => e.toState === 'invited');
      assert.equal(invitedEvents.length, 1);
    } finally {
      await database.close();
    }
    const emails = graph.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations') && (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage);
    assert.ok(emails.length <= 1, `${emails.length} invitation emails`);
    assert.equal(channel.messagesTo(CHAT).filter((m) => m.text?.includes('/simulator/redeem/')).length, 1);
  });
});
