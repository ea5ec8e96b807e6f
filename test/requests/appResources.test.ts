/**
 * Apps in the catalog: offered through a group that is assigned the app (the bot only adds the
 * guest to the group, so its Graph identity needs no AppRoleAssignment.ReadWrite.All), or, for
 * tenants without Microsoft Entra ID P1, assigned directly, which the bot says at every start needs
 * that permission and why it is risky.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadCatalog, SAMPLE_CATALOG_FILE, SAMPLE_DIRECTORY_FILE } from '../../src/config';
import { isDirectAppRole } from '../../src/requests/catalog';
import { directAppRoleCatalogFile } from '../support/directAppRoleCatalog';
import { invitedRequest, startTestBot, type TestBot } from '../support/testBot';

const EXPENSES_GROUP = 'c0ffee00-0004-4000-8000-00000000c004';
const EXPENSES_SP = 'd00dfeed-0001-4000-8000-00000000d001';
const EXPENSES_ROLE = 'e1e1e1e1-0001-4000-8000-00000000e001';

function catalogProblem(app: Record<string, unknown>): string {
  const file = join(mkdtempSync(join(tmpdir(), 'app-catalog-')), 'catalog.json');
  writeFileSync(file, JSON.stringify({ resources: [{ id: 'crm', name: 'CRM', kind: 'app', ...app }] }));
  try {
    loadCatalog(file);
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail('expected the catalog to be refused');
}

describe('apps in the catalog', () => {
  it('reads an app offered through a group (groupId), or assigned directly (servicePrincipalId and appRoleId)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'app-catalog-')), 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({
        resources: [
          { id: 'crm', name: 'CRM', kind: 'app', groupId: EXPENSES_GROUP },
          { id: 'crm-free', name: 'CRM (Free tenant)', kind: 'app', servicePrincipalId: EXPENSES_SP, appRoleId: EXPENSES_ROLE },
        ],
      }),
    );
    const [group, direct] = loadCatalog(file).resources;
    assert.deepEqual(group, { id: 'crm', name: 'CRM', kind: 'app', groupId: EXPENSES_GROUP });
    assert.equal(isDirectAppRole(group), false);
    assert.deepEqual(direct, { id: 'crm-free', name: 'CRM (Free tenant)', kind: 'app', servicePrincipalId: EXPENSES_SP, appRoleId: EXPENSES_ROLE });
    assert.equal(isDirectAppRole(direct), true);
  });

  it('names an app with both forms, neither, or half of the direct one', () => {
    assert.match(
      catalogProblem({ groupId: EXPENSES_GROUP, servicePrincipalId: EXPENSES_SP, appRoleId: EXPENSES_ROLE }),
      /resources\.0\.groupId: an app is offered through a group \(groupId\) or assigned directly \(servicePrincipalId and appRoleId\), not both/,
    );
    assert.match(
      catalogProblem({}),
      /resources\.0\.groupId: is required: the group that is assigned the app \(or, without Microsoft Entra ID P1, servicePrincipalId and appRoleId\)/,
    );
    assert.match(catalogProblem({ servicePrincipalId: EXPENSES_SP }), /resources\.0\.appRoleId: is required with the other/);
    assert.match(catalogProblem({ appRoleId: EXPENSES_ROLE }), /resources\.0\.servicePrincipalId: is required with the other/);
    assert.match(catalogProblem({ groupId: 'expenses' }), /resources\.0\.groupId: must be a GUID/);
  });

  it('has the sample offer its app through a group, which the simulated tenant assigns the app', () => {
    const expenses = loadCatalog(SAMPLE_CATALOG_FILE).resources.find((resource) => resource.id === 'expenses-app');
    assert.ok(expenses && expenses.kind === 'app' && !isDirectAppRole(expenses));
    assert.equal(expenses.groupId, EXPENSES_GROUP);
    assert.equal(loadCatalog(SAMPLE_CATALOG_FILE).resources.filter(isDirectAppRole).length, 0, 'no sample entry needs AppRoleAssignment.ReadWrite.All');
    const seed = JSON.parse(readFileSync(SAMPLE_DIRECTORY_FILE, 'utf8')) as {
      groups: Array<{ id: string }>;
      servicePrincipals: Array<{ id: string; groupAssignments?: Array<{ groupId: string; appRoleId: string }> }>;
    };
    assert.ok(seed.groups.some((group) => group.id === EXPENSES_GROUP));
    assert.deepEqual(seed.servicePrincipals.find((sp) => sp.id === EXPENSES_SP)?.groupAssignments, [{ groupId: EXPENSES_GROUP, appRoleId: EXPENSES_ROLE }]);
  });

  describe('the bot', function () {
    this.timeout(30_000);
    let bot: TestBot | undefined;
    afterEach(async () => {
      await bot?.close();
      bot = undefined;
    });

    /** The bot's warnings while it starts with these settings. */
    async function startWarnings(env: Record<string, string>): Promise<Array<{ msg: string; resources?: string[] }>> {
      const lines: string[] = [];
      bot = await startTestBot(env, pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }));
      return lines.map((line) => JSON.parse(line) as { msg: string; resources?: string[] });
    }

    it('says once at start, naming AppRoleAssignment.ReadWrite.All and why it is risky, when the catalog assigns an app role directly', async () => {
      const warnings = (await startWarnings({ RESOURCE_CATALOG_FILE: directAppRoleCatalogFile() })).filter((line) =>
        line.msg.includes('AppRoleAssignment.ReadWrite.All'),
      );
      assert.equal(warnings.length, 1);
      assert.deepEqual(warnings[0].resources, ['expenses-app']);
      assert.match(
        warnings[0].msg,
        /^RESOURCE_CATALOG_FILE assigns app roles directly \(expenses-app\), so the Graph identity needs AppRoleAssignment\.ReadWrite\.All, with which it could grant any app role of any application to anyone, itself included/,
      );
      assert.match(warnings[0].msg, /offer each app through a group that is assigned it \(groupId\)/);
    });

    it('says nothing of it for the sample catalog, and gives the app by adding the guest to its group, assigning no app role', async () => {
      const warnings = await startWarnings({});
      assert.deepEqual(
        warnings.filter((line) => line.msg.includes('AppRoleAssignment')),
        [],
      );
      const started = bot as TestBot;
      const { invited } = await invitedRequest(started);
      const guest = invited.invitedUserId as string;
      const simulator = started.app.simulator;
      assert.ok(simulator?.groupMembers(EXPENSES_GROUP).includes(guest), 'a member of the group the app is assigned to');
      assert.deepEqual(simulator?.appRoleAssignmentsOf(guest), [], 'no app role of its own');
      assert.ok(
        !simulator?.requests.some(
          (request) => /appRoleAssignedTo/.test(request.path) || (request.batchItems ?? []).some((item) => /appRoleAssignedTo/.test(item.path)),
        ),
        'never asked Graph to assign an app role',
      );
      // Graph lists the role the group gives among the guest's assignments: the guest has the app.
      const listing = (await (await fetch(`${started.app.url}/simulator/graph/v1.0/users/${guest}/appRoleAssignments`)).json()) as {
        value: Array<{ principalType: string; principalId: string; resourceId: string; appRoleId: string }>;
      };
      assert.deepEqual(
        listing.value.map(({ principalType, principalId, resourceId, appRoleId }) => ({ principalType, principalId, resourceId, appRoleId })),
        [{ principalType: 'Group', principalId: EXPENSES_GROUP, resourceId: EXPENSES_SP, appRoleId: EXPENSES_ROLE }],
      );
    });
  });
});
