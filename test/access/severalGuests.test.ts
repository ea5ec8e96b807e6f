/**
 * A partner's whole team in one request, through the real server on the simulator: the address
 * question takes several addresses at once and says which it takes and why not the others; the
 * sponsor gets one card listing every guest and may leave some out; each guest kept is invited
 * once (an existing guest who had accepted, not at all), the grants of all of them go in one
 * `$batch`, and the requester gets every link in one message, then a notice per guest who accepts.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { fileRequest, redemptionChecksDue, users } from '../support/testBot';
import { catalogWithOwners, lidia, nestor } from '../support/ownerCatalog';
import { withTestBot } from '../support/testBotSession';
import type { TeamsUser } from '../support/fakeTeamsChannel';
import { visibleText } from '../support/visibleText';
import type { AccessRequest } from '../../src/requests/accessRequest';

describe('several guests in one request', function () {
  this.timeout(30_000);
  const bot = withTestBot();

  const simulator = () => bot.app.simulator as NonNullable<typeof bot.app.simulator>;
  const invitationsTo = (address: string) =>
    simulator().requests.filter(
      (r) => r.method === 'POST' && r.path.endsWith('/invitations') && (r.body as { invitedUserEmailAddress?: string }).invitedUserEmailAddress === address,
    ).length;
  const isApprovalCard = (activity: Partial<Activity>) => JSON.stringify(activity.attachments ?? []).includes('"verb":"approve"');
  /** The sponsor's chat, where the bot opened it for the card. */
  const sponsorChat = () => bot.channel.waitFor(() => bot.channel.sent.find((s) => isApprovalCard(s.activity))?.conversationId, 'the approval card');
  const cardsIn = (conversationId: string) => bot.channel.messagesTo(conversationId).filter(isApprovalCard);

  /** Says each answer in turn and returns what the bot said to the last one, every message of it. */
  async function converse(user: TeamsUser, answers: readonly string[]): Promise<string> {
    const chat = bot.teams.conversationOf(user);
    let said: string[] = [];
    for (const answer of answers) {
      const before = bot.channel.messagesTo(chat).length;
      await bot.teams.say(user, answer);
      said = bot.channel
        .messagesTo(chat)
        .slice(before)
        .map((m) => visibleText(m as Activity));
    }
    return said.join('\n---\n');
  }

  async function waitForGuests(requestId: string, done: (guests: AccessRequest[]) => boolean, what: string): Promise<AccessRequest[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const guests = await bot.requests.guestsOfRequest(requestId);
      if (done(guests)) return guests;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${guests.map((g) => `${g.guestEmail} ${g.state}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('files one request for the addresses it takes, one card, and invites exactly the guests the sponsor kept, once each, with every link in one message', async () => {
    await bot.teams.install(users.adele);
    await converse(users.adele, ['request']);
    const answer = await converse(users.adele, ['"Kim Lee" <kim@fabrikam.com>; jo@fabrikam.com, jordan.lee@fabrikam.com\nmegan.bowen@contoso.com']);
    assert.match(answer, /I'll ask for these 3 guests together:/);
    assert.match(answer, /- kim@fabrikam\.com\n- jo@fabrikam\.com\n- jordan\.lee@fabrikam\.com: already a guest \(Jordan Lee \(Fabrikam\)\), has accepted/);
    assert.match(answer, /Not these:\n- megan\.bowen@contoso\.com: an address of your own organization/);
    assert.match(answer, /Which resources do these 3 guests need\?/);
    const summary = await converse(users.adele, ['1', 'ok', 'Falcon launch with the Fabrikam design team', 'ok']);
    assert.match(summary, /Guests: kim@fabrikam\.com\n+jo@fabrikam\.com\n+jordan\.lee@fabrikam\.com: already a guest/);
    const filed = await converse(users.adele, ['yes']);
    const id = /\*\*(GA-[0-9A-Z]{6})\*\*/.exec(filed)?.[1];
    assert.ok(id, `a request id in: ${filed}`);

    const guests = await bot.requests.guestsOfRequest(id);
    assert.deepEqual(
      guests.map((g) => [g.id, g.guestEmail, g.state, g.existingGuest?.state]),
      [
        [id, 'kim@fabrikam.com', 'pending_approval', undefined],
        [`${id}-2`, 'jo@fabrikam.com', 'pending_approval', undefined],
        [`${id}-3`, 'jordan.lee@fabrikam.com', 'pending_approval', 'Accepted'],
      ],
    );
    const meganChat = await sponsorChat();
    const [card] = cardsIn(meganChat);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(cardsIn(meganChat).length, 1, 'one card for the three guests');
    const shown = visibleText(card as Activity);
    assert.match(shown, /The 3 guests/);
    assert.match(shown, /jordan\.lee@fabrikam\.com \(Jordan Lee \(Fabrikam\), already a guest, accepted\)/);
    const choices = JSON.stringify(card.attachments);
    assert.match(choices, /"id":"guests","label":"Guests to approve[^"]*","isMultiSelect":true/);
    assert.ok(choices.includes(`"value":"${id},${id}-2,${id}-3"`), 'every guest ticked at first');

    // Megan unticks Jo.
    const click = await bot.teams.click(users.megan, meganChat, 'approve', { requestId: id, guests: `${id},${id}-3`, comment: '' });
    assert.equal(click.status, 200);
    const settled = await waitForGuests(id, (all) => all.every((g) => !['approved', 'pending_approval'].includes(g.state)), 'every guest settled');
    assert.deepEqual(
      settled.map((g) => [g.guestEmail, g.state]),
      [
        ['kim@fabrikam.com', 'invited'],
        ['jo@fabrikam.com', 'left_out'],
        ['jordan.lee@fabrikam.com', 'accepted'],
      ],
    );
    assert.equal(invitationsTo('kim@fabrikam.com'), 1, 'Kim invited once');
    assert.equal(invitationsTo('jo@fabrikam.com'), 0, 'Jo, left out, not invited');
    assert.equal(invitationsTo('jordan.lee@fabrikam.com'), 0, 'Jordan had accepted: nothing to redeem');
    // Both guests' grants in one $batch.
    const grantBatches = simulator().requests.filter(
      (r) => r.path.endsWith('/$batch') && (r.batchItems ?? []).some((item) => item.path.includes('/members/$ref')),
    );
    assert.equal(grantBatches.length, 1, 'one $batch for both guests’ grants');
    const kim = settled[0];
    const jordan = settled[2];
    assert.deepEqual(
      [
        ...new Set(
          (grantBatches[0].batchItems ?? []).map((item) =>
            /"\/users\/([^"]+)|directoryObjects\/([^"]+)/
              .exec(JSON.stringify(item.body ?? {}))
              ?.slice(1)
              .find(Boolean),
          ),
        ),
      ]
        .filter(Boolean)
        .sort(),
      [kim.invitedUserId, jordan.invitedUserId].sort(),
    );

    // One message with every guest's link, in place of the "under way" one.
    const adeleChat = bot.teams.conversationOf(users.adele);
    const links = await bot.channel.waitFor(
      () =>
        bot.channel.messagesTo(adeleChat).find((m) => m.text?.includes('Here is each one’s invitation') || m.text?.includes("Here is each one's invitation")),
      'the links message',
    );
    assert.equal(links.id, settled[0].statusMessageId, 'the status message, updated in place');
    assert.match(links.text ?? '', new RegExp(`Megan Bowen approved request \\*\\*${id}\\*\\* for 3 guests`));
    assert.ok(links.text?.includes(`**kim@fabrikam.com**: ${kim.inviteRedeemUrl}`), links.text);
    assert.match(links.text ?? '', /\*\*jo@fabrikam\.com\*\*: left out by Megan Bowen/);
    assert.match(links.text ?? '', /\*\*jordan\.lee@fabrikam\.com\*\*: already a guest here who had accepted/);
    assert.equal(bot.channel.messagesTo(adeleChat).filter((m) => m.text?.includes('redeem')).length, 1, 'one message with the links');
    assert.match(links.text ?? '', /The access lasts until .*; Megan Bowen will be asked before then whether to extend it\./);
    assert.doesNotMatch(links.text ?? '', /\{\{/, 'every name filled in');

    // The sponsor's card lists where each guest stands.
    await bot.channel.waitFor(
      () => (visibleText(bot.channel.messagesTo(meganChat).find((m) => m.id === card.id) as Activity).includes('jo@fabrikam.com: left out') ? true : undefined),
      'the card updated',
    );

    // Kim accepts: one notice about Kim.
    await redeemInBrowser(kim.inviteRedeemUrl as string);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    const accepted = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => m.text?.startsWith('kim@fabrikam.com accepted the invitation for request')),
      'the acceptance',
    );
    assert.match(accepted.text ?? '', new RegExp(id));
  });

  it('follows each guest on their own in the sponsor’s chat: each one’s offer to extend, and the news that each accepted', async () => {
    // One day of access: the offer to extend comes as soon as the guests are invited.
    const filed = await fileRequest(bot, users.adele, 10_000, {
      requesterConversationId: bot.teams.conversationOf(users.adele),
      guestEmail: 'kim@fabrikam.com',
      moreGuests: [{ guestEmail: 'jo@fabrikam.com' }],
      accessDays: 1,
    });
    const id = filed.request.id;
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: id, guests: `${id},${id}-2` });
    const guests = await waitForGuests(id, (all) => all.every((g) => g.state === 'invited'), 'both invited');
    assert.deepEqual(
      guests.map((g) => g.approvalCard?.conversationId),
      [filed.cardConversationId, filed.cardConversationId],
      'every guest knows where the sponsor’s card is',
    );
    const offers = () => bot.channel.messagesTo(filed.cardConversationId).filter((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"'));
    await bot.channel.waitFor(() => (offers().length === 2 ? true : undefined), 'an offer to extend for each guest');
    assert.ok(
      offers().some((m) => JSON.stringify(m.attachments).includes(`"requestId":"${id}-2"`)),
      'Jo’s offer, on Jo’s row',
    );
    // Jo accepts: Megan hears it of Jo.
    await redeemInBrowser(guests[1].inviteRedeemUrl as string);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(filed.cardConversationId).find((m) => m.text?.startsWith('jo@fabrikam.com, whom you approved for Adele Vance')),
      'the sponsor told Jo accepted',
    );
    // A fresh link for the first guest: the message quotes the request, and its button names Kim.
    await bot.teams.say(users.adele, `link ${id} kim@fabrikam.com`);
    const adeleChat = bot.teams.conversationOf(users.adele);
    const fresh = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => m.text?.startsWith('Here is a fresh invitation link for kim@fabrikam.com')),
      'the fresh link',
    );
    assert.match(fresh.text ?? '', new RegExp(`\\(request \\*\\*${id}\\*\\*\\)`));
    assert.ok(JSON.stringify(fresh.attachments).includes(`"command":"link ${id} kim@fabrikam.com"`), JSON.stringify(fresh.attachments));
  });

  it('refuses Approve with every guest unticked, and says to tick one or reject', async () => {
    await bot.teams.install(users.adele);
    await converse(users.adele, ['request', 'kim@fabrikam.com, jo@fabrikam.com', '1', 'ok', 'Falcon launch with the Fabrikam design team', 'ok']);
    const filed = await converse(users.adele, ['yes']);
    const id = /\*\*(GA-[0-9A-Z]{6})\*\*/.exec(filed)?.[1];
    assert.ok(id, filed);
    const meganChat = await sponsorChat();
    const click = await bot.teams.click(users.megan, meganChat, 'approve', { requestId: id, guests: '', comment: '' });
    assert.ok(JSON.stringify(click.body).includes('Tick at least one guest to approve, or choose Reject'));
    assert.deepEqual(
      (await bot.requests.guestsOfRequest(id)).map((g) => g.state),
      ['pending_approval', 'pending_approval'],
    );
  });

  it('leaves out the first guest: the others go on, invited once each', async () => {
    await bot.teams.install(users.adele);
    await converse(users.adele, ['request', 'kim@fabrikam.com, jo@fabrikam.com', '1', 'ok', 'Falcon launch with the Fabrikam design team', 'ok']);
    const filed = await converse(users.adele, ['yes']);
    const id = /\*\*(GA-[0-9A-Z]{6})\*\*/.exec(filed)?.[1];
    assert.ok(id, filed);
    const meganChat = await sponsorChat();
    await bot.teams.click(users.megan, meganChat, 'approve', { requestId: id, guests: `${id}-2`, comment: '' });
    const settled = await waitForGuests(id, (all) => all.every((g) => !['approved', 'pending_approval'].includes(g.state)), 'every guest settled');
    // The request's first row always holds a guest who goes on: the two traded rows.
    assert.deepEqual(
      settled.map((g) => [g.id, g.guestEmail, g.state]),
      [
        [id, 'jo@fabrikam.com', 'invited'],
        [`${id}-2`, 'kim@fabrikam.com', 'left_out'],
      ],
    );
    assert.equal(invitationsTo('kim@fabrikam.com'), 0);
    assert.equal(invitationsTo('jo@fabrikam.com'), 1);
  });

  it('says it all in Spanish', async () => {
    await bot.teams.install(users.diego);
    await converse(users.diego, ['solicitar']);
    const answer = await converse(users.diego, ['kim@fabrikam.com; sam.rivera@northwindtraders.com; diego@contoso.com']);
    assert.match(answer, /Pediré acceso para estas 2 personas invitadas a la vez:/);
    assert.match(answer, /sam\.rivera@northwindtraders\.com: ya es invitada \(Sam Rivera \(Northwind Traders\)\) pero aún no aceptó/);
    assert.match(answer, /Estas no:\n- diego@contoso\.com: es una dirección de tu propia organización/);
    assert.match(answer, /¿Qué recursos necesitan estas 2 personas invitadas\?/);
    const period = await converse(users.diego, ['2']);
    assert.match(period, /¿Durante cuánto tiempo necesitan estas 2 personas invitadas este acceso\?/);
    const why = await converse(users.diego, ['ok']);
    assert.match(why, /¿Por qué necesitan estas 2 personas invitadas este acceso\?/);
    await converse(users.diego, ['Revisión de contratos del primer trimestre']);
    const summary = await converse(users.diego, ['vale']);
    assert.match(summary, /Personas invitadas: kim@fabrikam\.com/);
    const filed = await converse(users.diego, ['sí']);
    assert.match(filed, /está esperando a que Patti Fernandez la apruebe/);
  });

  it('refuses more than 20 addresses at once, and an answer where none can be invited, and keeps asking', async () => {
    await bot.teams.install(users.adele);
    await converse(users.adele, ['request']);
    const many = Array.from({ length: 21 }, (_, n) => `p${n}@fabrikam.com`).join(', ');
    const tooMany = await converse(users.adele, [many]);
    assert.match(tooMany, /That's 21 addresses; one request takes at most 20\./);
    const none = await converse(users.adele, ['megan.bowen@contoso.com, kim@']);
    assert.match(
      none,
      /None of these addresses can be invited:\n- megan\.bowen@contoso\.com: an address of your own organization.*\n- kim@: not an email address/,
    );
    const next = await converse(users.adele, ['kim@fabrikam.com']);
    assert.match(next, /Which resources does kim@fabrikam\.com need\?/);
  });
});

describe('several guests in one request, with resource owners', function () {
  this.timeout(30_000);
  const bot = withTestBot({ RESOURCE_CATALOG_FILE: catalogWithOwners() });

  it('lets an owner leave a guest out as the sponsor may: the others wait on for the other owner, then go on', async () => {
    const filed = await fileRequest(bot, users.adele, 10_000, {
      requesterConversationId: bot.teams.conversationOf(users.adele),
      guestEmail: 'kim@fabrikam.com',
      moreGuests: [{ guestEmail: 'jo@fabrikam.com' }, { guestEmail: 'lee@fabrikam.com' }],
    });
    const id = filed.request.id;
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: id, guests: `${id},${id}-2,${id}-3` });
    const lidiaCard = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => /Aprobación 2 de 3/.test(JSON.stringify(s.activity.attachments ?? []))),
      'Lidia’s card',
    );
    assert.match(JSON.stringify(lidiaCard.activity.attachments), /"id":"guests"/);
    // Lidia leaves Kim (the first guest) out; Jo and Lee wait for Nestor.
    const click = await bot.teams.click(lidia, lidiaCard.conversationId, 'approve', { requestId: id, stage: '1', guests: `${id}-2,${id}-3` });
    assert.equal(click.status, 200);
    const waiting = await bot.requests.guestsOfRequest(id);
    assert.deepEqual(waiting.map((g) => [g.guestEmail, g.state]).sort(), [
      ['jo@fabrikam.com', 'pending_owner_approval'],
      ['kim@fabrikam.com', 'left_out'],
      ['lee@fabrikam.com', 'pending_owner_approval'],
    ]);
    assert.notEqual(waiting[0].state, 'left_out', 'the first row holds a guest who goes on');
    const nestorCard = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => /Approval 3 of 3/.test(JSON.stringify(s.activity.attachments ?? []))),
      'Nestor’s card',
    );
    await bot.teams.click(nestor, nestorCard.conversationId, 'approve', { requestId: id, stage: '2' });
    const deadline = Date.now() + 10_000;
    let guests = await bot.requests.guestsOfRequest(id);
    while (guests.some((g) => g.state !== 'invited' && g.state !== 'left_out') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      guests = await bot.requests.guestsOfRequest(id);
    }
    assert.deepEqual(guests.map((g) => [g.guestEmail, g.state]).sort(), [
      ['jo@fabrikam.com', 'invited'],
      ['kim@fabrikam.com', 'left_out'],
      ['lee@fabrikam.com', 'invited'],
    ]);
    const invited = (address: string) =>
      (bot.app.simulator?.requests ?? []).filter(
        (r) => r.path.endsWith('/invitations') && (r.body as { invitedUserEmailAddress?: string }).invitedUserEmailAddress === address,
      ).length;
    assert.deepEqual([invited('kim@fabrikam.com'), invited('jo@fabrikam.com'), invited('lee@fabrikam.com')], [0, 1, 1]);
  });
});
