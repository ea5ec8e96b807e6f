/**
 * A request for an address that is already a guest: one who has accepted needs no invitation
 * (nothing to redeem), only the new access and where to find it; one still pending gets a fresh
 * link for the same guest. A partner who became a guest and accepted after the request was filed
 * is recognised from Graph's answer to the invitation, and treated the same.
 */
import assert from 'node:assert/strict';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { fileRequest, invitedRequest, redemptionChecksDue, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { isTenantSettingsRead } from '../support/tenantSettingsReads';

describe('requests for someone who is already a guest', function () {
  this.timeout(20_000);
  const bot = withTestBot();

  const invitationPosts = () => (bot.app.simulator?.requests ?? []).filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')).length;

  it('adds the access of a guest who has accepted, without an invitation or a link, and says where to find it', async () => {
    const first = await invitedRequest(bot, users.adele, { resourceIds: ['falcon-team'] });
    await redeemInBrowser(first.invited.inviteRedeemUrl as string);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    await waitForState(bot, first.request.id, 'accepted');
    const invitationsBefore = invitationPosts();

    // As the dialog records it: the directory's name for the guest, and when they accepted.
    const existingGuest = { displayName: 'Partner at Fabrikam', state: 'Accepted' as const, since: '2026-03-12T09:00:00Z' };
    const filed = await fileRequest(bot, users.adele, 10_000, {
      resourceIds: ['partner-extranet'],
      requesterConversationId: bot.teams.conversationOf(users.adele),
      existingGuest,
    });
    const card = JSON.stringify(
      bot.channel.messagesTo(filed.cardConversationId).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"approve"'))?.attachments,
    );
    assert.match(
      card,
      /"title":"Already a guest","value":"Partner at Fabrikam, accepted an invitation on 12 Mar 2026: approving adds this access to their account, with no new invitation\."/,
    );
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    const request = await waitForState(bot, filed.request.id, 'accepted');
    assert.equal(invitationPosts(), invitationsBefore, 'no new invitation');
    assert.equal(request.invitedUserId, first.invited.invitedUserId);
    assert.equal(request.inviteRedeemUrl, undefined);
    const members = bot.app.simulator?.groupMembers('c0ffee00-0002-4000-8000-00000000c002') ?? [];
    assert.ok(members.includes(first.invited.invitedUserId as string), 'in the partner extranet group');
    // An account another invitation made has its sponsor set with the grants.
    const grantBatch = bot.app.simulator?.requests.filter((r) => r.path.endsWith('/$batch') && JSON.stringify(r.batchItems).includes('c0ffee00-0002')).at(-1);
    assert.ok(
      grantBatch?.batchItems?.some((item) => item.method === 'POST' && item.path === `/users/${first.invited.invitedUserId}/sponsors/$ref`),
      'sponsors/$ref in the grant batch',
    );

    const adeleChat = bot.teams.conversationOf(users.adele);
    const notice = await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => m.text?.includes('now has access')), 'the notice');
    assert.match(
      notice.text ?? '',
      new RegExp(
        `^Megan Bowen approved request \\*\\*${request.id}\\*\\*: partner@fabrikam\\.com \\(Partner at Fabrikam\\) now has access\\. .*no link to pass on and no invitation was sent\\.\\n\\nThey can now open:\\n- .*Partner extranet site`,
      ),
    );
    assert.doesNotMatch(notice.text ?? '', /emailed|invited\./);
    assert.doesNotMatch(notice.text ?? '', /simulator\/redeem/);
    assert.match(notice.text ?? '', /https:\/\/myapps\.microsoft\.com\/\?tenantid=/);
    assert.equal(notice.id, request.statusMessageId, 'the status message, updated in place');
    // The sponsor's card follows (its update is a job of its own).
    await bot.channel.waitFor(
      () =>
        JSON.stringify(bot.channel.messagesTo(filed.cardConversationId).find((m) => m.id === filed.cardActivityId)?.attachments).includes(
          'The guest has accepted the invitation',
        ),
      'the card showing the guest accepted',
    );
  });

  /** IT invites the address by hand (not through the bot), and the partner accepts that invitation. */
  async function invitedAndAcceptedByHand(address: string): Promise<string> {
    const response = await fetch(`${bot.app.url}/simulator/graph/v1.0/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ invitedUserEmailAddress: address, inviteRedirectUrl: 'https://myapps.microsoft.com/', sendInvitationMessage: false }),
    });
    assert.equal(response.status, 201);
    const invitation = (await response.json()) as { inviteRedeemUrl: string; invitedUser: { id: string } };
    await redeemInBrowser(invitation.inviteRedeemUrl);
    assert.equal(bot.app.simulator?.getUser(invitation.invitedUser.id)?.externalUserState, 'Accepted');
    return invitation.invitedUser.id;
  }

  it('adds the access of a partner who accepted another invitation between filing and approval, with no link', async () => {
    // Nobody in the directory had the address when Adele filed the request.
    const filed = await fileRequest(bot, users.adele, 10_000, {
      resourceIds: ['partner-extranet'],
      requesterConversationId: bot.teams.conversationOf(users.adele),
    });
    assert.equal(filed.request.existingGuest, undefined);
    const guestId = await invitedAndAcceptedByHand('partner@fabrikam.com');
    const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
    const before = simulator.requests.length;

    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    const request = await waitForState(bot, filed.request.id, 'accepted');
    assert.equal(request.invitedUserId, guestId, 'the guest who accepted, not a new one');
    assert.equal(request.inviteRedeemUrl, undefined);
    // The look-up before inviting finds the guest who accepted: no invitation, no email.
    const graphCalls = simulator.requests.slice(before).filter((r) => r.path.includes('/graph/') && !isTenantSettingsRead(r));
    assert.deepEqual(
      graphCalls.map((r) => `${r.method} ${r.path}`),
      ['GET /simulator/graph/v1.0/users', 'POST /simulator/graph/v1.0/$batch'],
    );
    assert.ok(simulator.groupMembers('c0ffee00-0002-4000-8000-00000000c002').includes(guestId), 'in the partner extranet group');

    const adeleChat = bot.teams.conversationOf(users.adele);
    const notice = await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => m.text?.includes('now has access')), 'the notice');
    assert.equal(request.invitationEmailed, undefined, 'nobody was invited, so nobody was emailed');
    assert.equal(request.createdGuestAccount, false, 'the account is not the bot’s');
    assert.match(
      notice.text ?? '',
      new RegExp(
        `^Megan Bowen approved request \\*\\*${request.id}\\*\\*: partner@fabrikam\\.com now has access\\. They were already a guest here and had accepted an invitation, so there is no link to pass on and no invitation was sent\\.`,
      ),
    );
    assert.doesNotMatch(notice.text ?? '', /may still have emailed/);
    assert.doesNotMatch(notice.text ?? '', /simulator\/redeem/);
    assert.equal(notice.id, request.statusMessageId, 'the status message, updated in place');
    assert.equal(bot.channel.messagesTo(adeleChat).filter((m) => m.text?.includes('/simulator/redeem/')).length, 0, 'no redeem link anywhere');
    assert.equal((await bot.requests.auditTrail(request.id)).find((e) => e.action === 'accepted')?.detail?.alreadyGuest, true);
  });

  it('ends such a request accepted, still with no link, when the grants are retried after the invitation', async () => {
    const filed = await fileRequest(bot, users.adele, 10_000, {
      resourceIds: ['partner-extranet'],
      requesterConversationId: bot.teams.conversationOf(users.adele),
    });
    const guestId = await invitedAndAcceptedByHand('partner@fabrikam.com');
    // The job stops after recording the invitation; its retry has only the request to go by.
    bot.app.simulator?.injectFault({ method: 'POST', path: /^\/\$batch$/, status: 500, times: 1 });

    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    const request = await waitForState(bot, filed.request.id, 'accepted');
    assert.equal(request.invitedUserId, guestId);
    assert.equal(request.inviteRedeemUrl, undefined);
    assert.equal(invitationPosts(), 1, 'the one by hand only: the bot found the guest who accepted, and its retry did not invite either');
    const jobs = await bot.app.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'provisionGuest').execute();
    assert.deepEqual(
      jobs.map((j) => [j.status, j.attempts]),
      [['done', 2]],
    );
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => m.text?.includes('now has access')), 'the notice');
    assert.equal(bot.channel.messagesTo(adeleChat).filter((m) => m.text?.includes('/simulator/redeem/')).length, 0, 'no redeem link anywhere');
  });

  it('gives a guest who has not accepted yet a fresh link, for the same guest', async () => {
    const first = await invitedRequest(bot, users.adele, { resourceIds: ['falcon-team'] });
    const second = await invitedRequest(bot, users.adele, { resourceIds: ['partner-extranet'] });
    assert.equal(second.invited.invitedUserId, first.invited.invitedUserId);
    assert.notEqual(second.invited.inviteRedeemUrl, first.invited.inviteRedeemUrl);
    assert.equal((await fetch(second.invited.inviteRedeemUrl as string)).status, 200);
  });
});
