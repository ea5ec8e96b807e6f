/**
 * `cancel GA-…` over HTTP, as the requester types it: only their own request, only while the
 * sponsor has not decided, and never both cancelled and approved.
 */
import assert from 'node:assert/strict';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('cancelling a request by its id', function () {
  this.timeout(20_000);
  const bot = withTestBot();

  const lastTo = (user: typeof users.adele) => bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1)?.text ?? '';

  it('withdraws the requester’s pending request, turns the sponsor’s card, and a later click changes nothing', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    await bot.teams.say(users.adele, `cancel ${request.id.toLowerCase()}`);
    assert.equal(
      lastTo(users.adele),
      `Request **${request.id}** for partner@fabrikam.com is cancelled. Megan Bowen's card now says so, and it can no longer be approved.`,
    );
    assert.equal((await bot.requests.get(request.id))?.state, 'cancelled');
    await bot.channel.waitFor(
      () => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('Adele Vance cancelled this request.')),
      'the card turned',
    );

    const { body } = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    assert.match(JSON.stringify(body.value), /Adele Vance cancelled this request\./);
    assert.equal((await bot.requests.get(request.id))?.state, 'cancelled');

    await bot.teams.say(users.adele, `cancel ${request.id}`);
    assert.equal(lastTo(users.adele), `Request **${request.id}** can't be cancelled any more: it is already cancelled.`);
  });

  it('answers in Spanish, and says when it is too late', async () => {
    const { request, cardConversationId } = await fileRequest(bot, users.diego, 10_000, {
      requesterLocale: 'es-ES',
      requesterConversationId: bot.teams.conversationOf(users.diego),
    });
    await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    await bot.teams.say(users.diego, `cancelar ${request.id}`);
    assert.match(lastTo(users.diego), new RegExp(`^La solicitud \\*\\*${request.id}\\*\\* ya no se puede cancelar: está aprobada`));
  });

  it('does not let anyone cancel, or learn about, someone else’s request', async () => {
    const { request } = await fileRequest(bot);
    await bot.teams.say(users.diego, `cancelar ${request.id}`);
    assert.equal(lastTo(users.diego), `No encuentro ninguna solicitud **${request.id}** tuya. Revisa el identificador en mis mensajes (es como GA-7K3QZP).`);
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });

  it('lets exactly one of a cancel and an approval made at the same moment win', async () => {
    for (let round = 0; round < 5; round++) {
      const { request, cardConversationId } = await fileRequest(bot);
      await Promise.all([
        bot.teams.say(users.adele, `cancel ${request.id}`),
        bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id }),
      ]);
      const decisions = (await bot.requests.auditTrail(request.id)).filter((e) => e.toState === 'cancelled' || e.toState === 'approved');
      assert.equal(decisions.length, 1, JSON.stringify(decisions));
      if (decisions[0].toState === 'approved') await waitForState(bot, request.id, 'invited');
    }
  });
});
