/**
 * Separation of duties on owner stages, when their cards go out and when they are clicked: the
 * requester and the sponsor of a request decide none of its owner stages, even when the catalog
 * names them approvers of the resource (the catalog may have changed since the request was
 * filed, or a request filed again keeps its sponsor). They get no card; a click of theirs decides
 * nothing; and a stage left with nobody else tells the requester why at once, instead of hanging.
 */
import assert from 'node:assert/strict';
import { catalogWithOwners, lidia } from '../support/ownerCatalog';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('separation of duties on owner stages', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });

  /** Adele's request for Falcon and Expenses, with these owners of Falcon, approved by Megan. */
  async function approvedByMegan(falconOwners: string[]) {
    await bot.start({ RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': falconOwners }) });
    const filed = await fileRequest(bot);
    await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
    await waitForState(bot, filed.request.id, 'pending_owner_approval');
    return filed;
  }

  const stageCardsTo = (conversationId: string) =>
    bot.channel.messagesTo(conversationId).filter((m) => /Approval 2 of 2|Aprobación 2 de 2/.test(JSON.stringify(m.attachments ?? [])));

  it('gives the sponsor no owner card and no say, though the catalog names her; the other owner decides', async () => {
    const { request, cardConversationId } = await approvedByMegan(['megan.bowen@contoso.com', 'lidia.holloway@contoso.com']);
    const lidiaCard = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => /Aprobación 2 de 2/.test(JSON.stringify(s.activity.attachments ?? []))),
      'Lidia’s card',
    );
    const [stage] = await bot.requests.stagesOf(request.id);
    assert.deepEqual(
      stage.approvers?.map((a) => a.id),
      [lidia.aadObjectId],
    );
    assert.equal(stageCardsTo(cardConversationId).length, 0, 'no owner card for Megan');
    const resolved = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'stageApproversResolved');
    assert.deepEqual(resolved?.detail?.barredAsRequesterOrSponsor, [users.megan.aadObjectId]);

    // Megan forges a click on the stage: she sees it read-only, and nothing is decided.
    const forged = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, stage: 1 });
    assert.doesNotMatch(JSON.stringify(forged.body.value), /"verb":"approve"/);
    assert.equal((await bot.requests.stagesOf(request.id))[0].state, 'pending');

    await bot.teams.click(lidia, lidiaCard.conversationId, 'approve', { requestId: request.id, stage: 1 });
    await waitForState(bot, request.id, 'invited');
  });

  for (const [who, owner, told] of [
    [
      'the sponsor',
      'megan.bowen@contoso.com',
      /the only one who may approve access to Project Falcon team as its owner is Megan Bowen, who already approved it as your sponsor.*file it again with another sponsor/,
    ],
    [
      'the requester',
      'adele.vance@contoso.com',
      /you are the only one who may approve access to Project Falcon team as its owner, and nobody may approve a request they filed\. Cancel it \(type \*\*cancel GA-\w{6}\*\*\)/,
    ],
  ] as const) {
    it(`tells the requester at once when ${who} is the only owner of a resource, and sends nobody a card to decide it`, async () => {
      const { request, cardConversationId } = await approvedByMegan([owner]);
      const adeleChat = bot.teams.conversationOf(users.adele);
      const notice = await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => told.test(m.text ?? '')), 'Adele told');
      assert.match(notice.text ?? '', new RegExp(`Request \\*\\*${request.id}\\*\\* can't be approved as it is`));
      // Not even as a local test in the requester's own chat: the rule holds there too.
      assert.equal(stageCardsTo(adeleChat).length + stageCardsTo(cardConversationId).length, 0);
      const [stage] = await bot.requests.stagesOf(request.id);
      assert.equal(stage.state, 'pending');
      assert.equal(stage.cards, undefined);
      const jobs = await bot.app.database.db
        .selectFrom('jobs')
        .select(['status', 'attempts'])
        .where('request_id', '=', request.id)
        .where('kind', '=', 'deliverApprovalCard')
        .where('payload', 'like', '%"stage":1%')
        .execute();
      assert.deepEqual(jobs, [{ status: 'dead', attempts: 1 }], 'given up at once, not retried');
    });
  }

  it('refuses a click from the sponsor on a stage whose approvers were recorded naming her before this check existed', async () => {
    const { request, cardConversationId } = await approvedByMegan(['lidia.holloway@contoso.com']);
    await bot.channel.waitFor(() => bot.channel.sent.find((s) => /Aprobación 2 de 2/.test(JSON.stringify(s.activity.attachments ?? []))), 'Lidia’s card');
    const [stage] = await bot.requests.stagesOf(request.id);
    const approvers = [
      ...(stage.approvers ?? []),
      { id: users.megan.aadObjectId, displayName: 'Megan Bowen', address: 'megan.bowen@contoso.com', locale: 'en-US' },
    ];
    await bot.app.database.db
      .updateTable('approval_stages')
      .set({ approvers: JSON.stringify(approvers) })
      .where('request_id', '=', request.id)
      .execute();

    const click = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, stage: 1 });
    assert.match(JSON.stringify(click.body.value), /Only the owners of Project Falcon team can decide this approval/);
    assert.equal((await bot.requests.stagesOf(request.id))[0].state, 'pending');
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_owner_approval');
  });
});
