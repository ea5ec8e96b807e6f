/**
 * Separation of duties at filing time, data-driven: before the requester confirms, every owner
 * stage their request needs must have an approver other than them and their sponsor, as the
 * directory says now (enabled members only). When only the sponsor could approve a resource, the
 * requester is asked for another sponsor; when nobody else could, nothing is filed and they learn
 * whom to ask. Also: a sponsor whose account is blocked cannot sponsor. On the real Graph adapter
 * against the directory simulator over HTTP.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { ConversationState } from 'botbuilder';
import { DialogTestClient } from 'botbuilder-testing';
import { MainDialog } from '../../dialogs/mainDialog';
import { RequestAccessDialog } from '../../dialogs/requestAccessDialog';
import { loadCatalog, loadConfig, SAMPLE_CATALOG_FILE, SAMPLE_DIRECTORY_FILE } from '../../src/config';
import { loadSimulatorSeed } from '../../src/simulator/simulatorSeed';
import type { ResourceCatalog } from '../../src/requests/catalog';
import type { OpenDatabase } from '../../src/storage/database';
import { DialogStateStorage } from '../../src/storage/dialogStateStorage';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { type DirectoryFixture, sample, startDirectoryFixture } from '../directory/directoryFixture';
import { memoryDatabase } from '../support/sqliteMemory';
import { visibleText } from '../support/visibleText';

const today = new Date('2026-11-30T10:00:00Z');
const timing = loadConfig({}).timing;
const guestPolicy = { allowedDomains: [], blockedDomains: [], internalDomains: ['contoso.com'] };
const nestorId = 'a1b2c3d4-0004-4000-8000-000000000004';

interface Person {
  aadObjectId: string;
  name: string;
  locale: string;
}
const adele: Person = { aadObjectId: sample.adele, name: 'Adele Vance', locale: 'en-US' };
const diego: Person = { aadObjectId: 'a1b2c3d4-0003-4000-8000-000000000003', name: 'Diego Siciliani', locale: 'es-ES' };

/** The sample catalog with these approvers for Project Falcon team (resource 1). */
function falconOwnedBy(...approvers: string[]): ResourceCatalog {
  const catalog = loadCatalog(SAMPLE_CATALOG_FILE);
  return { resources: catalog.resources.map((r) => (r.id === 'falcon-team' ? { ...r, approvers } : r)) };
}

/** What the user types, then a fragment (or fragments) of each message the bot answers with, in order. */
type Step = [input: string, ...expected: (string | string[])[]];

interface Case {
  name: string;
  as?: Person;
  catalog: ResourceCatalog;
  steps: Step[];
  /** The sponsor of the request filed in the end; nothing filed when unset. */
  files?: string;
}

/** Adele asks for Falcon for partner@fabrikam.com, up to the sponsor question (her manager: Megan). */
const UP_TO_SPONSOR: Step[] = [
  ['request', "partner's email address"],
  ['partner@fabrikam.com', 'Which resources'],
  ['1', 'For how long'],
  ['ok', 'Why does'],
  ['Falcon launch, three months', 'Megan Bowen'],
];
const MEGAN_ONLY =
  'The only one who may approve access to Project Falcon team as its owner is Megan Bowen, your sponsor, and nobody approves the same request twice. Who else could sponsor it?';

const cases: Case[] = [
  {
    name: 'the sponsor as the only owner: another sponsor is asked for, then the request is confirmed as usual',
    catalog: falconOwnedBy('megan.bowen@contoso.com'),
    steps: [
      ...UP_TO_SPONSOR,
      ['ok', MEGAN_ONLY],
      // The same answer again gets the same question.
      ['megan.bowen@contoso.com', MEGAN_ONLY],
      ['adele.vance@contoso.com', "You can't sponsor your own request"],
      ['Patti.Fernandez@contoso.com', ['Sponsor: Patti Fernandez (patti.fernandez@contoso.com)', 'Shall I send it to Patti Fernandez for approval?']],
      ['yes', 'is waiting for Patti Fernandez to approve it'],
    ],
    files: sample.patti,
  },
  {
    name: 'the sponsor and the requester as the only owners: another sponsor leaves the first one free to approve as owner',
    catalog: falconOwnedBy(sample.megan, 'adele.vance@contoso.com'),
    steps: [
      ...UP_TO_SPONSOR,
      ['ok', MEGAN_ONLY],
      ['diego.siciliani@contoso.com', 'Shall I send it to Diego Siciliani'],
      ['yes', 'waiting for Diego Siciliani'],
    ],
    files: diego.aadObjectId,
  },
  {
    name: 'the requester as the only owner: nothing is filed, and they learn whom to ask',
    catalog: falconOwnedBy('adele.vance@contoso.com'),
    steps: [
      ...UP_TO_SPONSOR,
      [
        'ok',
        [
          "I can't send this request: nobody could approve it.",
          'You are the only one who may approve access to Project Falcon team as its owner',
          'Ask IT to add another approver to the resource catalog, or type **request**',
        ],
      ],
      ['yes', "Sorry, I didn't understand"],
    ],
  },
  {
    name: 'owners of whom none is an enabled member: a guest and someone unknown',
    catalog: falconOwnedBy(sample.jordanMail, 'nobody@contoso.com'),
    steps: [
      ...UP_TO_SPONSOR,
      ['ok', ["I can't send this request", 'Nobody in the directory may approve access to Project Falcon team as its owner just now.']],
    ],
  },
  {
    name: 'an owner other than the requester and the sponsor: nothing changes',
    catalog: falconOwnedBy('megan.bowen@contoso.com', 'lidia.holloway@contoso.com'),
    steps: [...UP_TO_SPONSOR, ['ok', 'Shall I send it to Megan Bowen'], ['yes', 'waiting for Megan Bowen']],
    files: sample.megan,
  },
  {
    name: 'in Spanish, the sponsor as the only owner',
    as: diego,
    catalog: falconOwnedBy('patti.fernandez@contoso.com'),
    steps: [
      ['solicitar', 'dirección de correo del socio'],
      ['socio@fabrikam.com', '¿Qué recursos'],
      ['1', '¿Durante cuánto tiempo'],
      ['ok', '¿Por qué'],
      ['Lanzamiento de Falcon, tres meses', 'Patti Fernandez'],
      ['vale', 'La única persona que puede aprobar el acceso a Project Falcon team como responsable es Patti Fernandez, tu patrocinador'],
      ['cancelar', 'Cancelado: no se ha enviado nada.'],
    ],
  },
];

describe('owner approvers checked before a request is confirmed', function () {
  let fixture: DirectoryFixture;
  let database: OpenDatabase;
  let requests: SqlRequestRepository;

  before(async () => {
    // Nestor has left: his account is blocked.
    const seed = loadSimulatorSeed(SAMPLE_DIRECTORY_FILE);
    fixture = await startDirectoryFixture({ seed: { ...seed, users: seed.users.map((u) => (u.id === nestorId ? { ...u, accountEnabled: false } : u)) } });
  });
  after(async () => fixture.close());
  beforeEach(async () => {
    database = await memoryDatabase();
    requests = requestRepository(database.db, { clock: () => today });
  });
  afterEach(async () => database.close());

  function newClient(catalog: ResourceCatalog): DialogTestClient {
    const deps = {
      directory: fixture.directory,
      tenantPolicy: fixture.tenantPolicy,
      catalog,
      requests,
      guestPolicy,
      tenantId: sample.tenantId,
      maxOpenRequests: 10,
      timing,
      clock: () => today,
    };
    const state = new ConversationState(new DialogStateStorage(database.db));
    return new DialogTestClient('msteams', new MainDialog(new RequestAccessDialog(deps), { ...deps, localTestsAllowed: false }), undefined, [], state);
  }

  async function play(client: DialogTestClient, who: Person, steps: Step[]): Promise<void> {
    for (const [input, ...expected] of steps) {
      let reply: Partial<Activity> | undefined = await client.sendActivity({
        type: 'message',
        text: input,
        locale: who.locale,
        from: { id: `29:${who.name}`, name: who.name, aadObjectId: who.aadObjectId },
      });
      const texts: string[] = [];
      for (; reply; reply = client.getNextReply()) if (reply.type === 'message') texts.push(visibleText(reply));
      assert.equal(texts.length, expected.length, `after “${input}” the bot said:\n${texts.join('\n---\n')}`);
      expected.forEach((fragments, i) => {
        for (const fragment of [fragments].flat()) assert.ok(texts[i].includes(fragment), `after “${input}”, expected “${fragment}” in:\n${texts[i]}`);
      });
    }
  }

  for (const { name, as, catalog, steps, files } of cases) {
    it(name, async () => {
      await play(newClient(catalog), as ?? adele, steps);
      const filed = await database.db.selectFrom('access_requests').select(['sponsor_id']).execute();
      assert.deepEqual(
        filed.map((r) => r.sponsor_id),
        files ? [files] : [],
      );
    });
  }

  it('refuses a sponsor whose account is blocked from signing in', async () => {
    await play(newClient(loadCatalog(SAMPLE_CATALOG_FILE)), adele, [
      ...UP_TO_SPONSOR,
      ['nestor.wilke@contoso.com', "Nestor Wilke's account is blocked from signing in (they may have left), so they can't sponsor a guest."],
      ['patti.fernandez@contoso.com', 'Sponsor: Patti Fernandez'],
    ]);
  });

  it('counts an owner whose account is blocked as nobody', async () => {
    await play(newClient(falconOwnedBy(nestorId)), adele, [
      ...UP_TO_SPONSOR,
      ['ok', ["I can't send this request", 'Nobody in the directory may approve access to Project Falcon team']],
    ]);
  });
});
