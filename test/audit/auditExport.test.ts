/**
 * The audit export round-trips a whole flow: a request filed, approved, the guest invited and
 * accepted comes out of `npm run audit` event by event, the same in CSV and JSON, with no link
 * or secret in it; and the command names every mistake in its arguments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { auditArgumentsOf } from '../../src/audit/auditCli';
import type { AuditRow } from '../../src/audit/auditExport';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { invitedRequest, redemptionChecksDue, startTestBot, waitForState } from '../support/testBot';

const CLI = resolve(__dirname, '../../src/audit/auditCli.js');

describe('npm run audit', function () {
  this.timeout(30_000);

  it('prints a whole flow, event by event, the same as CSV and JSON, without links', async () => {
    const databaseUrl = join(mkdtempSync(join(tmpdir(), 'audit-')), 'bot.db');
    const bot = await startTestBot({ DATABASE_URL: databaseUrl });
    let id: string;
    try {
      const { request, invited } = await invitedRequest(bot);
      id = request.id;
      await redeemInBrowser(invited.inviteRedeemUrl as string);
      await redemptionChecksDue(bot);
      await bot.app.redemptionWatcher.checkDue();
      await waitForState(bot, id, 'accepted');
    } finally {
      await bot.close();
    }
    const run = (format: string) =>
      spawnSync(process.execPath, [CLI, '--from', '2020-01-01', '--format', format], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, encoding: 'utf8', cwd: tmpdir() });
    const json = run('json');
    const csv = run('csv');
    assert.equal(json.status, 0, json.stderr);
    assert.equal(csv.status, 0, csv.stderr);
    const rows = JSON.parse(json.stdout) as AuditRow[];
    assert.deepEqual(parse(csv.stdout, { columns: true }), rows, 'CSV and JSON say the same');
    const ofRequest = rows.filter((row) => row.request === id);
    assert.deepEqual(
      ofRequest.filter((row) => row.to).map((row) => [row.who, `${row.from} → ${row.to}`]),
      [
        ['Adele Vance', ' → pending_approval'],
        ['Megan Bowen', 'pending_approval → approved'],
        ['system', 'approved → invited'],
        ['system', 'invited → accepted'],
      ],
    );
    assert.ok(ofRequest.some((row) => row.action === 'invitationCreated'));
    assert.doesNotMatch(json.stdout + csv.stdout, /https?:\/\/|\/redeem\//i, 'no link, no redeem URL');
    assert.match(json.stdout, /"inviteRedeemUrl\\":\\"\(removed\)/, 'the redeem link is named, not given');
  });

  it('names every mistake in its arguments', () => {
    assert.throws(() => auditArgumentsOf([]), /--from is required/);
    assert.throws(() => auditArgumentsOf(['--from', '2026-02-30']), /--from must be a day as YYYY-MM-DD, not "2026-02-30"/);
    assert.throws(() => auditArgumentsOf(['--from', '2026-02-01', '--to', '2026-01-01']), /--to \(2026-01-01\) must come after --from/);
    assert.throws(() => auditArgumentsOf(['--from', '2026-01-01', '--format', 'xml']), /--format must be csv or json/);
    assert.throws(() => auditArgumentsOf(['--from', '2026-01-01', '--since', 'x']), /Unknown option '--since'/);
    const args = auditArgumentsOf(['--from', '2026-01-01'], new Date('2026-11-30T10:00:00Z'));
    assert.deepEqual([args.from.toISOString(), args.to.toISOString(), args.format], ['2026-01-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'csv']);
  });
});
