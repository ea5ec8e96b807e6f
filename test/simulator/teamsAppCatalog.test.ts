import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDirectorySimulator, type StartedDirectorySimulator } from '../../src/simulator';

const APP_ID = '7e1b4c2a-9d3f-4a5b-8c6d-0e1f2a3b4c5d';
const NESTOR = 'a1b2c3d4-0004-4000-8000-000000000004';
const MEGAN = 'a1b2c3d4-0002-4000-8000-000000000002';

/** Raw HTTP: the three calls a bot makes to install itself for someone, as Microsoft Learn documents them. */
describe('directory simulator: the bot’s Teams app', () => {
  let folder: string;
  let started: StartedDirectorySimulator;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'teams-app-'));
    started = await startDirectorySimulator({ teamsApp: { externalId: APP_ID }, stateFile: join(folder, 'state.json') });
  });

  afterEach(async () => {
    await started.close();
    rmSync(folder, { recursive: true, force: true });
  });

  // Tests read Graph's JSON loosely on purpose: the shapes are what they assert.
  async function graph(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
    const response = await fetch(`${started.graphBaseUrl}/v1.0${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
  }

  const lookUp = (externalId: string) => graph('GET', `/appCatalogs/teamsApps?$filter=${encodeURIComponent(`externalId eq '${externalId}'`)}`);
  const install = (userId: string, catalogId: string) =>
    graph('POST', `/users/${userId}/teamwork/installedApps`, { 'teamsApp@odata.bind': `${started.graphBaseUrl}/v1.0/appCatalogs/teamsApps/${catalogId}` });

  it('finds the app in the organization’s catalog by its manifest id, under an id of the catalog’s own', async () => {
    const found = await lookUp(APP_ID);
    assert.equal(found.status, 200);
    assert.equal(found.json.value.length, 1);
    assert.equal(found.json.value[0].externalId, APP_ID);
    assert.equal(found.json.value[0].distributionMethod, 'organization');
    assert.notEqual(found.json.value[0].id, APP_ID);
    assert.deepEqual((await lookUp('00000000-0000-4000-8000-000000000000')).json.value, []);
    assert.equal((await graph('GET', `/appCatalogs/teamsApps?$filter=${encodeURIComponent("displayName eq 'x'")}`)).status, 400);
  });

  it('installs it for a user with 201 and no body, then answers 409, and serves the chat it opened', async () => {
    const catalogId = (await lookUp(APP_ID)).json.value[0].id as string;
    assert.equal(started.simulator.hasTeamsApp(NESTOR), false);

    const first = await install(NESTOR, catalogId);
    assert.deepEqual([first.status, first.json], [201, undefined]);
    assert.equal(started.simulator.hasTeamsApp(NESTOR), true);
    assert.equal((await install(NESTOR, catalogId)).status, 409);
    assert.equal((await install(MEGAN, catalogId)).status, 409, 'Megan has had it all along');

    const installationId = Buffer.from(`${NESTOR}##${catalogId}`).toString('base64url');
    const chat = await graph('GET', `/users/${NESTOR}/teamwork/installedApps/${installationId}/chat`);
    assert.equal(chat.status, 200);
    assert.equal(chat.json.chatType, 'oneOnOne');
    assert.match(chat.json.id, /^19:/);
    assert.equal((await graph('GET', `/users/${NESTOR}/teamwork/installedApps/nothing/chat`)).status, 404);
  });

  it('refuses an app that is not in the catalog (404) and one an app permission policy blocks (403)', async () => {
    assert.equal((await install(NESTOR, '11111111-1111-4111-8111-111111111111')).status, 404);
    started.simulator.blockTeamsApp();
    const blocked = await install(NESTOR, (await lookUp(APP_ID)).json.value[0].id);
    assert.equal(blocked.status, 403);
    assert.equal(started.simulator.hasTeamsApp(NESTOR), false);
  });

  it('remembers an install across a restart, as it remembers the rest of the directory', async () => {
    assert.equal((await install(NESTOR, (await lookUp(APP_ID)).json.value[0].id)).status, 201);
    await started.close();
    started = await startDirectorySimulator({ teamsApp: { externalId: APP_ID }, stateFile: join(folder, 'state.json') });
    assert.equal(started.simulator.hasTeamsApp(NESTOR), true);
  });
});
