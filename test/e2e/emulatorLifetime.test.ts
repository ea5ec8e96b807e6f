/**
 * A request's whole life in the Bot Framework Emulator, with TIME_SCALE shortening every timer (a
 * day lasts 0.43 s here): filed for 5 days, approved on the local-test card, the guest invited,
 * the sponsor's offer to extend (shown in the same chat, a local test), Extend, and the end of
 * access on the new end date with the guest removed from the team. Real time, real worker: this
 * is what a developer sees when they try it with TIME_SCALE.
 */
import assert from 'node:assert/strict';
import { EmulatorChat } from '../support/emulatorUser';
import { waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';

describe('a request from its first message to its end, in the Emulator with TIME_SCALE', function () {
  this.timeout(30_000);
  const bot = withTestBot({ TIME_SCALE: '200000' }, { start: 'before' });
  before(() => {
    bot.channel.createConversationStatus = 501;
  });

  const emulator = new EmulatorChat(bot, 'emulator-conversation-2');
  const chat = emulator.id;
  const say = (text: string) => emulator.say(text);
  const click = (verb: string, data: Record<string, unknown>) => emulator.click(verb, data);
  const waitForText = (pattern: RegExp) =>
    bot.channel.waitFor(() => bot.channel.messagesTo(chat).find((m) => pattern.test(m.text ?? '')), String(pattern), 15_000);

  it('is asked for, approved, extended once and ended, each step said in the chat', async () => {
    for (const answer of ['request', 'kim.lee@fabrikam.com', '1', '5', 'Co-designs the Falcon launch with us', 'ok']) await say(answer);
    assert.match(visibleText(bot.channel.messagesTo(chat).at(-1)), /Until: .* UTC \(5 days\)/, 'a close end date shows its time');
    await say('yes');
    const id = /GA-\w{6}/.exec((await waitForText(/^Sent\. Request/)).text ?? '')?.[0] as string;
    const card = await bot.channel.waitFor(
      () => bot.channel.messagesTo(chat).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"approve"')),
      'the local-test card',
    );
    assert.match(JSON.stringify(card.attachments), /"style":"warning"/);
    assert.match(JSON.stringify(card.attachments), /"label":"Comment for the requester \(optional\)"/);
    await click('approve', { requestId: id });
    const invited = await waitForState(bot, id, 'invited');
    await waitForText(new RegExp(`approved request \\*\\*${id}\\*\\*: kim\\.lee@fabrikam\\.com is invited`));

    // The offer to extend comes at once: 5 days is less than ACCESS_EXTENSION_NOTICE_DAYS.
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(chat).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"')),
      'the offer to extend',
    );
    const offer = await bot.requests.get(id);
    await click('extend', { requestId: id, offeredFor: offer?.extensionOffer?.for });
    await waitForText(/extended the access of kim\.lee@fabrikam\.com/);
    assert.ok(bot.app.simulator?.groupMembers(FALCON_GROUP).includes(invited.invitedUserId as string));

    const ended = await waitForState(bot, id, 'ended');
    await waitForText(new RegExp(`The access of kim\\.lee@fabrikam\\.com \\(request \\*\\*${id}\\*\\*\\) has ended on its end date`));
    assert.equal(ended.extensions, 1);
    assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(invited.invitedUserId as string));
  });
});
