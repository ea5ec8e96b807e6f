/**
 * `status` and `pending` over HTTP: each person sees their own requests, or the approvals waiting
 * on them, with the actions that apply now, and nobody else's.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('status and pending in chat', function () {
  this.timeout(30_000);
  const bot = withTestBot({ MAX_OPEN_REQUESTS: '50' });

  const last = (user: typeof users.adele) => bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1) as Partial<Activity>;
  const cardOf = (activity: Partial<Activity>, index = 0) => activity.attachments?.[index]?.content as { body: unknown[] };

  it('shows the requester their requests, newest first, with what they can do now', async () => {
    const rejected = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'one@fabrikam.com' });
    await bot.teams.click(users.megan, rejected.cardConversationId, 'reject', { requestId: rejected.request.id });
    const invited = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'two@fabrikam.com' });
    await bot.teams.click(users.megan, invited.cardConversationId, 'approve', { requestId: invited.request.id });
    await waitForState(bot, invited.request.id, 'invited');
    // The link's message and its choices are in before Adele types, so the last message is the answer to `status`.
    await bot.settle();
    const pending = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'three@fabrikam.com' });

    await bot.teams.say(users.adele, 'status');
    const card = JSON.stringify(cardOf(last(users.adele)));
    const order = [pending, invited, rejected].map(({ request }) => card.indexOf(`${request.id} · `));
    assert.ok(order.every((at) => at >= 0) && order[0] < order[1] && order[1] < order[2], `newest first: ${order}`);
    assert.match(card, /Waiting for Megan Bowen to decide\./);
    assert.match(card, /Invited; the guest hasn't accepted yet\./);
    assert.match(card, /Rejected by Megan Bowen\./);
    assert.match(card, /requested [^"]+ → approved [^"]+ → invited/);
    assert.deepEqual(
      JSON.parse(card).body.flatMap((c: { items?: { actions?: { data: { command: string } }[] }[] }) =>
        (c.items ?? []).flatMap((i) => (i.actions ?? []).map((a) => a.data.command)),
      ),
      [
        `cancel ${pending.request.id}`,
        // No "Send Microsoft's email": with SEND_INVITATION_EMAIL on (the default) it has gone already.
        `link ${invited.request.id}`,
      ],
    );

    // The Cancel button: an Action.Execute whose turn runs the command as if typed.
    await bot.teams.click(users.adele, bot.teams.conversationOf(users.adele), 'command', { command: `cancel ${pending.request.id}` });
    assert.match(last(users.adele).text ?? '', new RegExp(`^Request \\*\\*${pending.request.id}\\*\\* for three@fabrikam\\.com is cancelled`));
    // A status card from before, whose Action.Submit sends only its data, still works.
    await bot.teams.post(users.adele, { type: 'message', value: { command: `cancel ${pending.request.id}` } });
    assert.match(last(users.adele).text ?? '', /can't be cancelled any more: it is already cancelled/);
    assert.equal((await bot.requests.get(pending.request.id))?.state, 'cancelled');
  });

  it('shows nobody else’s requests, in their language', async () => {
    await fileRequest(bot);
    await bot.teams.install(users.diego);
    await bot.teams.say(users.diego, 'estado');
    assert.equal(last(users.diego).text, 'Aún no has pedido acceso de invitado. Escribe **solicitar** para empezar.');
    await bot.teams.say(users.diego, 'pendientes');
    assert.equal(last(users.diego).text, 'No hay nada pendiente de tu aprobación.');
  });

  it('shows the sponsor what waits on them, oldest first, deciding in place with the card’s own check', async () => {
    const first = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'one@fabrikam.com' });
    const second = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'two@fabrikam.com' });
    await bot.teams.install(users.megan);
    const meganChat = bot.teams.conversationOf(users.megan);
    await bot.teams.say(users.megan, 'pending');
    const answer = bot.channel.messagesTo(meganChat).at(-1) as Partial<Activity>;
    assert.equal(answer.text, '2 requests are waiting for your decision, oldest first:');
    assert.deepEqual(
      answer.attachments?.map((a) => JSON.stringify(a.content).includes(first.request.id)),
      [true, false],
    );

    const { body } = await bot.teams.click(users.megan, meganChat, 'approve', { requestId: second.request.id });
    assert.match(JSON.stringify(body.value), /Approved by Megan Bowen/);
    await waitForState(bot, second.request.id, 'invited');
    // Someone else clicking the same card in their chat decides nothing.
    await bot.teams.click(users.diego, bot.teams.conversationOf(users.diego), 'approve', { requestId: first.request.id });
    assert.equal((await bot.requests.get(first.request.id))?.state, 'pending_approval');
  });

  it('pages long lists', async () => {
    for (let n = 0; n < 12; n++) await fileRequest(bot, users.adele, 10_000, { guestEmail: `p${n}@fabrikam.com` });
    await bot.teams.say(users.adele, 'status');
    assert.match(JSON.stringify(cardOf(last(users.adele))), /And 2 older requests, not shown\./);
    await bot.teams.install(users.megan);
    await bot.teams.say(users.megan, 'pending');
    const meganChat = bot.channel.messagesTo(bot.teams.conversationOf(users.megan));
    assert.equal(meganChat.at(-2)?.attachments?.length, 10);
    assert.match(meganChat.at(-1)?.text ?? '', /^And 2 more: decide these, then type \*\*pending\*\* again\.$/);
  });
});
