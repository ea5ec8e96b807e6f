/**
 * Undecided requests, on an injected clock (nobody sleeps for days): the sponsor is reminded with
 * the card again, then the request expires; the requester is told, with a button to file it again;
 * a click on the expired card gets the current state; and the timers outlive a restart.
 */
import assert from 'node:assert/strict';
import { fileRequest, users, waitForState } from '../support/testBot';
import { restartableBot, withTestBot } from '../support/testBotSession';

describe('undecided requests: reminder and expiry', function () {
  this.timeout(20_000);
  const bot = withTestBot({}, { start: 'inTest' });

  it('reminds the sponsor once after APPROVAL_REMINDER_HOURS, with the card again, then expires the request after APPROVAL_TIMEOUT_DAYS', async () => {
    await bot.start();
    const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000);
    const toMegan = () => bot.channel.messagesTo(cardConversationId);
    const adeleChat = bot.teams.conversationOf(users.adele);

    await bot.passDays(1.9);
    assert.equal(toMegan().filter((m) => /^Reminder/.test(m.text ?? '')).length, 0, 'not before 48 hours');
    await bot.passDays(0.2);
    const reminder = toMegan().find((m) => /^Reminder: Adele Vance asked on .* for guest access for partner@fabrikam\.com/.test(m.text ?? ''));
    assert.ok(reminder, 'the sponsor was reminded');
    assert.match(reminder.text ?? '', /it expires on/);
    assert.match(JSON.stringify(reminder.attachments), /"verb":"approve"/, 'with the card to decide on');
    await bot.passDays(1);
    assert.equal(toMegan().filter((m) => /^Reminder/.test(m.text ?? '')).length, 1, 'once');
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');

    await bot.passDays(5);
    const expired = await waitForState(bot, request.id, 'expired');
    assert.ok((await bot.requests.auditTrail(request.id)).some((e) => e.action === 'expired' && e.toState === 'expired' && e.actor.kind === 'system'));
    const told = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => /expired: Megan Bowen didn't decide in time/.test(m.text ?? '')),
      'the requester told',
    );
    assert.match(told.text ?? '', new RegExp(`request again ${expired.id}`));
    const button = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => JSON.stringify(m.attachments ?? []).includes('Request again')),
      'the Request again button',
    );
    assert.match(JSON.stringify(button.attachments), new RegExp(`"command":"request again ${expired.id}"`));
    await bot.channel.waitFor(
      () => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('This request expired before anyone decided.')),
      'the card says expired',
    );

    // Megan clicks Approve on the old card: she sees where it stands, and nothing happens.
    const click = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    assert.equal(click.status, 200);
    const card = JSON.stringify(click.body.value);
    assert.match(card, /This request expired before anyone decided\./);
    assert.doesNotMatch(card, /"verb":"approve"/);
    assert.equal((await bot.requests.get(request.id))?.state, 'expired');
  });

  it('files an expired request again with one click: same guest, resources and sponsor, a new id and new timers', async () => {
    await bot.start();
    const { request } = await fileRequest(bot, users.adele, 10_000, { accessDays: 20 });
    await bot.passDays(7.1);
    await waitForState(bot, request.id, 'expired');
    const adeleChat = bot.teams.conversationOf(users.adele);

    const click = await bot.teams.click(users.adele, adeleChat, 'command', { command: `request again ${request.id}` });
    assert.equal(click.status, 200);
    const filed = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => /^Filed again as \*\*GA-\w{6}\*\*/.test(m.text ?? '')),
      'filed again',
    );
    const newId = /GA-\w{6}/.exec(filed.text ?? '')?.[0] as string;
    const again = await bot.requests.get(newId);
    assert.equal(again?.state, 'pending_approval');
    assert.equal(again?.guestEmail, request.guestEmail);
    assert.deepEqual(again?.resourceIds, request.resourceIds);
    assert.equal(again?.sponsor.id, request.sponsor.id);
    assert.equal(again?.accessDays, 20);
    assert.ok((await bot.requests.auditTrail(request.id)).some((e) => e.action === 'filedAgain' && e.detail?.as === newId));
    // Its card goes to Megan, and its own reminder comes in two days.
    await bot.channel.waitFor(() => bot.channel.sent.filter((s) => JSON.stringify(s.activity.attachments ?? []).includes(newId)).length > 0, 'the new card');

    // Typed, for a request that is not expired: said why not.
    await bot.teams.say(users.adele, `request again ${newId}`);
    assert.match(bot.channel.messagesTo(adeleChat).at(-1)?.text ?? '', /is waiting for the sponsor, so there is nothing to file again/);
  });

  it('keeps every timer through a restart: the reminder and the expiry still come', async () => {
    const restarted = await restartableBot();
    try {
      const { request } = await fileRequest(restarted, users.adele, 10_000);
      await restarted.restart();
      await restarted.passDays(2.1);
      await restarted.passDays(5);
      await waitForState(restarted, request.id, 'expired');
      assert.deepEqual(
        (await restarted.requests.auditTrail(request.id)).map((e) => e.action).filter((a) => a === 'approverReminded' || a === 'expired'),
        ['approverReminded', 'expired'],
      );
    } finally {
      await restarted.close();
    }
  });
});
