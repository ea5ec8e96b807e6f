/**
 * The whole product, as a developer runs it and as Teams talks to it: `node dist/src/index.js`
 * in its own process on a free port, with SQLite and the simulated directory, driven over HTTP
 * by a fake Teams channel, from `request` to the partner redeeming the link.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitForHealth } from '../../src/playground/waitForHealth';
import { freePort } from '../../src/server';
import { FakeTeamsChannel, TeamsClient } from '../support/fakeTeamsChannel';
import { users } from '../support/testBot';
import { visibleText } from '../support/visibleText';

const ENTRY = resolve(__dirname, '../../src/index.js');

describe('end to end: a guest access request in Teams', function () {
  this.timeout(60_000);
  let bot: ChildProcess;
  let output = '';
  let botUrl: string;
  let dataDir: string;
  const channel = new FakeTeamsChannel();

  before(async () => {
    await channel.start();
    dataDir = mkdtempSync(join(tmpdir(), 'guest-access-e2e-'));
    const port = await freePort();
    botUrl = `http://127.0.0.1:${port}`;
    bot = spawn(process.execPath, [ENTRY], {
      cwd: dataDir,
      // The first redemption check 3 s after the invitation, so the test sees the guest's acceptance reported.
      env: { PATH: process.env.PATH, PORT: String(port), DATABASE_URL: join(dataDir, 'bot.db'), LOG_LEVEL: 'info', REDEMPTION_CHECK_MINUTES: '0.05' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    bot.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    if (!(await waitForHealth(`${botUrl}/healthz`, { timeoutMs: 20_000 }))) throw new Error(`The bot did not become healthy. Its output:\n${output}`);
  });

  after(async () => {
    if (bot.exitCode === null) {
      const exited = new Promise((resolve) => bot.once('exit', resolve));
      bot.kill('SIGTERM');
      await exited;
    }
    await channel.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says at start that it runs unauthenticated on this machine only', () => {
    assert.match(output, /UNAUTHENTICATED because MicrosoftAppId is empty: only this machine can reach it/);
    assert.match(output, /Connect the Bot Framework Emulator, or run npm run playground\./);
    // restify's DEP0111 is silenced; nothing else a newcomer cannot act on is printed.
    assert.doesNotMatch(output, /DEP0111|DeprecationWarning/);
  });

  it('goes from “request” to the redeem link in the requester’s chat, the sponsor’s card updated, and the partner in', async () => {
    const teams = new TeamsClient(botUrl, channel);
    const adeleChat = teams.conversationOf(users.adele);
    const lastTo = () => visibleText(channel.messagesTo(adeleChat).at(-1));

    await teams.install(users.adele);
    assert.match(lastTo(), /^Hi Adele! I'm the Guest Access bot\./);

    const conversation: [string, RegExp][] = [
      ['request', /^What is the partner's email address\?/],
      ['kim.lee@fabrikam.com', /^Which resources does kim\.lee@fabrikam\.com need\?/],
      ['1, 4', /^For how long does kim\.lee@fabrikam\.com need this access\?/],
      ['ok', /^Why does kim\.lee@fabrikam\.com need this access\?/],
      ['Co-designs the Falcon launch with us until March', /I'd ask your manager, \*\*Megan Bowen\*\*/],
      ['ok', /Until: .* \(90 days\)[\s\S]*Shall I send it to Megan Bowen for approval\?/],
      ['yes', /^Sent\. Request \*\*GA-\w{6}\*\* is waiting for Megan Bowen to approve it\./],
    ];
    for (const [text, expected] of conversation) {
      const response = await teams.say(users.adele, text);
      assert.equal(response.status, 200);
      assert.match(lastTo(), expected, `after “${text}”`);
    }
    const requestId = /GA-\w{6}/.exec(lastTo())?.[0] as string;

    // The card reaches Megan in a 1:1 chat the bot opens with her.
    const card = await channel.waitFor(
      () => channel.sent.find((s) => JSON.stringify(s.activity.attachments ?? []).includes('"verb":"approve"')),
      'the approval card',
    );
    const [created] = channel.createdConversations;
    assert.equal(card.conversationId, created.id);
    assert.deepEqual(
      created.parameters.members?.map((m) => m.id),
      [users.megan.aadObjectId],
    );
    assert.match(JSON.stringify(card.activity.attachments?.[0].content), /kim\.lee@fabrikam\.com/);

    // Megan approves; the answer is the updated card, at once.
    const started = Date.now();
    const { status, body } = await teams.click(users.megan, card.conversationId, 'approve', { requestId, comment: 'Welcome, Kim' });
    const clickMs = Date.now() - started;
    assert.equal(status, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.match(JSON.stringify(body.value), /Approved by Megan Bowen/);
    assert.ok(clickMs < 1000, `the card click took ${clickMs} ms`);

    // The redeem link arrives in Adele's chat.
    const notice = await channel.waitFor(() => channel.messagesTo(adeleChat).find((m) => m.text?.includes('is invited')), 'the redeem link');
    assert.match(notice.text ?? '', new RegExp(`Megan Bowen approved request \\*\\*${requestId}\\*\\*: kim\\.lee@fabrikam\\.com is invited\\.`));
    const redeemUrl = /(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(notice.text ?? '')?.[1];
    assert.ok(redeemUrl, notice.text);
    assert.match(notice.text ?? '', /\[Project Falcon team\]\(https:\/\/teams\.microsoft\.com\/l\/team\/.*tenantId=5f2b8c1e/);
    // SEND_INVITATION_EMAIL is on, but the simulator emails nobody: the message does not pretend it did.
    assert.match(
      notice.text ?? '',
      /In a real tenant Microsoft would also have emailed the invitation to kim\.lee@fabrikam\.com; this local session's simulated directory sends no email\./,
    );
    assert.doesNotMatch(notice.text ?? '', /Microsoft has also emailed/);

    // Megan's card is updated in place to its final state.
    const final = await channel.waitFor(
      () => channel.updates.find((u) => u.activityId === card.activity.id && JSON.stringify(u.activity).includes('The invitation is ready')),
      'the final card',
    );
    assert.equal(final.conversationId, card.conversationId);

    // In the directory: a pending guest, in the team's group, with the app role and Megan as sponsor.
    const graph = `${botUrl}/simulator/graph/v1.0`;
    const guest = (await (
      await fetch(`${graph}/users?$filter=${encodeURIComponent("mail eq 'kim.lee@fabrikam.com'")}&$select=id,userType,externalUserState`)
    ).json()) as {
      value: { id: string; userType: string; externalUserState: string }[];
    };
    const [kim] = guest.value;
    assert.deepEqual([kim.userType, kim.externalUserState], ['Guest', 'PendingAcceptance']);
    const members = (await (await fetch(`${graph}/groups/c0ffee00-0001-4000-8000-00000000c001/members`)).json()) as { value: { id: string }[] };
    assert.ok(
      members.value.some((m) => m.id === kim.id),
      'in the Project Falcon group',
    );
    const sponsors = (await (await fetch(`${graph}/users/${kim.id}/sponsors`)).json()) as { value: { id: string }[] };
    assert.deepEqual(
      sponsors.value.map((s) => s.id),
      [users.megan.aadObjectId],
    );

    // Kim opens the link, reviews the permissions, then agrees to Contoso's terms of use.
    const consent = await fetch(redeemUrl);
    assert.equal(consent.status, 200);
    assert.match(await consent.text(), /Review permissions/);
    const answer = (action: string) =>
      fetch(redeemUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `action=${action}` });
    const terms = await answer('accept');
    assert.match(await terms.text(), /Contoso guest terms of use/);
    const pending = (await (await fetch(`${graph}/users/${kim.id}?$select=externalUserState`)).json()) as { externalUserState: string };
    assert.equal(pending.externalUserState, 'PendingAcceptance', 'not in before agreeing to the terms');
    const accepted = await answer('agreeToTerms');
    assert.equal(accepted.status, 200);
    assert.match(await accepted.text(), /You are all set/);
    const after = (await (await fetch(`${graph}/users/${kim.id}?$select=externalUserState`)).json()) as { externalUserState: string };
    assert.equal(after.externalUserState, 'Accepted');

    // Within one check interval, Adele hears that Kim is in, with where Kim can go now.
    const acceptance = await channel.waitFor(
      () => channel.messagesTo(adeleChat).find((m) => m.text?.includes('accepted the invitation')),
      'the acceptance notice',
      15_000,
    );
    assert.match(acceptance.text ?? '', new RegExp(`^kim\\.lee@fabrikam\\.com accepted the invitation for request \\*\\*${requestId}\\*\\*\\.`));
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
    bot.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(output, /stopping/);
  });
});
