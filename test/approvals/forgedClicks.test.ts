/**
 * Card clicks forged by someone who may not act on a request: whatever id, stage or card they
 * claim, they get one and the same answer, byte for byte, so they cannot tell whether an id
 * exists, which resources it asks for or where it stands. The requester and the sponsor keep
 * their read-only views.
 */
import assert from 'node:assert/strict';
import { eventually } from '../support/eventually';
import type { InvokeAnswer } from '../support/fakeTeamsChannel';
import { catalogWithOwners, lidia, nestor } from '../support/ownerCatalog';
import { fileRequest, type TestBot, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('forged card clicks', function () {
  this.timeout(30_000);
  const bot = withTestBot({ RESOURCE_CATALOG_FILE: catalogWithOwners() }, { start: 'before' });

  it('get one answer, byte-identical, from a stranger on an unknown id, a real one, a real one with a stage, an extension card; and from the owner of another stage', async () => {
    // One request waits for its sponsor; another for its owners (stages 1 and 2).
    const waiting = await fileRequest(bot);
    const staged = await fileRequest(bot);
    await bot.teams.click(users.megan, staged.cardConversationId, 'approve', { requestId: staged.request.id });
    await waitForState(bot, staged.request.id, 'pending_owner_approval');
    await stageCardsOut(bot, staged.request.id);
    const diegoChat = bot.teams.conversationOf(users.diego);
    const end = new Date(Date.now() + 86_400_000).toISOString();

    const forged: Array<[string, ReturnType<typeof bot.teams.click>]> = [
      ['an unknown id', bot.teams.click(users.diego, diegoChat, 'approve', { requestId: 'GA-000000' })],
      ['a malformed id', bot.teams.click(users.diego, diegoChat, 'approve', { requestId: { $ne: null } })],
      ['a real id', bot.teams.click(users.diego, diegoChat, 'approve', { requestId: waiting.request.id })],
      ['a real id, refreshed', bot.teams.click(users.diego, diegoChat, 'refresh', { requestId: waiting.request.id })],
      ['a real id with its stage', bot.teams.click(users.diego, diegoChat, 'approve', { requestId: staged.request.id, stage: 1 })],
      ['a real id with a stage it does not have', bot.teams.click(users.diego, diegoChat, 'reject', { requestId: waiting.request.id, stage: 3 })],
      ['an unknown id with a stage', bot.teams.click(users.diego, diegoChat, 'approve', { requestId: 'GA-000000', stage: 1 })],
      ['an extension card of a real id', bot.teams.click(users.diego, diegoChat, 'extend', { requestId: staged.request.id, offeredFor: end })],
      ['an extension card of an unknown id', bot.teams.click(users.diego, diegoChat, 'letEnd', { requestId: 'GA-000000', offeredFor: end })],
      ['an extension card without its date', bot.teams.click(users.diego, diegoChat, 'extend', { requestId: staged.request.id })],
      // Nestor decides stage 2; stage 1 (Lidia's, Project Falcon) is none of his business.
      [
        'the owner of another stage',
        bot.teams.click({ ...nestor, locale: 'es-ES' }, bot.teams.conversationOf(nestor), 'approve', { requestId: staged.request.id, stage: 1 }),
      ],
    ];
    const answers = await Promise.all(forged.map(async ([what, click]) => [what, (await click).body] as [string, InvokeAnswer]));
    const [, first] = answers[0];
    for (const [what, body] of answers) assert.equal(JSON.stringify(body), JSON.stringify(first), what);
    const shown = JSON.stringify(first);
    assert.match(shown, /Aquí no hay nada que puedas hacer: esta solicitud no existe o no te corresponde decidirla\. No se ha cambiado nada\./);
    for (const detail of [staged.request.id, 'partner@fabrikam', 'Falcon', 'Expenses', 'Megan', 'Adele', 'Esperando', 'aprob'])
      assert.ok(!shown.includes(detail), `${detail} shown`);

    assert.equal((await bot.requests.get(waiting.request.id))?.state, 'pending_approval');
    assert.deepEqual(
      (await bot.requests.stagesOf(staged.request.id)).map((s) => s.state),
      ['pending', 'pending'],
    );
  });

  it('leave the requester and the sponsor their read-only views', async () => {
    const staged = await fileRequest(bot);
    await bot.teams.click(users.megan, staged.cardConversationId, 'approve', { requestId: staged.request.id });
    await waitForState(bot, staged.request.id, 'pending_owner_approval');
    await stageCardsOut(bot, staged.request.id);
    const adeleChat = bot.teams.conversationOf(users.adele);
    for (const [who, chat] of [
      [users.adele, adeleChat],
      [users.megan, staged.cardConversationId],
    ] as const) {
      const stage = JSON.stringify((await bot.teams.click(who, chat, 'approve', { requestId: staged.request.id, stage: 1 })).body.value);
      assert.match(stage, /Only the owners of Project Falcon team can decide this approval/, who.name);
      assert.doesNotMatch(stage, /"verb":"approve"/, who.name);
    }
    const own = JSON.stringify((await bot.teams.click(users.adele, adeleChat, 'approve', { requestId: staged.request.id })).body.value);
    assert.match(own, /Megan Bowen approved\. Waiting for the resource owners to approve\./);
    assert.match(own, /Only the sponsor named on this request can approve or reject it\./);
    const extension = JSON.stringify(
      (await bot.teams.click(users.adele, adeleChat, 'extend', { requestId: staged.request.id, offeredFor: new Date().toISOString() })).body.value,
    );
    assert.match(extension, /Only the sponsor who approved this access can extend it\./);
    assert.match(extension, /partner@fabrikam\.com/);
    assert.doesNotMatch(extension, /"verb":"extend"/);
    // Lidia decides her own stage as ever.
    const lidiaChat = (await bot.requests.stagesOf(staged.request.id))[0].cards?.[0]?.conversationId as string;
    assert.match(
      JSON.stringify((await bot.teams.click(lidia, lidiaChat, 'refresh', { requestId: staged.request.id, stage: 1 })).body.value),
      /"verb":"approve"/,
    );
  });
});

/** Waits until every owner stage of the request has its cards posted. */
async function stageCardsOut(bot: TestBot, requestId: string): Promise<void> {
  await eventually(async () => (await bot.requests.stagesOf(requestId)).every((s) => (s.cards?.length ?? 0) > 0), `the owners' cards of ${requestId}`);
}
