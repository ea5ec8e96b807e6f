import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledSchemas } from '../../src/packager/bundledSchemas';
import { fillPlaceholders } from '../../src/packager/placeholders';
import { PROJECT_ROOT as projectRoot } from '../../src/projectRoot';
import { validateLanguageFile, validateManifest } from '../../src/packager/validateManifest';
import { REQUEST_COMMAND_ID } from '../../src/teams/requestFromMessage/requestFromMessage';

const TEST_GUID = '0b3c5d7e-1a2b-4c3d-8e9f-a0b1c2d3e4f5';

function shipped(file: string): Record<string, unknown> {
  const { text, unfilled } = fillPlaceholders(readFileSync(join(projectRoot, 'appPackage', file), 'utf8'), {
    BOT_ID: TEST_GUID,
    TEAMS_APP_ID: TEST_GUID,
  });
  assert.deepEqual(unfilled, [], `${file} uses placeholders packaging does not fill`);
  return JSON.parse(text) as Record<string, unknown>;
}

describe('Teams app manifest', () => {
  const manifest = shipped('manifest.json');
  const schemas = loadBundledSchemas(String(manifest.manifestVersion));

  it('uses a GA schema of version 1.24 or later', () => {
    const [major, minor] = String(manifest.manifestVersion).split('.').map(Number);
    assert.ok(major > 1 || (major === 1 && minor >= 24), `manifestVersion is ${String(manifest.manifestVersion)}`);
    assert.equal(manifest.$schema, schemas.manifestUrl);
  });

  it('validates against the bundled schema once its placeholders are filled', async () => {
    assert.deepEqual(await validateManifest(manifest, schemas), []);
  });

  it('offers one bot, in personal chat only, with the request, help and cancel commands', () => {
    const bots = manifest.bots as { botId: string; scopes: string[]; commandLists: { scopes: string[]; commands: { title: string }[] }[] }[];
    assert.equal(bots.length, 1);
    assert.equal(bots[0].botId, TEST_GUID);
    assert.deepEqual(bots[0].scopes, ['personal']);
    assert.deepEqual(
      bots[0].commandLists.map((list) => list.scopes),
      [['personal']],
    );
    assert.deepEqual(
      bots[0].commandLists[0].commands.map((command) => command.title),
      ['request', 'help', 'cancel', 'status', 'pending'],
    );
  });

  it('offers one message extension on the same bot: Request guest access, on a message, in the compose box and the command box', () => {
    assert.deepEqual(manifest.composeExtensions, [
      {
        botId: TEST_GUID,
        commands: [
          {
            // The id the bot answers (a command it does not know is answered with a notice).
            id: REQUEST_COMMAND_ID,
            type: 'action',
            title: 'Request guest access',
            description: 'Ask for guest access for the partners a message names, checked before anyone is asked',
            context: ['compose', 'commandBox', 'message'],
            fetchTask: true,
          },
        ],
      },
    ]);
  });

  it('ships a Spanish translation that validates against the bundled Localization schema', async () => {
    assert.deepEqual(manifest.localizationInfo, { defaultLanguageTag: 'en-us', additionalLanguages: [{ languageTag: 'es', file: 'es.json' }] });
    const spanish = shipped('es.json');
    assert.deepEqual(await validateLanguageFile('es.json', spanish, manifest, schemas), []);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => spanish[`bots[0].commandLists[0].commands[${i}].title`]),
      ['solicitar', 'ayuda', 'cancelar', 'estado', 'pendientes'],
    );
    assert.equal(spanish['composeExtensions[0].commands[0].title'], 'Pedir acceso de invitado');
  });

  it('reports a missing required field and a bot id that is not a GUID', async () => {
    const broken = structuredClone(manifest);
    delete broken.developer;
    (broken.bots as { botId: string }[])[0].botId = 'not-a-guid';
    const problems = await validateManifest(broken, schemas);
    assert.ok(
      problems.some((p) => p.includes("required property 'developer'")),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.startsWith('manifest.json: /bots/0/botId must match pattern')),
      problems.join('\n'),
    );
  });

  it('reports translations of text the manifest does not have', async () => {
    const stale = { ...shipped('es.json'), 'bots[0].commandLists[0].commands[5].title': 'aprobar' };
    assert.deepEqual(await validateLanguageFile('es.json', stale, manifest, schemas), [
      'es.json: "bots[0].commandLists[0].commands[5].title" translates nothing, because manifest.json has no text at that place.',
    ]);
  });

  it('reports a Spanish name longer than Teams allows', async () => {
    const tooLong = { ...shipped('es.json'), 'name.short': 'x'.repeat(31) };
    const problems = await validateLanguageFile('es.json', tooLong, manifest, schemas);
    assert.ok(
      problems.some((p) => p.startsWith('es.json: /name.short must NOT have more than 30 characters')),
      problems.join('\n'),
    );
  });
});
