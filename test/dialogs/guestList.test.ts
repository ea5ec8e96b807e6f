/**
 * `guests` (`invitados`) over HTTP: the sponsor sees the guests whose access is given or on its
 * way, soonest end first, ten at a time, with the buttons that apply; the requester sees the
 * guests they asked for the same way, with theirs; what ended or was never given is not there.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { fileRequest, invitedRequest, users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { buttonCommands, visibleText } from '../support/visibleText';

/** The end of each guest's access, in days from now, in the order they are invited: not the order they are listed in. */
const DAYS = [33, 21, 40, 25, 38, 22, 31, 27, 36, 24, 29, 35];
const guestOf = (n: number) => `g${n}@fabrikam.com`;
/** The guests in the order the list shows them: soonest end first. */
const BY_END = DAYS.map((days, n) => ({ days, n }))
  .sort((a, b) => a.days - b.days)
  .map(({ n }) => guestOf(n));

const LANGUAGES = [
  {
    language: 'English',
    command: 'guests',
    title: 'Your guests',
    intro: '1 to 10 of 12: the guests you sponsor or asked for, soonest end first.',
    more: '2 more after these: press **Next** or type **guests 2**.',
    next: 'guests 2',
    nextTitle: '[Next 2]',
    secondIntro: '11 to 12 of 12',
    until: 'Until: ',
    words: { extend: 'extend', link: 'link', end: 'end' },
    requester: 'Requested by: Adele Vance',
    noPage: "There's no page 3: your 12 guests fit on 2 pages. Type **guests** to start from the first.",
  },
  {
    language: 'Spanish',
    command: 'invitados',
    title: 'Tus invitados',
    intro: 'Del 1 al 10 de 12: las personas invitadas que patrocinas o que pediste, primero las que terminan antes.',
    more: 'Quedan 2 más: pulsa **Siguientes** o escribe **invitados 2**.',
    next: 'invitados 2',
    nextTitle: '[Siguientes 2]',
    secondIntro: 'Del 11 al 12 de 12',
    until: 'Hasta: ',
    words: { extend: 'prolongar', link: 'enlace', end: 'terminar' },
    requester: 'Solicitado por: Adele Vance',
    noPage: 'No hay página 3: tus 12 invitados caben en 2 páginas. Escribe **invitados** para empezar por la primera.',
  },
];

describe('guests in chat', function () {
  this.timeout(120_000);

  describe('a sponsor with 12 guests', () => {
    const bot = withTestBot({ MAX_OPEN_REQUESTS: '50' }, { start: 'before' });
    const granted: AccessRequest[] = [];
    let ended: AccessRequest;
    let rejected: AccessRequest;

    const last = (user: typeof users.adele) => bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1) as Partial<Activity>;
    /** The guests a list card shows, in its order. */
    const listed = (activity: Partial<Activity>) => [...visibleText(activity).matchAll(/\b[gx]\d+@fabrikam\.com/g)].map((m) => m[0]);

    before(async () => {
      for (const [n, days] of DAYS.entries()) granted.push((await invitedRequest(bot, users.adele, { guestEmail: guestOf(n), accessDays: days })).invited);
      // Two guests accepted: no new link for them.
      for (const request of [granted[0], granted[4]]) {
        const accepted = await bot.requests.transition({ id: request.id, from: 'invited', to: 'accepted', actor: { kind: 'system' } });
        granted[granted.indexOf(request)] = accepted as AccessRequest;
      }
      // Neither an access that ended nor a request that was refused is anyone's guest now.
      ended = (await invitedRequest(bot, users.adele, { guestEmail: 'x1@fabrikam.com', accessDays: 1 })).invited;
      await bot.requests.transition({ id: ended.id, from: 'invited', to: 'ended', actor: { kind: 'system' }, patch: { endedAt: bot.now().toISOString() } });
      const refused = await fileRequest(bot, users.adele, 10_000, { guestEmail: 'x2@fabrikam.com' });
      await bot.teams.click(users.megan, refused.cardConversationId, 'reject', { requestId: refused.request.id });
      rejected = refused.request;
      await bot.settle();
    });

    for (const words of LANGUAGES) {
      it(`shows 10, then the other 2, soonest end first, with the buttons that apply (${words.language})`, async () => {
        await bot.teams.say(users.megan, words.command);
        const first = last(users.megan);
        const text = visibleText(first);
        assert.ok(text.startsWith(`${words.title}\n${words.intro}`), text);
        assert.deepEqual(listed(first), BY_END.slice(0, 10));
        assert.ok(text.includes(words.more) && text.includes(words.nextTitle), text);
        assert.ok(text.includes(words.requester) && text.includes(words.until), text);
        assert.ok(!text.includes(ended.id) && !text.includes(rejected.id), 'neither the ended access nor the rejected request');

        const { extend, link, end } = words.words;
        const commands = buttonCommands(first);
        const soonest = granted[DAYS.indexOf(21)];
        assert.deepEqual(
          commands.filter((command) => command.endsWith(soonest.id)),
          [`${extend} ${soonest.id}`, `${link} ${soonest.id}`, `${end} ${soonest.id}`],
        );
        // An accepted guest (the first invited, 33 days, on the first page) needs no new link.
        const accepted = granted[0];
        assert.deepEqual(
          commands.filter((command) => command.endsWith(accepted.id)),
          [`${extend} ${accepted.id}`, `${end} ${accepted.id}`],
        );
        assert.equal(commands.at(-1), words.next);

        // The Next button runs the page as typed: the rest, in the same order.
        await bot.teams.click(users.megan, bot.teams.conversationOf(users.megan), 'command', { command: words.next });
        const second = last(users.megan);
        assert.match(visibleText(second), new RegExp(words.secondIntro));
        assert.deepEqual(listed(second), BY_END.slice(10));
        assert.ok(!buttonCommands(second).includes(`${words.command} 3`), 'no next page after the last');

        await bot.teams.say(users.megan, `${words.command} 3`);
        assert.equal(last(users.megan).text, words.noPage);
      });
    }

    it('shows the requester the guests they asked for, with what a requester may do', async () => {
      await bot.teams.say(users.adele, 'my guests');
      const first = last(users.adele);
      assert.deepEqual(listed(first), BY_END.slice(0, 10));
      assert.match(visibleText(first), /Sponsor: Megan Bowen/);
      // A new link while the guest has not accepted; extending and ending are the sponsor's.
      const commands = buttonCommands(first);
      assert.ok(
        commands.every((command) => /^(link GA-|guests 2$)/.test(command)),
        commands.join(', '),
      );
      assert.equal(commands.filter((command) => command.startsWith('link ')).length, 9);
    });

    it('tells someone with no guests what to do instead, in their language', async () => {
      await bot.teams.install(users.diego);
      await bot.teams.say(users.diego, 'invitados');
      assert.match(last(users.diego).text ?? '', /^Ninguna persona que patrocines .* Escribe \*\*estado\*\*/);
    });
  });

  describe('its buttons', () => {
    const bot = withTestBot({ MAX_OPEN_REQUESTS: '50' });
    const megan = () => bot.teams.conversationOf(users.megan);
    const last = (user: typeof users.adele) => bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1) as Partial<Activity>;
    const press = (user: typeof users.adele, command: string) => bot.teams.click(user, bot.teams.conversationOf(user), 'command', { command });

    it('Extend brings the sponsor the offer to extend, which extends on their answer; the requester and others may not', async () => {
      const { invited } = await invitedRequest(bot, users.adele, { guestEmail: 'e1@fabrikam.com', accessDays: 30 });
      await bot.teams.say(users.megan, 'guests');
      assert.ok(buttonCommands(last(users.megan)).includes(`extend ${invited.id}`));

      await press(users.megan, `extend ${invited.id}`);
      const offer = last(users.megan);
      assert.match(visibleText(offer), /Extend it by 30 days, until .+, or let it end on/);
      assert.match(visibleText(offer), /\[Extend by 30 days\]/);
      const offered = await bot.requests.get(invited.id);
      assert.equal(offered?.extensionOffer?.for, invited.endsAt);

      // The requester is told whose it is; someone else hears of no such request. Nothing changes.
      await press(users.adele, `extend ${invited.id}`);
      assert.match(last(users.adele).text ?? '', /^Only the sponsor of request \*\*GA-\w+\*\*, Megan Bowen, can extend the access of e1@fabrikam\.com\./);
      await bot.teams.install(users.diego);
      await press(users.diego, `extend ${invited.id}`);
      assert.match(last(users.diego).text ?? '', /^No encuentro ninguna solicitud/);

      // The card's own Extend answers the offer with the card's own check.
      const { body } = await bot.teams.click(users.megan, megan(), 'extend', { requestId: invited.id, offeredFor: invited.endsAt });
      assert.match(JSON.stringify(body.value), /Extended: the access now ends on/);
      const extended = await bot.requests.get(invited.id);
      assert.equal(Date.parse(extended?.endsAt ?? '') - Date.parse(invited.endsAt ?? ''), 30 * 86_400_000);

      // Asked again, it is a new offer for the new end.
      await press(users.megan, `extend ${invited.id}`);
      assert.match(visibleText(last(users.megan)), /Extend it by 30 days/);
    });

    it('New link and End access now run as typed, and an old list’s buttons are checked again when clicked', async () => {
      const { invited } = await invitedRequest(bot, users.adele, { guestEmail: 'e2@fabrikam.com', accessDays: 30 });
      await bot.teams.say(users.megan, 'guests');
      const list = last(users.megan);
      assert.deepEqual(buttonCommands(list), [`extend ${invited.id}`, `link ${invited.id}`, `end ${invited.id}`]);

      await press(users.megan, `link ${invited.id}`);
      await bot.settle();
      // The link comes from the job, to the sponsor's chat as the bot opened it (in the fake Teams, not the one typed in).
      const said = bot.channel.sent.map(({ activity }) => activity.text ?? '');
      assert.ok(said.includes(`Getting a fresh invitation link for e2@fabrikam.com (request **${invited.id}**); it will appear here in a moment.`));
      assert.ok(said.some((text) => text.startsWith(`Here is a fresh invitation link for e2@fabrikam.com (request **${invited.id}**)`)));

      // Someone else's click on the same button ends nothing.
      await bot.teams.install(users.diego);
      await press(users.diego, `end ${invited.id}`);
      assert.match(last(users.diego).text ?? '', /^No encuentro ninguna solicitud/);
      assert.equal((await bot.requests.get(invited.id))?.state, 'invited');

      // The sponsor's End asks first, as typing it does.
      await press(users.megan, `end ${invited.id}`);
      assert.match(visibleText(last(users.megan)), /^End the access of e2@fabrikam\.com/);
      await bot.teams.say(users.megan, 'yes');
      await bot.settle();
      assert.equal((await bot.requests.get(invited.id))?.state, 'ended');

      // The same list, clicked after the end: each button says plainly that there is nothing to do.
      await press(users.megan, `end ${invited.id}`);
      assert.equal(last(users.megan).text, `Request **${invited.id}** has no access to end: it is over: the access has ended.`);
      await press(users.megan, `extend ${invited.id}`);
      assert.equal(
        last(users.megan).text,
        `Request **${invited.id}** has no access to extend: it is over: the access has ended. Type **guests** to see the access you can extend now.`,
      );
      await press(users.megan, `link ${invited.id}`);
      assert.match(last(users.megan).text ?? '', new RegExp(`^Request \\*\\*${invited.id}\\*\\* has no invitation to send again`));
      // And the list has let it go.
      await bot.teams.say(users.megan, 'guests');
      assert.match(last(users.megan).text ?? '', /^No guest you sponsor or asked for has access now/);
    });

    it('an offer asked for sooner and not answered still reaches the sponsor before the end; one answered does not come again', async () => {
      const unanswered = (await invitedRequest(bot, users.adele, { guestEmail: 'e3@fabrikam.com', accessDays: 20 })).invited;
      const answered = (await invitedRequest(bot, users.adele, { guestEmail: 'e4@fabrikam.com', accessDays: 20 })).invited;
      await press(users.megan, `extend ${unanswered.id}`);
      await press(users.megan, `extend ${answered.id}`);
      await bot.teams.click(users.megan, megan(), 'letEnd', { requestId: answered.id, offeredFor: answered.endsAt });
      await bot.settle();
      const before = bot.channel.sent.length;

      // ACCESS_EXTENSION_NOTICE_DAYS (7) before the end: the offer's own card, in the sponsor's chat, for the unanswered one only.
      await bot.passDays(14);
      const offers = bot.channel.sent
        .slice(before)
        .map(({ activity }) => activity)
        .filter((message) => /Extend guest access\?/.test(visibleText(message)));
      assert.deepEqual(
        offers.map((message) => /e\d@fabrikam\.com/.exec(visibleText(message))?.[0]),
        ['e3@fabrikam.com'],
      );
      assert.ok((await bot.requests.get(unanswered.id))?.extensionOffer?.cardId, 'the posted card is recorded');
    });
  });
});
