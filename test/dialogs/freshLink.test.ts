/**
 * `link GA-…` over HTTP: the requester or the sponsor gets a fresh redeem link that works, without
 * another email to the guest; nobody else does, and a guest who accepted needs none.
 */
import assert from 'node:assert/strict';
import { fileRequest, startTestBot, type TestBot, users, waitForState } from '../support/testBot';

describe('a fresh invitation link on demand', function () {
  this.timeout(20_000);
  let bot: TestBot;
  beforeEach(async () => {
    bot = await startTestBot();
  });
  afterEach(async () => bot.close());

  const messagesTo = (conversationId: string) => bot.channel.messagesTo(conversationId).map((m) => m.text ?? '');

  async function invitedRequest(requester = users.adele) {
    const filed = await fileRequest(bot, requester, 10_000, { requesterLocale: requester.locale ?? 'en-US', requesterConversationId: bot.teams.conversationOf(requester) });
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    return { ...filed, invited: await waitForState(bot, filed.request.id, 'invited') };
  }

  it('gives the requester a new link that works, without emailing the guest again', async () => {
    const { request, invited } = await invitedRequest();
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.teams.say(users.adele, `link ${request.id}`);
    assert.ok(messagesTo(adeleChat).includes(`Getting a fresh invitation link for partner@fabrikam.com (request **${request.id}**); it will appear here in a moment.`));
    const fresh = await bot.channel.waitFor(() => messagesTo(adeleChat).find((text) => text.startsWith('Here is a fresh invitation link')), 'the fresh link');
    const url = /(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(fresh)?.[1];
    assert.ok(url && url !== invited.inviteRedeemUrl, fresh);
    assert.equal((await bot.requests.get(request.id))?.inviteRedeemUrl, url);
    assert.equal((await fetch(url)).status, 200, 'the new link opens the consent page');
    const invitations = bot.app.simulator?.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')) ?? [];
    assert.deepEqual(invitations.map((r) => (r.body as { sendInvitationMessage: boolean }).sendInvitationMessage), [true, false]);
  });

  it('sends the sponsor’s to the sponsor, and answers the requester in Spanish', async () => {
    const { request, cardConversationId } = await invitedRequest(users.diego);
    await bot.teams.say(users.diego, `enlace ${request.id}`);
    assert.ok(messagesTo(bot.teams.conversationOf(users.diego)).some((text) => text.startsWith('Estoy generando un nuevo enlace de invitación')));
    await bot.channel.waitFor(() => messagesTo(bot.teams.conversationOf(users.diego)).find((text) => text.startsWith('Aquí tienes un nuevo enlace')), 'Diego’s link');
    await bot.teams.post(users.megan, { type: 'message', text: `link ${request.id}` }, cardConversationId);
    await bot.channel.waitFor(() => messagesTo(cardConversationId).find((text) => text.startsWith('Here is a fresh invitation link')), 'Megan’s link');
  });

  it('tells anyone else nothing, and needs no link once the guest has accepted or before the invitation', async () => {
    const { request, invited } = await invitedRequest();
    await bot.teams.say(users.diego, `enlace ${request.id}`);
    assert.match(messagesTo(bot.teams.conversationOf(users.diego)).at(-1) ?? '', /^No encuentro ninguna solicitud/);

    bot.app.simulator?.acceptInvitationAs(invited.invitedUserId as string);
    await bot.app.database.db.updateTable('access_requests').set({ redemption_check_at: new Date(Date.now() - 1).toISOString() }).execute();
    await bot.app.redemptionWatcher.checkDue();
    await bot.teams.say(users.adele, `link ${request.id}`);
    assert.match(messagesTo(bot.teams.conversationOf(users.adele)).at(-1) ?? '', /has already accepted the invitation .* https:\/\/myapps\.microsoft\.com\/\?tenantid=/);

    const { request: pending } = await fileRequest(bot);
    await bot.teams.say(users.adele, `link ${pending.id}`);
    assert.equal(messagesTo(bot.teams.conversationOf(users.adele)).at(-1), `Request **${pending.id}** has no invitation link to renew: it is waiting for the sponsor.`);
  });
});
