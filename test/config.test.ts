/** Settings: sensible defaults for a newcomer, and every mistake named by its setting. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, settingWarnings } from '../src/config';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  return assert.fail('expected a ConfigError');
}

describe('configuration', () => {
  it('runs with no settings at all: unauthenticated, on 127.0.0.1:3978, SQLite, the simulator, the sample catalog', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3978);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.bot.authenticated, false);
    assert.equal(config.databaseUrl, './data/guest-access.db');
    assert.equal(config.directory.mode, 'simulator');
    assert.equal(config.directory.graphBaseUrl, undefined);
    assert.equal(config.catalog.resources.length, 4);
    assert.equal(config.sendInvitationEmail, true);
    assert.equal(config.directory.simulatorStateFile, resolve('data/simulator-directory.json'), 'beside the database');
    assert.equal(loadConfig({ DATABASE_URL: ':memory:' }).directory.simulatorStateFile, undefined);
  });

  it('counts time in days, shortened by TIME_SCALE alike for every timer, and names a reminder that would come after the expiry', () => {
    const real = loadConfig({});
    assert.deepEqual(
      [
        real.timing.dayMs,
        real.timing.approvalReminderMs,
        real.timing.approvalTimeoutMs,
        real.timing.accessDays,
        real.timing.extensionNoticeMs,
        real.guestEndAction,
      ],
      [86_400_000, 48 * 3_600_000, 7 * 86_400_000, 90, 7 * 86_400_000, 'none'],
    );
    const fast = loadConfig({ TIME_SCALE: '1440' });
    assert.equal(fast.timing.dayMs, 60_000, 'a day in a minute');
    assert.equal(fast.timing.approvalTimeoutMs, 7 * 60_000);
    assert.ok(Math.abs(fast.redemption.firstCheckMs - real.redemption.firstCheckMs / 1440) < 1e-6);
    assert.match(problemsOf({ APPROVAL_REMINDER_HOURS: '200' }).join('\n'), /APPROVAL_REMINDER_HOURS \(200\) must be shorter than APPROVAL_TIMEOUT_DAYS/);
    assert.match(problemsOf({ GUEST_END_ACTION: 'archive' }).join('\n'), /GUEST_END_ACTION must be none, disable or delete/);
  });

  it('withdraws unaccepted invitations after PENDING_GUEST_DAYS (30), shortened by TIME_SCALE; 0 turns it off; a negative is named', () => {
    assert.equal(loadConfig({}).timing.pendingGuestMs, 30 * 86_400_000);
    assert.equal(loadConfig({ PENDING_GUEST_DAYS: '30', TIME_SCALE: '1440' }).timing.pendingGuestMs, 30 * 60_000);
    assert.equal(loadConfig({ PENDING_GUEST_DAYS: '0' }).timing.pendingGuestMs, 0);
    assert.match(problemsOf({ PENDING_GUEST_DAYS: '-1' }).join('\n'), /PENDING_GUEST_DAYS/);
    assert.match(problemsOf({ PENDING_GUEST_DAYS: 'soon' }).join('\n'), /PENDING_GUEST_DAYS must be a number of days/);
  });

  it('warns, naming TIME_SCALE, when timers run faster than real time, and says nothing of real time', () => {
    assert.deepEqual(settingWarnings(loadConfig({})), []);
    assert.deepEqual(settingWarnings(loadConfig({ TIME_SCALE: '1440' })), [
      {
        details: { timeScale: 1440 },
        message: 'TIME_SCALE=1440: every timer runs 1440 times faster (a day lasts 60 s). For testing only; unset it in production.',
      },
    ]);
  });

  it('reads maxDays and approvers from the catalog, and names a bad one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'catalog-'));
    const file = join(folder, 'catalog.json');
    const resource = { id: 'falcon-team', name: 'Falcon', kind: 'team', groupId: 'c0ffee00-0001-4000-8000-00000000c001' };
    writeFileSync(
      file,
      JSON.stringify({ resources: [{ ...resource, maxDays: 30, approvers: ['lidia.holloway@contoso.com', 'a1b2c3d4-0004-4000-8000-000000000004'] }] }),
    );
    assert.deepEqual(loadConfig({ RESOURCE_CATALOG_FILE: file }).catalog.resources[0], {
      ...resource,
      maxDays: 30,
      approvers: ['lidia.holloway@contoso.com', 'a1b2c3d4-0004-4000-8000-000000000004'],
    });
    writeFileSync(file, JSON.stringify({ resources: [{ ...resource, maxDays: 0.5, approvers: ['Lidia'] }] }));
    const problems = problemsOf({ RESOURCE_CATALOG_FILE: file }).join('\n');
    assert.match(problems, /resources\.0\.maxDays: must be a whole number of days/);
    assert.match(problems, /resources\.0\.approvers\.0: must be an email address or an Entra object id/);
    rmSync(folder, { recursive: true, force: true });
  });

  it('treats an empty line in .env as unset', () => {
    assert.equal(loadConfig({ PORT: '', MicrosoftAppId: '', DIRECTORY_MODE: '' }).port, 3978);
  });

  it('uses Microsoft Graph when Graph credentials are set, and listens on all interfaces when authenticated', () => {
    const config = loadConfig({
      AZURE_CLIENT_ID: 'client',
      AZURE_TENANT_ID: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
      GRAPH_BASE_URL: 'https://graph.microsoft.us/',
    });
    assert.equal(config.directory.mode, 'graph');
    assert.equal(config.directory.graphBaseUrl, 'https://graph.microsoft.us');
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.bot.appType, 'SingleTenant');
  });

  it('knows the Teams app by TEAMS_APP_ID, else by MicrosoftAppId as the package does, and takes its catalog id as given', () => {
    const bot = {
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'secret',
      AZURE_TENANT_ID: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
    };
    assert.deepEqual(loadConfig(bot).teamsApp, { manifestId: bot.MicrosoftAppId, catalogId: undefined });
    assert.deepEqual(
      loadConfig({ ...bot, TEAMS_APP_ID: '9d8c7b6a-5f4e-4d3c-8b2a-190817263544', TEAMS_APP_CATALOG_ID: 'b1c5353a-7aca-41b3-830f-27d5218fe0e5' }).teamsApp,
      {
        manifestId: '9d8c7b6a-5f4e-4d3c-8b2a-190817263544',
        catalogId: 'b1c5353a-7aca-41b3-830f-27d5218fe0e5',
      },
    );
    assert.equal(loadConfig({}).teamsApp.manifestId, undefined, 'a local session has none');
    assert.ok(problemsOf({ TEAMS_APP_ID: 'guest-access' }).some((p) => p.startsWith('TEAMS_APP_ID')));
  });

  it('names each bad setting, all at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      SEND_INVITATION_EMAIL: 'perhaps',
      ALLOWED_GUEST_DOMAINS: 'fabrikam.com, not a domain',
      DIRECTORY_MODE: 'ldap',
    });
    assert.equal(problems.length, 4, problems.join('\n'));
    for (const setting of ['PORT', 'SEND_INVITATION_EMAIL', 'ALLOWED_GUEST_DOMAINS', 'DIRECTORY_MODE']) {
      assert.ok(
        problems.some((p) => p.startsWith(setting)),
        `${setting} in ${problems.join(' | ')}`,
      );
    }
  });

  it('asks for the tenant in graph mode and the password with an app id', () => {
    assert.deepEqual(problemsOf({ DIRECTORY_MODE: 'graph', MicrosoftAppId: '11111111-2222-4333-8444-555555555555' }), [
      'AZURE_TENANT_ID must name your tenant (the one guests join) when DIRECTORY_MODE is graph.',
      'MicrosoftAppPassword is required when MicrosoftAppId is set (or set MicrosoftAppType=UserAssignedMSI).',
    ]);
  });

  describe('what keeps a real tenant safe', () => {
    const APP = {
      MicrosoftAppId: '11111111-2222-4333-8444-555555555555',
      MicrosoftAppPassword: 'secret',
      MicrosoftAppTenantId: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f',
    };
    const TENANT = { AZURE_TENANT_ID: '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f' };
    const unauthenticatedOnRealDirectory =
      /^MicrosoftAppId is empty, so the bot would run unauthenticated, trusting whoever calls it to say who they are, but its directory is a real one/;

    for (const [label, env] of [
      ['DIRECTORY_MODE=graph', { DIRECTORY_MODE: 'graph', ...TENANT }],
      ['Graph credentials', { AZURE_CLIENT_ID: 'graph-app', AZURE_CLIENT_SECRET: 's', ...TENANT }],
      ['a Graph URL off this machine, even in simulator mode', { GRAPH_BASE_URL: 'https://graph.microsoft.com' }],
      ['a loopback Graph reached with credentials', { DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: 'http://127.0.0.1:9999', AZURE_CLIENT_SECRET: 's', ...TENANT }],
    ] as const) {
      it(`refuses to run unauthenticated with ${label}, naming MicrosoftAppId`, () => {
        const problems = problemsOf(env);
        assert.ok(
          problems.some((p) => unauthenticatedOnRealDirectory.test(p)),
          problems.join('\n'),
        );
      });
    }

    it('runs unauthenticated on the simulator, or on a Graph on loopback without credentials (a local fake)', () => {
      assert.equal(loadConfig({}).directory.mode, 'simulator');
      const fake = loadConfig({ DIRECTORY_MODE: 'graph', GRAPH_BASE_URL: 'http://127.0.0.1:9999', ...TENANT });
      assert.equal(fake.directory.mode, 'graph');
      assert.equal(fake.bot.authenticated, false);
    });

    it('uses Microsoft Graph whenever an app id is set, and asks for the tenant', () => {
      assert.deepEqual(problemsOf(APP), [
        'AZURE_TENANT_ID must name your tenant (the one guests join) when DIRECTORY_MODE is graph (always, with MicrosoftAppId set).',
      ]);
      assert.equal(loadConfig({ ...APP, ...TENANT }).directory.mode, 'graph');
    });

    it('refuses the simulator with an app id, naming both settings', () => {
      const [problem] = problemsOf({ ...APP, DIRECTORY_MODE: 'simulator' });
      assert.match(problem, /^DIRECTORY_MODE=simulator cannot be used with MicrosoftAppId set/);
    });

    it('refuses, unauthenticated, a PostgreSQL off this machine however the URL names it, naming DATABASE_URL and MicrosoftAppId, never the password', () => {
      for (const [env, host] of [
        [{ DATABASE_URL: 'postgres://bot:s3cret@db.contoso.com:5432/guests' }, 'db.contoso.com'],
        [{ DATABASE_URL: 'postgresql://bot:s3cret@10.0.0.5/guests' }, '10.0.0.5'],
        [{ DATABASE_URL: 'postgres://bot:s3cret@localhost/guests?host=db.contoso.com' }, 'db.contoso.com'],
        [{ DATABASE_URL: 'postgres://bot:s3cret@/guests', PGHOST: 'db.contoso.com' }, 'db.contoso.com'],
      ] as const) {
        const problem = problemsOf(env).find((p) => p.startsWith('DATABASE_URL')) ?? '';
        assert.ok(problem.startsWith(`DATABASE_URL names a PostgreSQL server on ${host}, but MicrosoftAppId is empty`), `${env.DATABASE_URL}: ${problem}`);
        assert.match(
          problem,
          /use a PostgreSQL on this machine \(127\.0\.0\.1, localhost, ::1 or a Unix socket\) or leave DATABASE_URL empty for SQLite; to use that server, set MicrosoftAppId and MicrosoftAppPassword\.$/,
        );
        assert.doesNotMatch(problem, /s3cret/);
      }
      const [unreadable] = problemsOf({ DATABASE_URL: 'postgres://bot:s3cret@[db.contoso.com/guests' });
      assert.match(unreadable, /^DATABASE_URL cannot be read as a PostgreSQL URL/);
      assert.doesNotMatch(unreadable, /s3cret/);
    });

    it('runs unauthenticated on a PostgreSQL on this machine (loopback, localhost or a Unix socket), and authenticated on any', () => {
      for (const url of [
        'postgres://postgres@127.0.0.1:5432/guests',
        'postgres://localhost/guests',
        'postgres://[::1]:5432/guests',
        'postgres:///guests',
        'postgres://bot@/guests?host=/var/run/postgresql',
        'postgres://%2Fvar%2Frun%2Fpostgresql/guests',
      ]) {
        assert.equal(loadConfig({ DATABASE_URL: url }).bot.authenticated, false, url);
      }
      assert.equal(loadConfig({ DATABASE_URL: 'postgres:///guests', PGHOST: '/var/run/postgresql' }).bot.authenticated, false, 'PGHOST a socket');
      assert.equal(loadConfig({ ...APP, ...TENANT, DATABASE_URL: 'postgres://bot:s3cret@db.contoso.com/guests' }).bot.authenticated, true);
    });

    it('has limits on turns and open requests, and names a bad one', () => {
      assert.deepEqual(loadConfig({}).limits, { turnsPerMinute: 30, openRequestsPerRequester: 10 });
      const problems = problemsOf({ MAX_TURNS_PER_MINUTE: '0', MAX_OPEN_REQUESTS: 'many' });
      assert.ok(problems[0].startsWith('MAX_TURNS_PER_MINUTE'), problems.join(' | '));
      assert.ok(problems[1].startsWith('MAX_OPEN_REQUESTS'), problems.join(' | '));
    });

    it('has a shutdown grace, a job retention and a job concurrency, and names a bad one', () => {
      assert.deepEqual(loadConfig({}).jobs, { leaseMs: 15_000, shutdownGraceMs: 20_000, retentionMs: 30 * 24 * 60 * 60 * 1000, concurrency: 8 });
      assert.deepEqual(loadConfig({ JOB_LEASE_SECONDS: '2', SHUTDOWN_GRACE_SECONDS: '5', JOB_RETENTION_DAYS: '7', JOB_CONCURRENCY: '2' }).jobs, {
        leaseMs: 2_000,
        shutdownGraceMs: 5_000,
        retentionMs: 7 * 24 * 60 * 60 * 1000,
        concurrency: 2,
      });
      const problems = problemsOf({ SHUTDOWN_GRACE_SECONDS: 'soon', JOB_RETENTION_DAYS: '0', JOB_CONCURRENCY: '1.5' });
      assert.ok(problems[0].startsWith('SHUTDOWN_GRACE_SECONDS'), problems.join(' | '));
      assert.ok(problems[1].startsWith('JOB_RETENTION_DAYS'), problems.join(' | '));
      assert.ok(problems[2].startsWith('JOB_CONCURRENCY'), problems.join(' | '));
    });
  });

  describe('the resource catalog', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const withCatalog = (content: string) => {
      writeFileSync(join(dir, 'c.json'), content);
      return problemsOf({ RESOURCE_CATALOG_FILE: join(dir, 'c.json') });
    };

    it('names the file when it is not JSON', () => {
      assert.match(withCatalog('{ nope')[0], /^RESOURCE_CATALOG_FILE: cannot read .*c\.json as JSON/);
    });

    it('names the entry and the field that is wrong', () => {
      const [problem] = withCatalog(
        JSON.stringify({
          resources: [{ id: 'crm', name: 'CRM', kind: 'app', servicePrincipalId: 'not-a-guid', appRoleId: '00000000-0000-4000-8000-000000000001' }],
        }),
      );
      assert.match(problem, /^RESOURCE_CATALOG_FILE: .*c\.json is not a valid catalog \(resources\.0\.servicePrincipalId: must be a GUID\)/);
    });

    it('refuses an id listed twice', () => {
      const entry = { id: 'crm', name: 'CRM', kind: 'group', groupId: '00000000-0000-4000-8000-000000000001' };
      assert.match(withCatalog(JSON.stringify({ resources: [entry, entry] }))[0], /lists the id "crm" twice/);
    });
  });
});
