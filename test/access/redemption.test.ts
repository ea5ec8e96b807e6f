/**
 * After the link: the watcher notices the guest accept (through the simulator's redeem page,
 * over HTTP), and tells the requester and the sponsor once, in their languages; a guest who does
 * not accept gets the requester one reminder with the link.
 */
import assert from 'node:assert/strict';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { filedRequest } from '../support/requestStates';
import { invitedRequest as invitedRequestOf, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('following the guest after the invitation', function () {
  this.timeout(20_000);
  const bot = withTestBot({}, { start: 'inTest' });

  /** Adele's (or Diego's) request, approved by Megan, until the guest is invited. */
  const invitedRequest = (requester = users.adele) => invitedRequestOf(bot, requester);

  const dueNow = () =>
    bot.app.database.db
      .updateTable('access_requests')
      .set({ redemption_check_at: new Date(Date.now() - 1).toISOString() })
      .execute();

  for (const [requester, toRequester, toSponsor] of [
    [
      users.adele,
      /^partner@fabrikam\.com accepted the invitation for request \*\*GA-\w{6}\*\*\.\n\nThey can now open:\n- \[Project Falcon team\]/,
      /^partner@fabrikam\.com, whom you approved for Adele Vance \(request \*\*GA-\w{6}\*\*\), accepted the invitation and now has access\.$/,
    ],
    [
      users.diego,
      /^partner@fabrikam\.com ha aceptado la invitación de la solicitud \*\*GA-\w{6}\*\*\.\n\nYa puede abrir:/,
      /^partner@fabrikam\.com, whom you approved for Diego Siciliani/,
    ],
  ] as const) {
    it(`tells the requester (${requester.locale}) and the sponsor once when the guest accepts, and forgets the link`, async () => {
      await bot.start();
      const { request, cardConversationId, invited } = await invitedRequest(requester);
      const requesterChat = bot.teams.conversationOf(requester);

      // Not accepted yet: checking changes nothing.
      await dueNow();
      assert.deepEqual(await bot.app.redemptionWatcher.checkDue(), { checked: 1, accepted: 0, nudged: 0 });

      // The partner opens the link and accepts, over HTTP, on the simulator's consent page.
      const accepted = await redeemInBrowser(invited.inviteRedeemUrl as string);
      assert.equal(accepted.status, 200);
      await dueNow();
      assert.deepEqual(await bot.app.redemptionWatcher.checkDue(), { checked: 1, accepted: 1, nudged: 0 });
      const after = await waitForState(bot, request.id, 'accepted');
      assert.equal(after.inviteRedeemUrl, undefined, 'the redeem link is not kept once used');
      assert.ok(after.acceptedAt);

      const told = await bot.channel.waitFor(() => bot.channel.messagesTo(requesterChat).find((m) => toRequester.test(m.text ?? '')), 'the requester told');
      assert.match(told.text ?? '', /https:\/\/myapps\.microsoft\.com\/\?tenantid=/);
      await bot.channel.waitFor(() => bot.channel.messagesTo(cardConversationId).find((m) => toSponsor.test(m.text ?? '')), 'the sponsor told');
      await bot.channel.waitFor(
        () => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('The guest has accepted the invitation')),
        'the card updated',
      );

      // Another check, and another instance's check, tell nobody again.
      await dueNow();
      assert.deepEqual(await bot.app.redemptionWatcher.checkDue(), { checked: 0, accepted: 0, nudged: 0 });
      await bot.settle();
      assert.equal(bot.channel.messagesTo(requesterChat).filter((m) => toRequester.test(m.text ?? '')).length, 1);
    });
  }

  it('reminds the requester once, with the link, when the guest has not accepted after REDEMPTION_NUDGE_DAYS', async () => {
    // A few milliseconds stand in for the days.
    await bot.start({ REDEMPTION_NUDGE_DAYS: '0.0000001' });
    const { invited } = await invitedRequest();
    const adeleChat = bot.teams.conversationOf(users.adele);
    for (let check = 0; check < 3; check++) {
      await dueNow();
      await bot.app.redemptionWatcher.checkDue();
    }
    const reminder = await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => m.text?.includes("hasn't accepted")), 'the reminder');
    assert.ok(reminder.text?.includes(invited.inviteRedeemUrl as string));
    await bot.settle();
    assert.equal(bot.channel.messagesTo(adeleChat).filter((m) => m.text?.includes("hasn't accepted")).length, 1);
  });

  it('asks Graph about 40 waiting guests in one round trip, and hears of the ones who accepted', async () => {
    await bot.start();
    const simulator = bot.app.simulator as NonNullable<typeof bot.app.simulator>;
    const graph = `${bot.app.url}/simulator/graph/v1.0`;
    const ids: string[] = [];
    await bot.teams.install(users.adele);
    for (let n = 0; n < 40; n++) {
      const response = await fetch(`${graph}/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          invitedUserEmailAddress: `guest${n}@fabrikam.com`,
          inviteRedirectUrl: 'https://myapps.microsoft.com/',
          sendInvitationMessage: false,
        }),
      });
      const invitation = (await response.json()) as { invitedUser: { id: string }; inviteRedeemUrl: string };
      // Filed without waiting for each card: forty cards (and their updates) to Megan go at Teams' pace, and this test is about Graph.
      const request = await filedRequest(bot.requests, { guestEmail: `guest${n}@fabrikam.com` });
      await bot.requests.transition({ id: request.id, from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
      await bot.requests.transition({
        id: request.id,
        from: 'approved',
        to: 'invited',
        actor: { kind: 'system' },
        patch: { invitedUserId: invitation.invitedUser.id, inviteRedeemUrl: invitation.inviteRedeemUrl, invitedAt: new Date().toISOString() },
      });
      ids.push(invitation.invitedUser.id);
    }
    for (const id of ids.slice(0, 5)) simulator.acceptInvitationAs(id);
    // This test runs the cycle itself: the watcher's own timer must not claim some of them first.
    await bot.app.redemptionWatcher.stop();
    await dueNow();

    const before = simulator.requests.length;
    assert.deepEqual(await bot.app.redemptionWatcher.checkDue(), { checked: 40, accepted: 5, nudged: 0 });
    const calls = simulator.requests.slice(before).filter((r) => r.path.startsWith('/simulator/graph/'));
    assert.deepEqual(
      calls.map((r) => `${r.method} ${r.path}`),
      ['POST /simulator/graph/v1.0/$batch'],
      'one round trip: three `id in (…)` filters of up to 15 in one $batch',
    );
    assert.equal(calls[0].batchItems?.length, 3);
  });

  it('waits longer between checks the longer a guest takes, up to a ceiling', async () => {
    await bot.start({ REDEMPTION_CHECK_MINUTES: '2', REDEMPTION_CHECK_MAX_HOURS: '1' });
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 10].map((checks) => bot.app.redemptionWatcher.intervalAfter(checks) / 60_000),
      [2, 4, 8, 16, 32, 60, 60],
    );
  });
});
