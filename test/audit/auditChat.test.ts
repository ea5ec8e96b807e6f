/**
 * `audit` in chat: members of ADMIN_GROUP_ID get this month's counts by state and the latest
 * failures; anyone else is told it is for admins; without the setting, that it is off.
 */
import assert from 'node:assert/strict';
import { invitedRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

const ADMINS = 'c0ffee00-00ad-4000-8000-0000000000ad';

describe('the audit summary in chat', function () {
  this.timeout(20_000);
  const bot = withTestBot({}, { start: 'inTest' });

  const lastTo = (user: typeof users.adele) => visibleText(bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1));

  it('gives an admin this month’s counts by state and the latest failures, in their language', async () => {
    await bot.start({ ADMIN_GROUP_ID: ADMINS });
    const { request } = await invitedRequest(bot);
    await waitForState(bot, request.id, 'invited');
    // A failure to list: the guest policy changed before a second request was provisioned.
    const failed = await invitedRequest(bot, users.adele, { guestEmail: 'kim@fabrikam.com' });
    await bot.requests.transition({ id: failed.request.id, from: 'invited', to: 'ended', actor: { kind: 'system' } });
    await bot.app.database.db
      .updateTable('access_requests')
      .set({ state: 'failed', failure_reason: 'grantsFailed' })
      .where('id', '=', failed.request.id)
      .execute();

    await bot.teams.say(users.adele, 'audit');
    const card = lastTo(users.adele);
    assert.match(card, /^Guest access: audit summary\nRequests filed since 1 \w{3} \d{4}, by where they stand now\n/);
    assert.match(card, /\napproved, and the guest is invited: 1\napproved, but it could not be completed: 1\nLatest failures\n/);
    assert.match(
      card,
      new RegExp(
        `Latest failures\\n${failed.request.id} · .* · the guest was invited, but some of the access couldn't be granted, so I've taken back what had been given: this request gives them nothing\\.`,
      ),
    );
    await bot.teams.say(users.adele, 'auditoría');
    assert.match(lastTo(users.adele), /^Acceso de invitados: resumen de auditoría/);
  });

  it('tells anyone outside the admin group that it is for admins, and everyone that it is off without ADMIN_GROUP_ID', async () => {
    await bot.start({ ADMIN_GROUP_ID: ADMINS });
    await bot.teams.install(users.megan);
    await bot.teams.say(users.megan, 'audit');
    assert.match(lastTo(users.megan), /^The audit summary is for the bot's admins/);
    await bot.close();
    await bot.start();
    await bot.teams.install(users.adele);
    await bot.teams.say(users.adele, 'audit');
    assert.match(lastTo(users.adele), /The audit summary is off: IT has not named an admin group for it \(ADMIN_GROUP_ID\)/);
  });
});
