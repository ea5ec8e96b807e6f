/**
 * The buttons on the questions (the sponsor's OK, the summary's Yes and No) answer them as typing
 * would, over the real adapter: a click is an invoke, which prompts alone would ignore.
 */
import assert from 'node:assert/strict';
import { users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { buttonCommands, visibleText } from '../support/visibleText';

describe('answering a question with its card buttons', function () {
  this.timeout(20_000);
  const bot = withTestBot({}, { start: 'before' });

  it('takes OK for the proposed sponsor and Yes to send, answering each click at once', async () => {
    const chat = bot.teams.conversationOf(users.adele);
    const last = () => bot.channel.messagesTo(chat).at(-1);
    await bot.teams.install(users.adele);
    for (const text of ['request', 'kim.lee@fabrikam.com', '1', 'ok', 'Designs the launch with us']) await bot.teams.say(users.adele, text);
    assert.deepEqual(buttonCommands(last()), ['OK']);

    const ok = await bot.teams.click(users.adele, chat, 'command', { command: 'OK' });
    assert.equal(ok.status, 200);
    assert.match(visibleText(last()), /^Here is your request/);
    assert.deepEqual(buttonCommands(last()), ['Yes', 'No']);

    const yes = await bot.teams.click(users.adele, chat, 'command', { command: 'Yes' });
    assert.deepEqual([yes.status, yes.body.value], [200, 'Done: my answer is in the chat.']);
    assert.match(visibleText(last()), /^Sent\. Request \*\*GA-\w{6}\*\* is waiting for Megan Bowen to approve it\./);
  });
});
