/**
 * `reset GA-…` over HTTP: only the sponsor may, after confirming; the guest keeps their access
 * but must accept again, every earlier link stops working (the simulator's redeem page says so),
 * the requester gets the new link, and the watcher follows the guest to Accepted once more.
 */
import assert from 'node:assert/strict';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { fileRequest, invitedRequest, redemptionChecksDue, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { buttonCommands, visibleText } from '../support/visibleText';

describe('resetting a guest’s redemption', function () {
  this.timeout(20_000);
  const bot = withTestBot();

  const texts = (conversationId: string) => bot.channel.messagesTo(conversationId).map(visibleText);

  /** Adele's request, invited and then accepted through the simulator's pages. */
  async function acceptedRequest() {
    const filed = await invitedRequest(bot);
    await redeemInBrowser(filed.invited.inviteRedeemUrl as string);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    const accepted = await waitForState(bot, filed.request.id, 'accepted');
    // Both notices are in before the test talks in these chats, so `.at(-1)` is the bot's answer.
    await bot.channel.waitFor(
      () => texts(filed.cardConversationId).find((text) => text.includes('accepted the invitation and now has access')),
      'the sponsor told',
    );
    await bot.channel.waitFor(
      () => texts(bot.teams.conversationOf(users.adele)).find((text) => text.includes('accepted the invitation for request')),
      'the requester told',
    );
    return { ...filed, accepted };
  }

  it('asks the sponsor to confirm, then gives the requester a new link that walks the guest through again', async () => {
    const { request, invited, cardConversationId } = await acceptedRequest();
    const adeleChat = bot.teams.conversationOf(users.adele);
    const reset = (text: string) => bot.teams.post(users.megan, { type: 'message', text }, cardConversationId);

    await reset(`reset ${request.id}`);
    const question = bot.channel.messagesTo(cardConversationId).at(-1);
    assert.match(
      visibleText(question),
      new RegExp(`^Reset the redemption of partner@fabrikam\\.com \\(request \\*\\*${request.id}\\*\\*\\)\\? Do this when they lost access`),
    );
    // Buttons that send what typing would.
    assert.deepEqual(buttonCommands(question), ['Yes', 'No']);
    await reset('no');
    assert.equal(texts(cardConversationId).at(-1), 'Nothing changed: partner@fabrikam.com keeps their redemption as it is.');
    assert.equal((await bot.requests.get(request.id))?.state, 'accepted');

    await reset(`reset ${request.id}`);
    await reset('yes');
    assert.ok(
      texts(cardConversationId).includes(
        `Resetting the redemption of partner@fabrikam.com (request **${request.id}**); Adele Vance will get the new link in a moment.`,
      ),
    );
    const newLink = await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => m.text?.startsWith('Megan Bowen reset the redemption')),
      'the new link',
    );
    const url = /(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(newLink.text ?? '')?.[1] as string;
    assert.ok(url);
    assert.ok(newLink.attachments?.length, 'with the choices for when the link does not work');
    await bot.channel.waitFor(() => texts(cardConversationId).find((text) => text.startsWith('The redemption of partner@fabrikam.com')), 'the sponsor told');

    const now = await waitForState(bot, request.id, 'invited');
    assert.equal(now.inviteRedeemUrl, url);
    assert.equal(now.acceptedAt, undefined);
    const invitation = bot.app.simulator?.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')).at(-1)?.body as Record<
      string,
      unknown
    >;
    assert.deepEqual([invitation.resetRedemption, invitation.invitedUser], [true, { id: invited.invitedUserId }]);
    const trail = await bot.requests.auditTrail(request.id);
    const asked = trail.find((e) => e.action === 'redemptionResetAsked');
    assert.deepEqual(asked?.actor, { kind: 'user', id: users.megan.aadObjectId, displayName: 'Megan Bowen' });
    assert.ok(trail.some((e) => e.fromState === 'accepted' && e.toState === 'invited' && e.detail?.redemptionReset === true));

    // The old link no longer works; the new one does, and the watcher follows the guest again.
    assert.equal((await fetch(invited.inviteRedeemUrl as string)).status, 410);
    assert.match(await (await redeemInBrowser(url)).text(), /You are all set/);
    await redemptionChecksDue(bot);
    assert.equal((await bot.app.redemptionWatcher.checkDue()).accepted, 1);
    await bot.channel.waitFor(
      () => texts(adeleChat).filter((text) => text.startsWith('partner@fabrikam.com accepted the invitation')).length === 2,
      'Adele told again',
    );
  });

  it('lets only the sponsor reset, and says so to the requester, in Spanish too', async () => {
    const { request } = await invitedRequest(bot);
    await bot.teams.say(users.adele, `reset ${request.id}`);
    assert.equal(
      texts(bot.teams.conversationOf(users.adele)).at(-1),
      `Only the sponsor of request **${request.id}**, Megan Bowen, can reset the redemption of partner@fabrikam.com. If they need it, ask Megan Bowen.`,
    );
    await bot.teams.say(users.diego, `restablecer ${request.id}`);
    assert.match(texts(bot.teams.conversationOf(users.diego)).at(-1) ?? '', /^No encuentro ninguna solicitud/);
    assert.equal(
      (await bot.requests.auditTrail(request.id)).some((e) => e.action === 'redemptionResetAsked'),
      false,
    );
  });

  it('asks and answers in the sponsor’s language, and cancel leaves everything as it is', async () => {
    const { request, cardConversationId } = await invitedRequest(bot);
    const meganInSpanish = { ...users.megan, locale: 'es-ES' };
    await bot.teams.post(meganInSpanish, { type: 'message', text: `restablecer ${request.id}` }, cardConversationId);
    assert.match(texts(cardConversationId).at(-1) ?? '', /^¿Restablecer el canje de partner@fabrikam\.com/);
    await bot.teams.post(meganInSpanish, { type: 'message', text: 'quizá' }, cardConversationId);
    assert.match(texts(cardConversationId).at(-1) ?? '', /^Responde \*\*sí\*\* para restablecer el canje/);
    await bot.teams.post(meganInSpanish, { type: 'message', text: 'cancelar' }, cardConversationId);
    assert.equal(texts(cardConversationId).at(-1), 'No ha cambiado nada: no he restablecido el canje de nadie.');

    await bot.teams.post(meganInSpanish, { type: 'message', text: `restablecer ${request.id}` }, cardConversationId);
    await bot.teams.post(meganInSpanish, { type: 'message', text: 'sí' }, cardConversationId);
    assert.ok(texts(cardConversationId).some((text) => text.startsWith('Estoy restableciendo el canje de partner@fabrikam.com')));
    await bot.channel.waitFor(
      () => texts(bot.teams.conversationOf(users.adele)).find((text) => text.startsWith('Megan Bowen reset the redemption')),
      'Adele’s new link, in English',
    );
  });

  it('has nothing to reset before the guest is invited', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    await bot.teams.post(users.megan, { type: 'message', text: `reset ${request.id}` }, cardConversationId);
    assert.equal(texts(cardConversationId).at(-1), `Request **${request.id}** has no guest whose redemption could be reset: it is waiting for the sponsor.`);
  });
});
