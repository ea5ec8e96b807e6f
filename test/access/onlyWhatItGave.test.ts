/**
 * The directory is shared: at the end of a request the bot takes away only the memberships and
 * app roles it added itself, and disables or deletes only an account its own invitation created.
 * Jordan Lee (a guest of Fabrikam who accepted long ago) is already in the Partner Extranet group,
 * given by someone else; two colleagues cannot use a one-day request and `end` to wipe him.
 */
import assert from 'node:assert/strict';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { eventually } from '../support/eventually';

const EXTRANET_GROUP = 'c0ffee00-0002-4000-8000-00000000c002';
const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';
/** Contoso Expenses, offered through the group that is assigned the app. */
const EXPENSES_GROUP = 'c0ffee00-0004-4000-8000-00000000c004';
const JORDAN = 'b7c8d9e0-0101-4000-8000-000000000101';
const DAY = 86_400_000;

describe('the bot takes away only what it gave', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });

  async function approved(guestEmail: string, resourceIds: string[], days: number) {
    const endsAt = new Date(bot.clock.now().getTime() + days * DAY).toISOString();
    const filed = await fileRequest(bot, users.adele, 10_000, {
      guestEmail,
      resourceIds,
      accessDays: days,
      endsAt,
      requesterConversationId: bot.teams.conversationOf(users.adele),
    });
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    return filed;
  }

  it('ended by the sponsor the next day, a request for an existing guest leaves what others gave him, and his account, with GUEST_END_ACTION=delete', async () => {
    await bot.start({ GUEST_END_ACTION: 'delete' });
    const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
    assert.ok(simulator.groupMembers(EXTRANET_GROUP).includes(JORDAN), 'given by someone else before the bot');
    const { request, cardConversationId } = await approved('jordan.lee@fabrikam.com', ['partner-extranet', 'expenses-app'], 1);
    const accepted = await waitForState(bot, request.id, 'accepted');
    assert.equal(accepted.invitedUserId, JORDAN);
    assert.equal(accepted.createdGuestAccount, false);
    assert.ok(simulator.groupMembers(EXPENSES_GROUP).includes(JORDAN), 'the bot gave Expenses');

    await bot.teams.click(users.megan, cardConversationId, 'command', { command: `end ${request.id}` });
    await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
    await waitForState(bot, request.id, 'ended');

    assert.ok(simulator.groupMembers(EXTRANET_GROUP).includes(JORDAN), 'the membership the bot did not give stays');
    assert.ok(!simulator.groupMembers(EXPENSES_GROUP).includes(JORDAN), 'what the bot gave is gone');
    assert.ok(simulator.getUser(JORDAN), 'an account the bot did not create is not deleted');
    const ended = (await bot.requests.auditTrail(request.id)).find((e) => e.toState === 'ended');
    assert.deepEqual(ended?.detail?.removed, ['expenses-app']);
    assert.deepEqual(ended?.detail?.notGivenByBot, ['partner-extranet']);
    assert.equal(ended?.detail?.guestAccount, 'none');
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.channel.waitFor(
      () =>
        bot.channel
          .messagesTo(adeleChat)
          .find((m) =>
            /has ended, as Megan Bowen decided\. I removed them from Contoso Expenses\. They keep Partner extranet site: another of their requests still gives it, or someone gave it to them outside this bot/.test(
              m.text ?? '',
            ),
          ),
      'Adele told what was removed and what stays',
    );
  });

  it('a membership another of the bot’s requests gave is taken away when the last request that needs it ends, and the account the bot created goes with it', async () => {
    await bot.start({ GUEST_END_ACTION: 'delete' });
    const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
    const first = await approved('kim@fabrikam.com', ['falcon-team', 'expenses-app'], 10);
    const guest = (await waitForState(bot, first.request.id, 'invited')).invitedUserId as string;
    // The second request finds Falcon there already: given by the bot, so still the bot's to take.
    const second = await approved('kim@fabrikam.com', ['falcon-team'], 20);
    const secondInvited = await waitForState(bot, second.request.id, 'invited');
    assert.equal(secondInvited.invitedUserId, guest);
    assert.equal(secondInvited.createdGuestAccount, false, 'the second invitation found the account the first one created');

    await bot.passDays(10.01);
    await waitForState(bot, first.request.id, 'ended');
    assert.ok(simulator.groupMembers(FALCON_GROUP).includes(guest), 'Falcon stays: the second request gives it');
    assert.ok(simulator.getUser(guest), 'the account stays while the second request holds it');

    await bot.passDays(10);
    await waitForState(bot, second.request.id, 'ended');
    await eventually(() => simulator.getUser(guest) === undefined, 'the account the bot created deleted when the last access ended');
    assert.ok(!simulator.groupMembers(FALCON_GROUP).includes(guest));
  });

  it('a reset of a guest whose account the request did not create sends the new link to the sponsor, not to the requester', async () => {
    await bot.start();
    const { request, cardConversationId } = await approved('jordan.lee@fabrikam.com', ['expenses-app'], 30);
    await waitForState(bot, request.id, 'accepted');
    const adeleChat = bot.teams.conversationOf(users.adele);
    const said = (chat: string) => bot.channel.messagesTo(chat).map((m) => m.text ?? '');

    await bot.teams.post(users.megan, { type: 'message', text: `reset ${request.id}` }, cardConversationId);
    assert.match(
      JSON.stringify(bot.channel.messagesTo(cardConversationId).at(-1)),
      /Their account was not created by this request, so I'll send the new link to you, not to Adele Vance/,
    );
    await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
    const link = await bot.channel.waitFor(
      () => said(cardConversationId).find((text) => text.startsWith('The redemption of jordan.lee@fabrikam.com')),
      'the link to Megan',
    );
    assert.match(link, /the new link comes to you rather than to Adele Vance[\s\S]*\/simulator\/redeem\//);
    const told = await bot.channel.waitFor(() => said(adeleChat).find((text) => text.startsWith('Megan Bowen reset the redemption')), 'Adele told');
    assert.match(told, /Megan Bowen has the new link and passes it on/);
    assert.ok(!said(adeleChat).some((text) => text.includes('/simulator/redeem/')), 'no link in the requester’s chat');
  });
});
