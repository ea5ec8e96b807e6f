/**
 * A re-invitation checks the request before calling Graph, and the request can move on while
 * Graph answers (the guest accepts, the sponsor ends the access). What the job writes afterwards
 * is conditional on the state it read: a request that moved on keeps no link, the discarded one
 * is audited, and whoever asked is told plainly. Graph's answer is held back (sinon, at the
 * Directory edge) while the other change lands, so the race happens every time.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { GraphDirectory } from '../../src/directory/graphDirectory';
import type { InvitationInput } from '../../src/directory/directory';
import { eventually } from '../support/eventually';
import { invitedRequest, redemptionChecksDue, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('a re-invitation whose request moves on while Graph answers', function () {
  this.timeout(20_000);
  afterEach(() => sinon.restore());
  const bot = withTestBot();

  /** Runs `meanwhile` when the next re-invitation reaches Graph, before Graph answers it. */
  function whileGraphAnswers(meanwhile: () => Promise<void>): void {
    const invite = GraphDirectory.prototype.invite;
    sinon.stub(GraphDirectory.prototype, 'invite').callsFake(async function (this: GraphDirectory, input: InvitationInput) {
      await meanwhile();
      return invite.call(this, input);
    });
  }

  const texts = (conversationId: string) => bot.channel.messagesTo(conversationId).map((m) => m.text ?? '');

  it('a fresh link made as the guest accepts is not kept, and the requester hears the guest has accepted', async () => {
    const { request, invited } = await invitedRequest(bot);
    const adeleChat = bot.teams.conversationOf(users.adele);
    whileGraphAnswers(async () => {
      bot.app.simulator?.acceptInvitationAs(invited.invitedUserId as string);
      await redemptionChecksDue(bot);
      await bot.app.redemptionWatcher.checkDue();
    });
    await bot.teams.say(users.adele, `link ${request.id}`);
    await bot.channel.waitFor(() => texts(adeleChat).find((text) => /has already accepted the invitation for request/.test(text)), 'told plainly');
    const now = await waitForState(bot, request.id, 'accepted');
    assert.equal(now.inviteRedeemUrl, undefined, 'no link stored on an accepted request');
    assert.ok(!texts(adeleChat).some((text) => text.startsWith('Here is a fresh invitation link')), 'no link handed on');
    const discarded = await eventually(
      async () => (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'freshLinkDiscarded'),
      'the discarded link audited',
    );
    assert.deepEqual(discarded.detail, { readAs: 'invited', now: 'accepted' });
  });

  it('a reset made as the access ends posts no link, and the sponsor hears the access has ended', async () => {
    const { request, cardConversationId } = await invitedRequest(bot);
    const adeleChat = bot.teams.conversationOf(users.adele);
    whileGraphAnswers(async () => {
      await bot.requests.transition({
        id: request.id,
        from: 'invited',
        to: 'ended',
        actor: { kind: 'system' },
        patch: { endedAt: new Date().toISOString(), inviteRedeemUrl: undefined },
      });
    });
    await bot.teams.post(users.megan, { type: 'message', text: `reset ${request.id}` }, cardConversationId);
    await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
    await bot.channel.waitFor(
      () =>
        texts(cardConversationId).find(
          (text) => text === `Request **${request.id}** has no guest whose redemption could be reset: it is over: the access has ended.`,
        ),
      'the sponsor told',
    );
    const now = await bot.requests.get(request.id);
    assert.equal(now?.state, 'ended');
    assert.equal(now?.inviteRedeemUrl, undefined);
    assert.ok(!texts(adeleChat).some((text) => text.includes('reset the redemption')), 'no new link to the requester');
    assert.ok((await bot.requests.auditTrail(request.id)).some((e) => e.action === 'redemptionResetDiscarded'));
  });
});
