/**
 * The sponsor's card over HTTP, as Teams sends `adaptiveCard/action` invokes: who may decide,
 * what the invoke answers, and that nothing happens twice.
 */
import assert from 'node:assert/strict';
import { CARD_SETTLE_MS } from '../../src/requests/followUp';
import { emulatorUser } from '../support/emulatorUser';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import type { InvokeAnswer } from '../support/fakeTeamsChannel';

const texts = (answer: InvokeAnswer) => (answer.value.body ?? []).map((b) => b.text ?? '').filter(Boolean);
const verbs = (answer: InvokeAnswer) => (answer.value.actions ?? []).map((a) => a.verb);

describe('approval card', function () {
  const bot = withTestBot();

  it('is posted to the sponsor in a new 1:1 chat opened with their Entra id and the tenant', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const [created] = bot.channel.createdConversations;
    assert.equal(created.id, cardConversationId);
    assert.deepEqual(
      created.parameters.members?.map((m) => m.id),
      [users.megan.aadObjectId],
    );
    assert.equal(created.parameters.tenantId, '5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f');
    assert.equal(created.parameters.isGroup, false);
    const card = bot.channel.sent.find((s) => s.conversationId === cardConversationId)?.activity.attachments?.[0];
    assert.equal(card?.contentType, 'application/vnd.microsoft.card.adaptive');
    const content = card?.content as {
      version: string;
      refresh: { userIds: string[] };
      actions: { type: string; verb: string; data: { requestId: string } }[];
    };
    assert.equal(content.version, '1.5');
    assert.deepEqual(content.refresh.userIds, [users.megan.aadObjectId]);
    assert.deepEqual(
      content.actions.map((a) => [a.type, a.verb, a.data.requestId]),
      [
        ['Action.Execute', 'approve', request.id],
        ['Action.Execute', 'reject', request.id],
      ],
    );
    assert.equal((await bot.requests.get(request.id))?.approvalCard?.conversationId, cardConversationId);
  });

  it('answers the sponsor’s approval at once with the updated card, then provisions in the background', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const started = Date.now();
    const { status, body } = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, comment: 'Welcome' });
    const elapsed = Date.now() - started;
    assert.equal(status, 200);
    assert.equal(body.statusCode, 200);
    assert.equal(body.type, 'application/vnd.microsoft.card.adaptive');
    assert.equal(body.value.type, 'AdaptiveCard');
    assert.ok(
      texts(body).some((t) => t.startsWith('Approved by Megan Bowen')),
      texts(body).join(' | '),
    );
    assert.ok(texts(body).includes('Comment: “Welcome”'));
    assert.deepEqual(verbs(body), [], 'no buttons once decided');
    assert.ok(elapsed < 1000, `the invoke took ${elapsed} ms`);
    const invited = await waitForState(bot, request.id, 'invited');
    assert.match(invited.inviteRedeemUrl ?? '', /\/simulator\/redeem\//);
  });

  it('shows the sponsor the buttons when Teams refreshes the card, with their Teams id for later refreshes', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const { body } = await bot.teams.click(users.megan, cardConversationId, 'refresh', { requestId: request.id });
    assert.deepEqual(verbs(body), ['approve', 'reject']);
    assert.ok((body.value.body ?? []).some((b) => b.type === 'Input.Text' && b.id === 'comment'));
    const refresh = (body.value as unknown as { refresh: { userIds: string[] } }).refresh;
    assert.deepEqual(refresh.userIds, [users.megan.id, users.megan.aadObjectId]);
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });

  it('shows the requester where their request stands, read-only, and that only the sponsor decides', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const { body } = await bot.teams.click(users.adele, cardConversationId, 'approve', { requestId: request.id });
    assert.ok(texts(body).includes('Only the sponsor named on this request can approve or reject it.'), texts(body).join(' | '));
    assert.ok(texts(body).includes('Waiting for Megan Bowen to approve or reject.'), texts(body).join(' | '));
    assert.deepEqual(verbs(body), [], 'no buttons');
    assert.ok(!(body.value.body ?? []).some((b) => b.type === 'Input.Text'), 'no comment box');
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });

  it('tells anyone else, in their language, only that there is nothing for them to do: nothing of the request shows, nothing changes', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    for (const verb of ['approve', 'reject', 'refresh']) {
      const { body } = await bot.teams.click(users.diego, cardConversationId, verb, { requestId: request.id, comment: 'ok' });
      assert.deepEqual(texts(body), [
        'Solicitud de acceso de invitado',
        'Aquí no hay nada que puedas hacer: esta solicitud no existe o no te corresponde decidirla. No se ha cambiado nada.',
      ]);
      const shown = JSON.stringify(body);
      for (const detail of [request.guestEmail, request.justification, 'Adele', 'Megan', 'Falcon'])
        assert.ok(!shown.includes(detail), `${detail} shown to Diego`);
      assert.deepEqual(verbs(body), []);
    }
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
    assert.deepEqual(
      (await bot.requests.auditTrail(request.id)).map((e) => e.action),
      ['submitted', 'approvalCardPosted'],
    );
  });

  it('decides once when the sponsor clicks twice at the same moment', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const answers = await Promise.all([
      bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id }),
      bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id }),
    ]);
    for (const { body } of answers) assert.deepEqual(verbs(body), []);
    await waitForState(bot, request.id, 'invited');
    const trail = await bot.requests.auditTrail(request.id);
    assert.equal(trail.filter((e) => e.action === 'approved').length, 1);
    assert.equal(trail.filter((e) => e.action === 'invitationCreated').length, 1);
    const jobs = await bot.app.database.db
      .selectFrom('jobs')
      .select('kind')
      .where('request_id', '=', request.id)
      .where('kind', '=', 'provisionGuest')
      .execute();
    assert.equal(jobs.length, 1);
    const invitations = bot.app.simulator?.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')) ?? [];
    assert.equal(invitations.length, 1, 'one invitation');
  });

  it('shows the rejection on a later approve click, and nothing is provisioned', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const rejected = await bot.teams.click(users.megan, cardConversationId, 'reject', { requestId: request.id, comment: 'Use the partner portal instead' });
    assert.ok(texts(rejected.body).includes('Rejected by Megan Bowen.'));
    const late = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    assert.ok(texts(late.body).includes('Rejected by Megan Bowen.'), texts(late.body).join(' | '));
    assert.deepEqual(verbs(late.body), []);
    assert.equal((await bot.requests.get(request.id))?.state, 'rejected');

    const notice = await bot.channel.waitFor(
      () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes('rejected request')),
      'the rejection notice',
    );
    assert.match(notice.text ?? '', /Megan Bowen rejected request \*\*GA-\w{6}\*\* for partner@fabrikam\.com\./);
    assert.match(notice.text ?? '', /Their comment: “Use the partner portal instead”/);
    assert.ok(!bot.app.simulator?.requests.some((r) => r.path.endsWith('/invitations')), 'no invitation');
  });

  it('answers a forged or unknown request id, a malformed one and an unknown verb without changing anything', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const unknown = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: 'GA-000000' });
    assert.ok(texts(unknown.body).some((t) => t.startsWith("There is nothing here you can act on: this request doesn't exist")));
    for (const malformedId of [{ $ne: null }, request.id.toLowerCase(), ` ${request.id}`, `${request.id}%`, 'GA-' + 'A'.repeat(5000), "GA-' OR 1=1"]) {
      const malformed = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: malformedId });
      assert.ok(
        texts(malformed.body).some((t) => t.startsWith('There is nothing here you can act on')),
        JSON.stringify(malformedId).slice(0, 40),
      );
    }
    // Verbs are looked up by name: those that an object's prototype also bears must find nothing either.
    for (const unknownVerb of ['delete', 'constructor', '__proto__', 'toString']) {
      const verb = await bot.teams.click(users.megan, cardConversationId, unknownVerb, { requestId: request.id });
      assert.equal(verb.status, 200, unknownVerb);
      assert.ok(
        texts(verb.body).some((t) => t.startsWith("That action isn't something this card can do")),
        unknownVerb,
      );
    }
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });

  it('shows URLs typed into a justification or a comment as text nobody can click, on the card and in the notice', async () => {
    const justification = 'Reviews contracts; details at https://evil.example/login and contoso-sso.net';
    const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000, { justification });
    const posted = bot.channel.messagesTo(cardConversationId).find((m) => m.attachments?.length);
    const facts = (posted?.attachments?.[0].content as InvokeAnswer['value']).body?.flatMap((b) => b.facts ?? []) ?? [];
    assert.equal(facts.find((f) => f.title === 'Why')?.value, 'Reviews contracts; details at https\\[:\\]//evil\\[.\\]example/login and contoso-sso\\[.\\]net');

    const { body } = await bot.teams.click(users.megan, cardConversationId, 'reject', { requestId: request.id, comment: 'Use www.partner-portal.com instead' });
    assert.ok(texts(body).includes('Comment: “Use www\\[.\\]partner-portal\\[.\\]com instead”'), texts(body).join(' | '));
    const notice = await bot.channel.waitFor(
      () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes('rejected request')),
      'the rejection notice',
    );
    assert.match(notice.text ?? '', /Their comment: “Use www\\\[\.\\\]partner-portal\\\[\.\\\]com instead”/);
    assert.doesNotMatch(JSON.stringify([posted, body, notice]), /https:\/\/evil|www\.partner-portal\.com|contoso-sso\.net/);
  });

  it('answers in the clicking sponsor’s language', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    const { body } = await bot.teams.click({ ...users.megan, locale: 'es-MX' }, cardConversationId, 'approve', { requestId: request.id });
    assert.ok(
      texts(body).some((t) => t.startsWith('Aprobada por Megan Bowen')),
      texts(body).join(' | '),
    );
  });

  it('updates the posted card in place when the request moves on', async () => {
    const { request, cardConversationId, cardActivityId } = await fileRequest(bot);
    await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    const final = await bot.channel.waitFor(
      () => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('The invitation is ready')),
      'the final card update',
    );
    assert.equal(final.conversationId, cardConversationId);
    assert.equal(final.activityId, cardActivityId);
  });

  it('redraws the card once when the invitation follows the approval within seconds: the click’s answer said “approved”', async () => {
    const { request, cardConversationId, cardActivityId } = await fileRequest(bot);
    await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    await waitForState(bot, request.id, 'invited');
    await bot.settle();
    const redraws = bot.channel.updates.filter((u) => u.activityId === cardActivityId);
    assert.equal(redraws.length, 1, redraws.map((u) => JSON.stringify(u.activity).slice(0, 200)).join('\n'));
    assert.match(JSON.stringify(redraws[0].activity), /The invitation is ready/);
    const cardJobs = await bot.app.database.db.selectFrom('jobs').select('status').where('kind', '=', 'updateApprovalCard').execute();
    assert.deepEqual(
      cardJobs.map((job) => job.status),
      ['done', 'done'],
      'the approval’s redraw was settled by the invitation’s, not dropped',
    );
  });
});

describe('approval card while Graph is slow', function () {
  // Every Graph call takes 400 ms: the invitation comes well after the click.
  const bot = withTestBot({ SIMULATOR_LATENCY_MS: '400' });

  it('shows “approved” once the invitation has taken longer than CARD_SETTLE_MS, then the invitation', async function () {
    this.timeout(20_000);
    const { request, cardConversationId, cardActivityId } = await fileRequest(bot);
    await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
    // The invitation is still on its way when the approval's redraw falls due.
    bot.clock.advance(CARD_SETTLE_MS);
    const approved = await bot.channel.waitFor(() => bot.channel.updates.find((u) => u.activityId === cardActivityId), 'the approval’s redraw');
    assert.match(JSON.stringify(approved.activity), /Approved by Megan Bowen/);
    assert.doesNotMatch(JSON.stringify(approved.activity), /The invitation is ready/);
    await waitForState(bot, request.id, 'invited');
    await bot.settle();
    const redraws = bot.channel.updates.filter((u) => u.activityId === cardActivityId);
    assert.equal(redraws.length, 2);
    assert.match(JSON.stringify(redraws[1].activity), /The invitation is ready/);
  });
});

describe('approval card in a local test session', function () {
  const bot = withTestBot();
  beforeEach(() => {
    // Teams refuses to open a chat with a sponsor who does not have the app.
    bot.channel.createConversationStatus = 403;
  });

  it('goes to the requester’s own chat, labelled as a local test, when the sponsor cannot be reached', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    assert.equal(cardConversationId, bot.teams.conversationOf(users.adele));
    const card = bot.channel.messagesTo(cardConversationId).find((m) => m.attachments?.length);
    assert.match(JSON.stringify(card?.attachments?.[0].content), /Local test: the sponsor, Megan Bowen, can't be reached/);
    assert.equal((await bot.requests.get(request.id))?.approvalCard?.localTest, true);
  });

  it('may be decided from that chat, and the audit trail says it was a local test', async () => {
    const { request, cardConversationId } = await fileRequest(bot);
    // The Emulator sends no Entra id: the simulated directory's default user (Adele) clicks.
    const { body } = await bot.teams.click(emulatorUser(), cardConversationId, 'approve', { requestId: request.id });
    assert.ok(texts(body).some((t) => t.startsWith('Approved by Megan Bowen')));
    await waitForState(bot, request.id, 'invited');
    const approved = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'approved');
    assert.deepEqual(approved?.detail, { localTest: true, actingFor: users.megan.aadObjectId });
    assert.equal(approved?.actor.kind === 'user' && approved.actor.id, users.adele.aadObjectId);
  });

  it('may not be decided from any other chat', async () => {
    const { request } = await fileRequest(bot);
    const { body } = await bot.teams.click(users.diego, bot.teams.conversationOf(users.diego), 'approve', { requestId: request.id });
    assert.ok(texts(body).some((t) => t.includes('Aquí no hay nada que puedas hacer')));
    assert.equal((await bot.requests.get(request.id))?.state, 'pending_approval');
  });
});

describe('approval card in a local test session where the sponsor’s chat opens but takes no messages', function () {
  const bot = withTestBot({}, { start: 'before' });

  it('falls back to the requester’s chat without retrying the job (the Agents Playground answers posts to other users with 500)', async function () {
    // The Bot Connector client itself retries a 500 three times, a few seconds in all.
    this.timeout(40_000);
    bot.channel.failPostsTo = (conversationId) => conversationId !== bot.teams.conversationOf(users.adele);
    const { request, cardConversationId } = await fileRequest(bot, users.adele, 30_000);
    assert.equal(cardConversationId, bot.teams.conversationOf(users.adele));
    assert.equal((await bot.requests.get(request.id))?.approvalCard?.localTest, true);
    const jobs = await bot.app.database.db.selectFrom('jobs').selectAll().where('kind', '=', 'deliverApprovalCard').execute();
    assert.deepEqual(
      jobs.map((j) => [j.status, j.attempts]),
      [['done', 1]],
      'no job retries first',
    );
  });
});
