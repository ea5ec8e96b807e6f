/**
 * `request again GA-…` files a new request, so it counts against MAX_OPEN_REQUESTS as the request
 * dialog does: a requester with as many requests waiting as allowed is told which they are, and
 * nothing is filed until one of them is decided.
 */
import assert from 'node:assert/strict';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

describe('request again, against the open-request limit', function () {
  this.timeout(30_000);
  const bot = withTestBot({ MAX_OPEN_REQUESTS: '2' });

  it('refuses to file an expired request again while MAX_OPEN_REQUESTS wait for a decision, naming them, and files it once one is decided', async () => {
    const adeleChat = bot.teams.conversationOf(users.adele);
    const { request: expired } = await fileRequest(bot, users.adele, 10_000);
    await bot.passDays(7.1);
    await waitForState(bot, expired.id, 'expired');

    const open = [];
    for (const guestEmail of ['first@fabrikam.com', 'second@fabrikam.com']) open.push(await fileRequest(bot, users.adele, 10_000, { guestEmail }));
    const filedBefore = (await bot.requests.requestsFiledBy(users.adele.aadObjectId, 10)).total;

    await bot.teams.say(users.adele, `request again ${expired.id}`);
    const refusal = bot.channel.messagesTo(adeleChat).at(-1)?.text ?? '';
    assert.match(refusal, /^You already have 2 requests waiting for a sponsor's decision/);
    for (const { request } of open) assert.ok(refusal.includes(request.id), `${request.id} is named in: ${refusal}`);
    assert.equal((await bot.requests.requestsFiledBy(users.adele.aadObjectId, 10)).total, filedBefore, 'nothing filed');
    assert.ok(!(await bot.requests.auditTrail(expired.id)).some((e) => e.action === 'filedAgain'), 'the old request is not marked filed again');

    // Megan decides one: there is room again, and the same command files it.
    const [first] = open;
    const decided = await bot.teams.click(users.megan, first.cardConversationId, 'reject', { requestId: first.request.id });
    assert.equal(decided.status, 200);
    await waitForState(bot, first.request.id, 'rejected');
    await bot.teams.say(users.adele, `request again ${expired.id}`);
    assert.match(bot.channel.messagesTo(adeleChat).at(-1)?.text ?? '', /^Filed again as \*\*GA-\w{6}\*\*/);
    assert.equal((await bot.requests.requestsFiledBy(users.adele.aadObjectId, 10)).total, filedBefore + 1);
  });
});
