/**
 * The second approval, by the owners of resources whose catalog entry names `approvers`: after the
 * sponsor, each stage's approvers get their own card for their resource; each stage is decided
 * only by its own approvers, in either order; a rejection anywhere rejects with its reason; a
 * restart between stages loses nothing; and an owner stage times out like the sponsor's.
 */
import assert from 'node:assert/strict';
import { catalogWithOwners, lidia, nestor } from '../support/ownerCatalog';
import { fileRequest, type TestBot, users, waitForState } from '../support/testBot';
import { restartableBot, withTestBot } from '../support/testBotSession';

describe('approval by the resource owners after the sponsor', function () {
  this.timeout(30_000);
  const owners = { RESOURCE_CATALOG_FILE: catalogWithOwners() };
  const bot = withTestBot(owners);

  /** Where the card of approval `number` (2: the first owner stage) went, once posted. */
  async function stageCard(number: number, on: TestBot = bot): Promise<string> {
    const heading = new RegExp(`(Approval ${number} of 3|Aprobación ${number} de 3)`);
    const sent = await on.channel.waitFor(
      () => on.channel.sent.find((s) => heading.test(JSON.stringify(s.activity.attachments ?? []))),
      `the card of approval ${number}`,
    );
    return sent.conversationId;
  }

  /** Adele's request for Falcon and Expenses, approved by Megan: the owner stages open. */
  async function approvedBySponsor(on: TestBot = bot) {
    const filed = await fileRequest(on, users.adele, 10_000);
    const click = await on.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    assert.match(JSON.stringify(click.body.value), /Megan Bowen approved\. Waiting for the resource owners to approve\./);
    await waitForState(on, filed.request.id, 'pending_owner_approval');
    return filed;
  }

  for (const order of [
    [2, 3],
    [3, 2],
  ] as const) {
    it(`is provisioned once both owner stages approve, clicked in the order ${order.join(' then ')}, each only by its own approvers`, async () => {
      const { request, cardConversationId } = await approvedBySponsor();
      const adeleChat = bot.teams.conversationOf(users.adele);
      await bot.channel.waitFor(
        () => bot.channel.messagesTo(adeleChat).find((m) => /The owners of Project Falcon team, Contoso Expenses must approve too/.test(m.text ?? '')),
        'Adele told who decides next',
      );
      const chats = { 2: await stageCard(2), 3: await stageCard(3) };
      const owners = { 2: lidia, 3: nestor };
      // Each owner sees only their own resource, which approval it is, in their own language (Lidia's directory preferredLanguage is Spanish).
      const lidiaCard = JSON.stringify(bot.channel.messagesTo(chats[2])[0]?.attachments);
      assert.match(lidiaCard, /Aprobación 2 de 3: de los responsables de Project Falcon team, después de que Megan Bowen \(patrocinador\) la aprobara/);
      assert.doesNotMatch(lidiaCard, /Contoso Expenses/);
      assert.match(JSON.stringify(bot.channel.messagesTo(chats[3])[0]?.attachments), /Approval 3 of 3: by the owners of Contoso Expenses/);

      // The wrong owner, the sponsor and the requester cannot decide a stage; the wrong owner is not even told its resource.
      const wrong = await bot.teams.click(nestor, chats[2], 'approve', { requestId: request.id, stage: '1' });
      assert.match(JSON.stringify(wrong.body.value), /There is nothing here you can act on/);
      assert.doesNotMatch(JSON.stringify(wrong.body.value), /Falcon/);
      const sponsorTry = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, stage: '1' });
      assert.doesNotMatch(JSON.stringify(sponsorTry.body.value), /"verb":"approve"/);
      // Nor can the sponsor approve again on their own card.
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      assert.equal((await bot.requests.get(request.id))?.state, 'pending_owner_approval');

      // `pending` shows each owner their stage's card, to decide there.
      await bot.teams.say(lidia, 'pending');
      const listed = bot.channel.messagesTo(bot.teams.conversationOf(lidia)).at(-1);
      assert.match(listed?.text ?? '', /One request is waiting for your decision/);
      assert.match(JSON.stringify(listed?.attachments), /Aprobación 2 de 3|Approval 2 of 3/);

      const [first, second] = order;
      const firstClick = await bot.teams.click(owners[first], chats[first], 'approve', { requestId: request.id, stage: String(first - 1) });
      assert.match(JSON.stringify(firstClick.body.value), /approved access to/);
      assert.equal((await bot.requests.get(request.id))?.state, 'pending_owner_approval');
      await bot.teams.click(owners[second], chats[second], 'approve', { requestId: request.id, stage: String(second - 1) });
      await waitForState(bot, request.id, 'invited');

      const trail = await bot.requests.auditTrail(request.id);
      assert.deepEqual(
        trail
          .filter((e) => e.action.startsWith('stage') && e.action !== 'stageApproversResolved' && e.action !== 'stageCardsPosted')
          .map((e) => [e.action, e.actor.kind === 'user' ? e.actor.displayName : '']),
        [order[0], order[1]].map((n) => ['stageApproved', owners[n].name]),
      );
      assert.deepEqual(
        trail.filter((e) => e.toState).map((e) => e.toState),
        ['pending_approval', 'pending_owner_approval', 'approved', 'invited'],
      );
    });
  }

  it('a rejection by an owner rejects the request, passes the reason on, and closes the other stage', async () => {
    const { request } = await approvedBySponsor();
    const lidiaChat = await stageCard(2);
    const nestorChat = await stageCard(3);
    const click = await bot.teams.click(lidia, lidiaChat, 'reject', { requestId: request.id, stage: '1', comment: 'Falcon is internal until launch' });
    assert.match(JSON.stringify(click.body.value), /Lidia Holloway rejected access to Project Falcon team, so the request is rejected/);
    await waitForState(bot, request.id, 'rejected');
    const told = await bot.channel.waitFor(
      () =>
        bot.channel
          .messagesTo(bot.teams.conversationOf(users.adele))
          .find((m) => /^Lidia Holloway, an owner of Project Falcon team, rejected request/.test(m.text ?? '')),
      'Adele told',
    );
    assert.match(told.text ?? '', /Falcon is internal until launch/);
    // Nestor's card no longer offers a decision, and his click changes nothing.
    const late = await bot.teams.click(nestor, nestorChat, 'approve', { requestId: request.id, stage: '2' });
    assert.doesNotMatch(JSON.stringify(late.body.value), /"verb":"approve"/);
    assert.equal((await bot.requests.stagesOf(request.id)).find((s) => s.stage === 2)?.state, 'pending');
    assert.equal((await bot.requests.get(request.id))?.state, 'rejected');
  });

  it('loses nothing when the bot restarts between stages', async () => {
    const restarted = await restartableBot(owners);
    try {
      const { request } = await approvedBySponsor(restarted);
      const lidiaChat = await stageCard(2, restarted);
      const nestorChat = await stageCard(3, restarted);
      await restarted.restart();
      await restarted.teams.click(lidia, lidiaChat, 'approve', { requestId: request.id, stage: '1' });
      await restarted.restart();
      await restarted.teams.click(nestor, nestorChat, 'approve', { requestId: request.id, stage: '2' });
      await waitForState(restarted, request.id, 'invited');
    } finally {
      await restarted.close();
    }
  });

  it('an owner stage is reminded, then expires, counted from when it opened', async () => {
    const { request } = await approvedBySponsor();
    const lidiaChat = await stageCard(2);
    await stageCard(3);
    await bot.passDays(2.1);
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(lidiaChat).find((m) => /^Recordatorio: Adele Vance pidió/.test(m.text ?? '')),
      'Lidia reminded, in Spanish',
    );
    await bot.passDays(5);
    const expired = await waitForState(bot, request.id, 'expired');
    assert.ok(
      (await bot.requests.auditTrail(expired.id)).some((e) => e.toState === 'expired' && (e.detail as { stage?: number } | undefined)?.stage !== undefined),
    );
  });
});
