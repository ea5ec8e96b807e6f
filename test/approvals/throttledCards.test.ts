/**
 * A 429 from Teams is throttling, never "unreachable": in a local session too, a throttled card
 * waits as Teams asks and then reaches its sponsor (or owner), rather than falling back to the
 * requester's own chat as a local test.
 */
import assert from 'node:assert/strict';
import { catalogWithOwners, lidia, nestor } from '../support/ownerCatalog';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('a card Teams throttles', function () {
  this.timeout(30_000);

  describe('to the sponsor', function () {
    const bot = withTestBot();

    it('waits, then reaches the sponsor in their own chat, not the requester’s as a local test', async () => {
      const adeleChat = bot.teams.conversationOf(users.adele);
      // Four 429s in a row: the connector's own three retries, then the job's.
      bot.channel.throttle = { count: 4, retryAfterSeconds: 0, to: (conversationId) => conversationId !== adeleChat };
      const { request, cardConversationId } = await fileRequest(bot);

      assert.equal(bot.channel.throttled, 4);
      assert.notEqual(cardConversationId, adeleChat);
      assert.deepEqual(
        bot.channel.createdConversations.map((c) => c.parameters.members?.map((m) => m.id)),
        [[users.megan.aadObjectId]],
      );
      assert.equal((await bot.requests.get(request.id))?.approvalCard?.localTest, false);
      assert.equal(bot.channel.messagesTo(adeleChat).filter((m) => m.attachments?.length).length, 0, 'no local-test card in the requester’s chat');
      const jobs = await bot.app.database.db.selectFrom('jobs').select(['status', 'attempts']).where('kind', '=', 'deliverApprovalCard').execute();
      assert.deepEqual(
        jobs.map((j) => [j.status, j.attempts]),
        [['done', 2]],
        'the job waited once, then delivered',
      );
    });
  });

  describe('to one of a resource’s owners', function () {
    const bot = withTestBot({
      RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': ['lidia.holloway@contoso.com', nestor.aadObjectId as string] }),
    });

    it('reaches that owner after the wait, and the other owner gets their card once', async () => {
      const chatWith = (person: typeof lidia) => (conversationId: string) =>
        bot.channel.createdConversations.find((c) => c.id === conversationId)?.parameters.members?.[0]?.id === person.aadObjectId;
      const filed = await fileRequest(bot);
      bot.channel.throttle = { count: 4, retryAfterSeconds: 0, to: chatWith(lidia) };
      await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
      await waitForState(bot, filed.request.id, 'pending_owner_approval');

      const stageCards = (person: typeof lidia) => bot.channel.sent.filter((s) => chatWith(person)(s.conversationId) && s.activity.attachments?.length);
      await bot.channel.waitFor(() => stageCards(lidia).length > 0, 'Lidia’s card, after the wait');
      await bot.settle();
      assert.equal(bot.channel.throttled, 4);
      assert.equal(stageCards(lidia).length, 1);
      assert.equal(stageCards(nestor).length, 1, 'Nestor’s card is not posted again when Lidia’s is retried');
      const [stage] = await bot.requests.stagesOf(filed.request.id);
      assert.deepEqual(stage.cards?.map((c) => [c.approverId, c.localTest]).sort(), [
        [nestor.aadObjectId, false],
        [lidia.aadObjectId, false],
      ]);
      const adeleChat = bot.teams.conversationOf(users.adele);
      assert.ok(!bot.channel.messagesTo(adeleChat).some((m) => /Local test/.test(JSON.stringify(m.attachments ?? []))));
    });
  });
});
