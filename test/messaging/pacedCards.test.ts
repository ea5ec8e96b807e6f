/**
 * Cards paced below Teams' limits, through the real bot and a fake Teams that answers 429 over
 * them as Teams does: a sponsor who gets 60 cards within a minute gets every one, once, and
 * Teams never has to refuse one.
 */
import assert from 'node:assert/strict';
import { fileRequest } from '../../src/useCases/fileRequest';
import { requestDraft } from '../support/requestDraft';
import { users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const CARDS = 60;

describe('cards to one sponsor paced below Teams’ limits', function () {
  this.timeout(90_000);
  const bot = withTestBot({ MAX_OPEN_REQUESTS: String(CARDS) });

  it(`delivers ${CARDS} cards filed at once to the sponsor, each once, with no 429 from Teams`, async () => {
    bot.channel.enforceTeamsLimits = true;
    await bot.teams.install(users.adele);
    const ids: string[] = [];
    for (let i = 0; i < CARDS; i++) {
      const filing = await fileRequest(
        { requests: bot.requests, maxOpenRequests: CARDS, timing: { dayMs: bot.config.timing.dayMs }, clock: bot.now },
        { ...requestDraft({ guestEmail: `partner${i}@fabrikam.com` }), accessDays: bot.config.timing.accessDays },
        { kind: 'user', id: users.adele.aadObjectId, displayName: users.adele.name },
      );
      assert.equal(filing.outcome, 'filed');
      if (filing.outcome === 'filed') ids.push(filing.request.id);
    }
    bot.app.worker.wake();

    const cardsFor = (id: string) => bot.channel.sent.filter((s) => s.activity.attachments?.length && JSON.stringify(s.activity.attachments).includes(id));
    await bot.channel.waitFor(() => ids.every((id) => cardsFor(id).length > 0), `all ${CARDS} cards`, 75_000);
    await bot.settle();

    assert.deepEqual(
      ids.filter((id) => cardsFor(id).length !== 1),
      [],
      'every request’s card arrived exactly once',
    );
    const chats = new Set(ids.map((id) => cardsFor(id)[0].conversationId));
    assert.equal(chats.size, 1, 'all in the sponsor’s one chat');
    assert.equal(bot.channel.throttled, 0, 'Teams never answered 429');
    for (const id of ids) assert.equal((await bot.requests.get(id))?.approvalCard?.localTest, false);
  });
});
