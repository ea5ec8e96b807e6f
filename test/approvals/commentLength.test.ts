/**
 * The comment on an approval card: its box takes as much as the bot keeps, and a click carrying
 * more (from a client that ignores the box's limit) decides nothing and says why, rather than
 * keeping a comment cut short that its writer never saw.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, SAMPLE_CATALOG_FILE } from '../../src/config';
import { ANSWER_LIMITS } from '../../src/requests/answerLimits';
import type { InvokeAnswer, TeamsUser } from '../support/fakeTeamsChannel';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const texts = (answer: InvokeAnswer) => (answer.value.body ?? []).map((b) => b.text ?? '').filter(Boolean);
const verbs = (answer: InvokeAnswer) => (answer.value.actions ?? []).map((a) => a.verb);
const commentBox = (card: unknown) =>
  ((card as { body?: Array<{ type: string; id?: string; maxLength?: unknown }> }).body ?? []).find((b) => b.type === 'Input.Text' && b.id === 'comment');

const lidia: TeamsUser = { id: '29:lidia', aadObjectId: 'a1b2c3d4-0006-4000-8000-000000000006', name: 'Lidia Holloway', locale: 'en-US' };

describe('the comment on an approval card', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });

  it('has a box of 500 characters; a longer comment decides nothing and says so in the sponsor’s language; 500 are kept whole', async () => {
    await bot.start();
    const { request, cardConversationId } = await fileRequest(bot);
    const posted = bot.channel.sent.find((s) => s.conversationId === cardConversationId)?.activity.attachments?.[0]?.content;
    assert.equal(commentBox(posted)?.maxLength, ANSWER_LIMITS.decisionComment);
    assert.equal(ANSWER_LIMITS.decisionComment, 500);

    const tooLong = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, comment: 'W'.repeat(501) });
    assert.equal(tooLong.body.statusCode, 200);
    assert.ok(
      texts(tooLong.body).includes('Your comment is longer than 500 characters, so nothing was decided. Shorten it and click again.'),
      texts(tooLong.body).join(' | '),
    );
    assert.deepEqual(verbs(tooLong.body), ['approve', 'reject'], 'the sponsor can still decide');
    const spanish = await bot.teams.click({ ...users.megan, locale: 'es-ES' }, cardConversationId, 'reject', {
      requestId: request.id,
      comment: 'N'.repeat(20_000),
    });
    assert.ok(
      texts(spanish.body).includes('Tu comentario tiene más de 500 caracteres, así que no se ha decidido nada. Acórtalo y vuelve a pulsar.'),
      texts(spanish.body).join(' | '),
    );
    const unchanged = await bot.requests.get(request.id);
    assert.equal(unchanged?.state, 'pending_approval');
    assert.equal(unchanged?.decisionComment, undefined);

    const comment = `${'W'.repeat(499)}!`;
    const approved = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, comment: `  ${comment}  ` });
    assert.ok(
      texts(approved.body).some((t) => t.startsWith('Approved by Megan Bowen')),
      texts(approved.body).join(' | '),
    );
    assert.equal((await bot.requests.get(request.id))?.decisionComment, comment);
  });

  it('holds a resource owner’s comment to the same limit', async () => {
    const catalog = loadCatalog(SAMPLE_CATALOG_FILE);
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    writeFileSync(
      file,
      JSON.stringify({ resources: catalog.resources.map((r) => (r.id === 'falcon-team' ? { ...r, approvers: ['lidia.holloway@contoso.com'] } : r)) }),
    );
    await bot.start({ RESOURCE_CATALOG_FILE: file });
    const { request, cardConversationId } = await fileRequest(bot);
    await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    await waitForState(bot, request.id, 'pending_owner_approval');
    const stageCard = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => /Approval 2 of 2|Aprobación 2 de 2/.test(JSON.stringify(s.activity.attachments ?? []))),
      'the owner’s card',
    );
    assert.equal(commentBox(stageCard.activity.attachments?.[0]?.content)?.maxLength, ANSWER_LIMITS.decisionComment);

    const tooLong = await bot.teams.click(lidia, stageCard.conversationId, 'reject', { requestId: request.id, stage: '1', comment: 'x'.repeat(501) });
    assert.ok(
      texts(tooLong.body).includes('Your comment is longer than 500 characters, so nothing was decided. Shorten it and click again.'),
      texts(tooLong.body).join(' | '),
    );
    assert.deepEqual(verbs(tooLong.body), ['approve', 'reject']);
    assert.equal((await bot.requests.stagesOf(request.id))[0]?.state, 'pending');
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_owner_approval');
  });
});
