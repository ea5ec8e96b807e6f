/**
 * `request again GA-…` checks the sponsor (and the tenant's own settings) again, data-driven over the real bot: a sponsor who
 * can no longer sponsor (blocked, gone, or the only owner of a resource asked for) is replaced by
 * one the requester names, checked as the request dialog checks a sponsor (its length too), before anything is
 * filed; `cancel` files nothing.
 */
import assert from 'node:assert/strict';
import type { Person } from '../../src/requests/accessRequest';
import type { DirectorySimulator } from '../../src/simulator';
import { directoryFileWith } from '../support/directoryFile';
import { catalogWithOwners } from '../support/ownerCatalog';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const PATTI = 'a1b2c3d4-0005-4000-8000-000000000005';

/** What Adele types, then a fragment of each message the bot answers with, in order; `{id}` is the old request's id. */
type Step = [input: string, ...expected: string[]];

interface Case {
  name: string;
  env: Record<string, string>;
  /** Who sponsored the old request, when not Megan. */
  sponsor?: Person;
  steps: Step[];
  /** The sponsor of the request filed again; nothing filed when unset. */
  filedFor?: string;
  /** What an admin changes in the tenant's own settings after the old request was filed. */
  adminChange?: (simulator: DirectorySimulator) => void;
}

const cases: Case[] = [
  {
    name: 'a sponsor whose account is blocked: another is asked for, checked like the request dialog’s, then it is filed',
    env: { SIMULATOR_DIRECTORY_FILE: directoryFileWith({ [users.megan.aadObjectId]: { accountEnabled: false } }) },
    steps: [
      [
        'request again {id}',
        "Megan Bowen, who sponsored request **{id}**, can't sponsor it again: their account is blocked from signing in. Who should sponsor it now?",
      ],
      ['megan.bowen@contoso.com', "Megan Bowen's account is blocked from signing in"],
      // The request dialog's limit on a sponsor answer holds here too: refused before the directory is asked.
      [`${'x'.repeat(300)}@contoso.com`, "That's longer than an email address or user name can be (at most 254 characters)"],
      ['adele.vance@contoso.com', "You can't sponsor your own request"],
      ['jordan.lee@fabrikam.com', 'is a guest, not a member of the organization'],
      ['nobody@contoso.com', "I couldn't find “nobody@contoso.com” in the directory"],
      ['Patti.Fernandez@contoso.com', "I've sent it to Patti Fernandez for approval"],
    ],
    filedFor: PATTI,
  },
  {
    name: 'a sponsor no longer in the directory',
    env: {},
    sponsor: { id: 'a1b2c3d4-0999-4000-8000-000000000999', displayName: 'Pat Former', address: 'pat.former@contoso.com' },
    steps: [
      ['request again {id}', "Pat Former, who sponsored request **{id}**, can't sponsor it again: they're no longer in the directory."],
      ['patti.fernandez@contoso.com', "I've sent it to Patti Fernandez"],
    ],
    filedFor: PATTI,
  },
  {
    name: 'a sponsor who is the only owner of a resource asked for',
    env: { RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': ['megan.bowen@contoso.com'] }) },
    steps: [
      ['request again {id}', 'The only one who may approve access to Project Falcon team as its owner is Megan Bowen, your sponsor'],
      ['patti.fernandez@contoso.com', "I've sent it to Patti Fernandez"],
    ],
    filedFor: PATTI,
  },
  {
    name: 'cancel while asked for a sponsor files nothing',
    env: { SIMULATOR_DIRECTORY_FILE: directoryFileWith({ [users.megan.aadObjectId]: { accountEnabled: false } }) },
    steps: [
      ['request again {id}', 'Who should sponsor it now?'],
      ['cancel', "OK: I haven't filed request **{id}** again."],
      ['patti.fernandez@contoso.com', "Sorry, I didn't understand"],
    ],
  },
  {
    name: 'the requester as the only owner of a resource: nothing is filed, and they learn whom to ask',
    env: { RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': ['adele.vance@contoso.com'] }) },
    steps: [['request again {id}', "I can't file request **{id}** again: nobody could approve it."]],
  },
  {
    name: "a domain the tenant's own external-collaboration settings have blocked since: nothing is filed",
    env: {},
    adminChange: (simulator) => simulator.externalCollaboration.blockDomain('fabrikam.com'),
    steps: [['request again {id}', "I can't file request **{id}** again: guests from fabrikam"]],
  },
  {
    name: 'a sponsor who still can: filed in one step, as before',
    env: {},
    steps: [['request again {id}', "I've sent it to Megan Bowen for approval"]],
    filedFor: users.megan.aadObjectId,
  },
];

describe('request again checks the sponsor again', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });

  for (const { name, env, sponsor, steps, filedFor, adminChange } of cases) {
    it(name, async () => {
      await bot.start(env);
      const { request } = await fileRequest(bot, users.adele, 10_000, sponsor ? { sponsor } : {});
      await bot.teams.say(users.adele, `cancel ${request.id}`);
      await waitForState(bot, request.id, 'cancelled');
      if (bot.app.simulator) adminChange?.(bot.app.simulator);
      const adeleChat = bot.teams.conversationOf(users.adele);
      for (const [input, ...expected] of steps) {
        const before = bot.channel.messagesTo(adeleChat).length;
        await bot.teams.say(users.adele, input.replace('{id}', request.id));
        const said = bot.channel
          .messagesTo(adeleChat)
          .slice(before)
          .map((m) => m.text ?? '');
        assert.equal(said.length, expected.length, `after “${input}” the bot said:\n${said.join('\n---\n')}`);
        expected.forEach((fragment, i) =>
          assert.ok(said[i].includes(fragment.replace('{id}', request.id)), `after “${input}”, expected “${fragment}” in:\n${said[i]}`),
        );
      }
      const filed = (await bot.app.database.db.selectFrom('access_requests').select(['id', 'sponsor_id']).where('id', '!=', request.id).execute()).map(
        (r) => r.sponsor_id,
      );
      assert.deepEqual(filed, filedFor ? [filedFor] : []);
      if (filedFor && filedFor !== users.megan.aadObjectId) {
        const asked = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'filedAgain');
        assert.equal(asked?.detail?.sponsor, filedFor, 'the audit says who sponsors it now');
      }
    });
  }
});
