/**
 * What a person types in the middle of a request after losing sight of it (a reloaded client, a
 * long lunch): `request` says one is under way and asks the question again; a request untouched
 * for DIALOG_TIMEOUT_MINUTES is let go, with a note, when they next write.
 */
import assert from 'node:assert/strict';
import { users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

describe('typing a command in the middle of a request', function () {
  this.timeout(20_000);
  const bot = withTestBot({ DIALOG_TIMEOUT_MINUTES: '30' });

  const said = (user = users.adele) => bot.channel.messagesTo(bot.teams.conversationOf(user)).map(visibleText);

  for (const [user, start, email, already, question] of [
    [
      users.adele,
      'request',
      'kim.lee@fabrikam.com',
      /^You're already filling in a request for kim\.lee@fabrikam\.com\./,
      /^Which resources does kim\.lee@fabrikam\.com need\?/,
    ],
    [
      users.diego,
      'solicitar',
      'kim.lee@fabrikam.com',
      /^Ya estás rellenando una solicitud para kim\.lee@fabrikam\.com\./,
      /^¿Qué recursos necesita kim\.lee@fabrikam\.com\?/,
    ],
  ] as const) {
    it(`says a request is under way when “${start}” is typed again, and asks its question again`, async () => {
      await bot.teams.install(user);
      await bot.teams.say(user, start);
      await bot.teams.say(user, email);
      const before = said(user).length;
      await bot.teams.say(user, start);
      const answer = said(user).slice(before);
      assert.equal(answer.length, 2, answer.join('\n---\n'));
      assert.match(answer[0], already);
      assert.match(answer[1], question);
      await bot.teams.say(user, '1');
      assert.match(said(user).at(-1) ?? '', /For how long|Durante cuánto tiempo/, 'the request goes on');
    });
  }

  it('lets go of a request untouched for DIALOG_TIMEOUT_MINUTES, says so, and answers what was typed', async () => {
    await bot.teams.install(users.adele);
    await bot.teams.say(users.adele, 'request');
    await bot.teams.say(users.adele, 'kim.lee@fabrikam.com');
    bot.clock.advance(29 * 60_000);
    await bot.teams.say(users.adele, 'help');
    assert.match(said().at(-1) ?? '', /Which resources/, 'still there after 29 minutes');
    bot.clock.advance(31 * 60_000);
    const before = said().length;
    await bot.teams.say(users.adele, 'status');
    const answer = said().slice(before);
    assert.match(answer[0], /^I've let go of the request you were filling in: nobody answered for 30 minutes\. Nothing was sent\./);
    assert.match(answer[1], /You haven't asked for guest access yet/);
  });

  it('writes no state for a turn that leaves no request open, and times the one that does', async () => {
    const stateRows = () => bot.app.database.db.selectFrom('dialog_state').select(['key', 'etag', 'data']).execute();
    await bot.teams.install(users.adele);
    await bot.teams.say(users.adele, 'help');
    const settled = await stateRows();
    for (const text of ['help', 'status', 'cancel', 'what?']) await bot.teams.say(users.adele, text);
    assert.deepEqual(await stateRows(), settled, 'answers alone change nothing');
    await bot.teams.say(users.adele, 'request');
    const [open] = await stateRows();
    const timedAt = Date.parse(JSON.parse(open.data).lastMessageAt);
    assert.ok(Math.abs(bot.clock.now().getTime() - timedAt) < 1000, 'an open request is timed from its last message');
    await bot.teams.say(users.adele, 'cancel');
    assert.equal(JSON.parse((await stateRows())[0].data).lastMessageAt, undefined);
  });
});
