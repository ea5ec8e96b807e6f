/**
 * `link GA-…` and `email GA-…` over HTTP: the requester or the sponsor gets a fresh redeem link
 * that works, without another email to the guest, or has Microsoft email the invitation, once;
 * nobody else does, and a guest who accepted needs neither.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { fileRequest, invitedRequest as invitedRequestOf, users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('a fresh invitation link on demand', function () {
  this.timeout(20_000);
  const bot = withTestBot();

  const messagesTo = (conversationId: string) => bot.channel.messagesTo(conversationId).map((m) => m.text ?? '');

  const invitedRequest = (requester = users.adele) => invitedRequestOf(bot, requester);

  it('gives the requester a new link that works, without emailing the guest again', async () => {
    const { request, invited } = await invitedRequest();
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.teams.say(users.adele, `link ${request.id}`);
    assert.ok(
      messagesTo(adeleChat).includes(`Getting a fresh invitation link for partner@fabrikam.com (request **${request.id}**); it will appear here in a moment.`),
    );
    const fresh = await bot.channel.waitFor(() => messagesTo(adeleChat).find((text) => text.startsWith('Here is a fresh invitation link')), 'the fresh link');
    const url = /(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(fresh)?.[1];
    assert.ok(url && url !== invited.inviteRedeemUrl, fresh);
    assert.equal((await bot.requests.get(request.id))?.inviteRedeemUrl, url);
    assert.equal((await fetch(url)).status, 200, 'the new link opens the consent page');
    const invitations = bot.app.simulator?.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')) ?? [];
    assert.deepEqual(
      invitations.map((r) => (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage),
      [true, false],
    );
  });

  it('sends the sponsor’s to the sponsor, and answers the requester in Spanish', async () => {
    const { request, cardConversationId } = await invitedRequest(users.diego);
    // Any way of saying it: the words before the id are the command.
    await bot.teams.say(users.diego, `nuevo enlace ${request.id}`);
    assert.ok(messagesTo(bot.teams.conversationOf(users.diego)).some((text) => text.startsWith('Estoy generando un nuevo enlace de invitación')));
    await bot.channel.waitFor(
      () => messagesTo(bot.teams.conversationOf(users.diego)).find((text) => text.startsWith('Aquí tienes un nuevo enlace')),
      'Diego’s link',
    );
    await bot.teams.post(users.megan, { type: 'message', text: `link ${request.id}` }, cardConversationId);
    await bot.channel.waitFor(() => messagesTo(cardConversationId).find((text) => text.startsWith('Here is a fresh invitation link')), 'Megan’s link');
  });

  it('tells anyone else nothing, and needs no link once the guest has accepted or before the invitation', async () => {
    const { request, invited } = await invitedRequest();
    await bot.teams.say(users.diego, `enlace ${request.id}`);
    assert.match(messagesTo(bot.teams.conversationOf(users.diego)).at(-1) ?? '', /^No encuentro ninguna solicitud/);

    bot.app.simulator?.acceptInvitationAs(invited.invitedUserId as string);
    await bot.app.database.db
      .updateTable('access_requests')
      .set({ redemption_check_at: new Date(Date.now() - 1).toISOString() })
      .execute();
    await bot.app.redemptionWatcher.checkDue();
    await bot.channel.waitFor(
      () => messagesTo(bot.teams.conversationOf(users.adele)).find((text) => text.includes('accepted the invitation for request')),
      'Adele told',
    );
    await bot.teams.say(users.adele, `link ${request.id}`);
    assert.match(
      messagesTo(bot.teams.conversationOf(users.adele)).at(-1) ?? '',
      /has already accepted the invitation .* https:\/\/myapps\.microsoft\.com\/\?tenantid=/,
    );

    const { request: pending } = await fileRequest(bot);
    await bot.teams.say(users.adele, `link ${pending.id}`);
    assert.equal(
      messagesTo(bot.teams.conversationOf(users.adele)).at(-1),
      `Request **${pending.id}** has no invitation to send again: it is waiting for the sponsor.`,
    );
  });

  /** The buttons of the card under a message, as `[title, command]`. */
  const buttonsOf = (message: Partial<Activity> | undefined) =>
    ((message?.attachments?.[0]?.content as { actions?: { title: string; data: { command: string } }[] } | undefined)?.actions ?? []).map((a) => [
      a.title,
      a.data.command,
    ]);
  const invitationPosts = () =>
    (bot.app.simulator?.requests ?? [])
      .filter((r) => r.method === 'POST' && r.path.endsWith('/invitations'))
      .map((r) => (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage);

  describe('Microsoft’s email instead of the link', () => {
    beforeEach(async () => {
      await bot.stop();
      await bot.start({ SEND_INVITATION_EMAIL: 'false' });
    });

    it('offers it under the link with when it is the better way, and sends it once from the button', async () => {
      const { request } = await invitedRequest();
      const adeleChat = bot.teams.conversationOf(users.adele);
      // The status message becomes the link; the choices follow it as a card of their own.
      const linkMessage = await bot.channel.waitFor(
        () =>
          bot.channel.messagesTo(adeleChat).find((m) => m.attachments?.length && m.attachments[0].contentType === 'application/vnd.microsoft.card.adaptive'),
        'the choices',
      );
      const before = bot.channel.messagesTo(adeleChat);
      assert.match(before[before.findIndex((m) => m.id === linkMessage.id) - 1]?.text ?? '', /Send them this invitation link/);
      const advice = (linkMessage.attachments?.[0]?.content as { body: { text: string }[] }).body[0].text;
      assert.match(
        advice,
        /^If the link doesn't work for partner@fabrikam\.com, because they have no work, school or Microsoft account to sign in with, because their address already belongs to a contact .*, or because they sign in with another alias of this address, ask for Microsoft's invitation email instead\.$/,
      );
      assert.deepEqual(buttonsOf(linkMessage), [
        ['New link', `link ${request.id}`],
        ["Send Microsoft's email", `email ${request.id}`],
      ]);

      // The button is an Action.Execute whose turn runs the command as if typed.
      const click = await bot.teams.click(users.adele, adeleChat, 'command', { command: `email ${request.id}` });
      assert.deepEqual(
        [click.status, click.body],
        [200, { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'Done: my answer is in the chat.' }],
      );
      const asking = `Asking Microsoft to email the invitation to partner@fabrikam.com (request **${request.id}**); I'll confirm here in a moment.`;
      await bot.channel.waitFor(
        () => messagesTo(adeleChat).find((text) => text.startsWith('In a real tenant Microsoft would now email the invitation to partner@fabrikam.com')),
        'the confirmation',
      );
      const said = messagesTo(adeleChat);
      assert.ok(
        said.indexOf(asking) >= 0 && said.indexOf(asking) < said.findIndex((text) => text.startsWith('In a real tenant Microsoft would now email')),
        'the acknowledgement comes first',
      );
      assert.deepEqual(invitationPosts(), [false, true], 'one email, on demand');
      const emailed = await bot.requests.get(request.id);
      assert.equal(emailed?.invitationEmailed, true);
      const asked = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'invitationEmailAsked');
      assert.deepEqual([asked?.actor, asked?.detail], [{ kind: 'user', id: users.adele.aadObjectId, displayName: 'Adele Vance' }, { by: 'requester' }]);
    });

    it('asks Microsoft for the email once an invitation: a repeat, typed or queued twice, gets a plain answer; a reset makes a new invitation', async () => {
      const { request, cardConversationId } = await invitedRequest();
      const adeleChat = bot.teams.conversationOf(users.adele);
      // Two asks queued before either runs: one email.
      await Promise.all([
        bot.teams.say(users.adele, `email ${request.id}`),
        bot.teams.post(users.megan, { type: 'message', text: `email ${request.id}` }, cardConversationId),
      ]);
      await bot.channel.waitFor(
        () =>
          messagesTo(adeleChat)
            .concat(messagesTo(cardConversationId))
            .find((text) => text.startsWith('In a real tenant Microsoft would now email')),
        'one email',
      );
      await bot.channel.waitFor(
        () =>
          messagesTo(adeleChat)
            .concat(messagesTo(cardConversationId))
            .find((text) => text.startsWith('Microsoft has already emailed the invitation')),
        'the other told',
      );
      assert.deepEqual(invitationPosts(), [false, true], 'Microsoft emailed once');
      // Typed again later: answered at once, nothing queued.
      await bot.teams.say(users.adele, `email ${request.id}`);
      assert.equal(
        messagesTo(adeleChat).at(-1),
        `Microsoft has already emailed the invitation to partner@fabrikam.com (request **${request.id}**), and I don't ask for it twice: it comes from invites@microsoft.com, so ask them to look in their junk email folder too. If it can't be found, type **link ${request.id}** for a fresh link to pass on yourself.`,
      );
      assert.deepEqual(invitationPosts(), [false, true]);

      // A reset is a new invitation: its email may be asked for once more.
      await bot.teams.post(users.megan, { type: 'message', text: `reset ${request.id}` }, cardConversationId);
      await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
      await bot.channel.waitFor(() => messagesTo(adeleChat).find((text) => text.startsWith('Megan Bowen reset the redemption')), 'the new link');
      assert.equal((await bot.requests.get(request.id))?.invitationEmailed, false);
      await bot.teams.say(users.adele, `email ${request.id}`);
      await bot.channel.waitFor(
        () => messagesTo(adeleChat).filter((text) => text.startsWith('In a real tenant Microsoft would now email')).length === 2 || undefined,
        'the second email, after the reset',
      );
      assert.deepEqual(invitationPosts(), [false, true, false, true]);
    });

    it('does not email twice when Microsoft’s answer is lost: it hands on a link instead, in Spanish', async () => {
      const { request } = await invitedRequest(users.diego);
      const diegoChat = bot.teams.conversationOf(users.diego);
      // Graph sends the email, then the gateway times out: the bot cannot know it left.
      bot.app.simulator?.injectFault({ method: 'POST', path: /^\/invitations$/, status: 504, times: 1, afterProcessing: true });
      await bot.teams.say(users.diego, `correo ${request.id}`);
      assert.ok(messagesTo(diegoChat).some((text) => text.startsWith('Estoy pidiendo a Microsoft que envíe la invitación por correo')));
      const answer = await bot.channel.waitFor(
        () => messagesTo(diegoChat).find((text) => text.startsWith('Pedí a Microsoft que enviara la invitación')),
        'the honest answer',
        15_000,
      );
      assert.match(answer, /no sé si el correo salió.*\n\nhttp:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\//s);
      assert.deepEqual(invitationPosts(), [false, true, false], 'the retry asked for no second email');
    });
  });
});
