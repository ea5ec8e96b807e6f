/**
 * The end of access, on an injected clock: the sponsor's offer to extend (accepted, declined),
 * the removal at the end date with exactly the Graph calls it needs, a retry after a failure in
 * the middle that removes only what is left, the guest's account per GUEST_END_ACTION, what
 * another request still gives kept, and a sponsor ending access early.
 */
import assert from 'node:assert/strict';
import type { RecordedRequest } from '../../src/simulator/directorySimulator';
import { directAppRoleCatalogFile, EXPENSES_SERVICE_PRINCIPAL } from '../support/directAppRoleCatalog';
import { invitedRequest, users, waitForState } from '../support/testBot';
import { restartableBot, withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';
const EXPENSES_SP = EXPENSES_SERVICE_PRINCIPAL;
/** Expenses assigned directly, the form for tenants without Entra ID P1: the app role must come off too. */
const directAppRoles = () => ({ RESOURCE_CATALOG_FILE: directAppRoleCatalogFile() });
const DAY = 86_400_000;

describe('the end of access', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });

  /** Adele's request for 10 days of Falcon and Expenses, approved by Megan, the guest invited. */
  async function tenDayAccess(env: Record<string, string> = {}, guestEmail = 'partner@fabrikam.com') {
    await bot.start(env);
    const endsAt = new Date(bot.clock.now().getTime() + 10 * DAY).toISOString();
    return invitedRequest(bot, users.adele, { accessDays: 10, endsAt, guestEmail });
  }

  /** Graph calls since `start`, a `$batch`'s items each on their own, app role assignment ids as `…`. */
  function graphCallsSince(start: number): string[] {
    const calls = (bot.app.simulator?.requests ?? []).slice(start) as RecordedRequest[];
    return calls
      .filter((call) => call.path.includes('/graph/'))
      .flatMap((call) =>
        call.batchItems ? call.batchItems.map((item) => `batch ${item.method} ${item.path}`) : [`${call.method} ${call.path.replace(/^.*\/v1\.0/, '')}`],
      )
      .map((call) => call.replace(/appRoleAssignedTo\/.+$/, 'appRoleAssignedTo/…'));
  }

  it('offers the sponsor an extension ACCESS_EXTENSION_NOTICE_DAYS before the end; Extend moves the end and the access stays', async () => {
    const { request, cardConversationId, invited } = await tenDayAccess();
    const guest = invited.invitedUserId as string;
    await bot.passDays(2.9);
    assert.equal(bot.channel.messagesTo(cardConversationId).filter((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"')).length, 0);
    await bot.passDays(0.2);
    const offer = await bot.channel.waitFor(
      () => bot.channel.messagesTo(cardConversationId).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"')),
      'the offer',
    );
    const card = JSON.stringify(offer.attachments);
    assert.match(card, /Extend guest access\?/);
    assert.match(card, /Extend by 10 days/);
    const offeredFor = (await bot.requests.get(request.id))?.extensionOffer?.for;
    assert.equal(offeredFor, invited.endsAt);

    // Adele is not the sponsor: she cannot extend.
    const refused = await bot.teams.click(users.adele, bot.teams.conversationOf(users.adele), 'extend', { requestId: request.id, offeredFor });
    assert.match(JSON.stringify(refused.body.value), /Only the sponsor who approved this access can extend it/);

    const click = await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
    assert.match(JSON.stringify(click.body.value), /Extended: the access now ends on/);
    assert.doesNotMatch(JSON.stringify(click.body.value), /"verb":"extend"/);
    const extended = await bot.requests.get(request.id);
    assert.equal(extended?.endsAt, new Date(Date.parse(invited.endsAt as string) + 10 * DAY).toISOString());
    assert.equal(extended?.extensions, 1);
    assert.ok((await bot.requests.auditTrail(request.id)).some((e) => e.action === 'extended' && e.actor.kind === 'user' && e.detail?.days === 10));
    // A second click changes nothing.
    await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
    assert.equal((await bot.requests.get(request.id))?.extensions, 1);
    await bot.channel.waitFor(
      () =>
        bot.channel
          .messagesTo(bot.teams.conversationOf(users.adele))
          .find((m) => /Megan Bowen extended the access of partner@fabrikam\.com/.test(m.text ?? '')),
      'Adele told',
    );

    // The old end date passes: nothing ends.
    await bot.passDays(7.5);
    assert.equal((await bot.requests.get(request.id))?.state, 'invited');
    assert.ok(bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));
    // A week before the new end, a new offer; at it, the end.
    const offers = () => bot.channel.messagesTo(cardConversationId).filter((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"')).length;
    assert.equal(offers(), 0, 'the answered offer no longer has buttons');
    assert.match(JSON.stringify(bot.channel.messagesTo(cardConversationId).map((m) => m.attachments)), /Extended: the access now ends on/);
    await bot.passDays(2.5);
    assert.equal(offers(), 1, 'a new offer for the new end date');
    await bot.passDays(7);
    await waitForState(bot, request.id, 'ended');
    assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));
  });

  it('Let it end: the requester is told, and at the end date the guest loses exactly what the request gave, in one batch and one listing', async () => {
    const { request, cardConversationId, invited } = await tenDayAccess(directAppRoles());
    const guest = invited.invitedUserId as string;
    await bot.passDays(3.1);
    const offeredFor = (await bot.requests.get(request.id))?.extensionOffer?.for;
    const click = await bot.teams.click(users.megan, cardConversationId, 'letEnd', { requestId: request.id, offeredFor });
    assert.match(JSON.stringify(click.body.value), /Not extended: the access ends on/);
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(adeleChat).find((m) => /Megan Bowen decided not to extend the access/.test(m.text ?? '')),
      'Adele told',
    );
    assert.ok(bot.app.simulator?.appRoleAssignmentsOf(guest).some((a) => a.resourceId === EXPENSES_SP));

    const start = bot.app.simulator?.requests.length ?? 0;
    await bot.passDays(7);
    const ended = await waitForState(bot, request.id, 'ended');
    assert.equal(ended.endReason, 'endDate');
    // Two round trips: the group and the listing of the guest's app roles together, then the role.
    assert.deepEqual(graphCallsSince(start), [
      `batch DELETE /groups/${FALCON_GROUP}/members/${guest}/$ref`,
      `batch GET /users/${guest}/appRoleAssignments`,
      `batch DELETE /servicePrincipals/${EXPENSES_SP}/appRoleAssignedTo/…`,
    ]);
    assert.equal((bot.app.simulator?.requests ?? []).slice(start).filter((r) => r.path.endsWith('$batch')).length, 2);
    assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));
    assert.equal(bot.app.simulator?.appRoleAssignmentsOf(guest).filter((a) => a.resourceId === EXPENSES_SP).length, 0);
    assert.ok(bot.app.simulator?.getUser(guest), 'GUEST_END_ACTION none: the account stays');
    await bot.channel.waitFor(
      () =>
        bot.channel
          .messagesTo(adeleChat)
          .find((m) => /has ended on its end date\. I removed them from Project Falcon team, Contoso Expenses\. If they need/.test(m.text ?? '')),
      'Adele told of the end',
    );
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(cardConversationId).find((m) => /^The access of partner@fabrikam\.com .* has ended on its end date/.test(m.text ?? '')),
      'Megan told of the end',
    );
    await bot.channel.waitFor(() => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes("The guest's access has ended.")), 'the card updated');
    await bot.channel.waitFor(() => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('The access ended on')), 'the offer to extend updated');
  });

  it('after a failure in the middle, the retry removes only what is left', async () => {
    const { request, invited } = await tenDayAccess(directAppRoles());
    const guest = invited.invitedUserId as string;
    // The app role's removal fails with an outage longer than the batch waits for: the job is retried.
    bot.app.simulator?.injectFault({ method: 'DELETE', path: /appRoleAssignedTo/, status: 503, retryAfterSeconds: 120, times: 1, inBatch: true });
    await bot.passDays(10.01);
    const halfway = await bot.requests.get(request.id);
    assert.equal(halfway?.state, 'invited');
    assert.deepEqual(halfway?.removedResourceIds, ['falcon-team']);
    assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));

    const start = bot.app.simulator?.requests.length ?? 0;
    bot.clock.advance(10 * 60_000);
    await bot.settle();
    await waitForState(bot, request.id, 'ended');
    const calls = graphCallsSince(start);
    assert.equal(calls.filter((c) => c.includes('/groups/')).length, 0, 'the group is not asked again');
    assert.deepEqual(calls, [`batch GET /users/${guest}/appRoleAssignments`, `batch DELETE /servicePrincipals/${EXPENSES_SP}/appRoleAssignedTo/…`]);
  });

  it('after a crash between Graph removing the access and the bot recording it, the next run finds it gone and ends the request', async () => {
    const { request, invited } = await tenDayAccess();
    const guest = invited.invitedUserId as string;
    // What a first run did before it was killed: the membership is gone, nothing is recorded.
    const removed = await fetch(`${bot.app.url}/simulator/graph/v1.0/groups/${FALCON_GROUP}/members/${guest}/$ref`, { method: 'DELETE' });
    assert.equal(removed.status, 204);
    const start = bot.app.simulator?.requests.length ?? 0;
    await bot.passDays(10.01);
    const ended = await waitForState(bot, request.id, 'ended');
    assert.deepEqual(ended.removedResourceIds, ['falcon-team', 'expenses-app']);
    const groupCall = (bot.app.simulator?.requests ?? [])
      .slice(start)
      .flatMap((r) => r.batchItems ?? [])
      .find((item) => item.path.includes('/groups/'));
    assert.equal(groupCall?.status, 404, 'already gone counts as removed');
  });

  it('keeps the offer to extend and the end of access through a restart', async () => {
    const restarted = await restartableBot();
    try {
      const { request, cardConversationId } = await invitedRequest(restarted, users.adele, {
        accessDays: 10,
        endsAt: new Date(restarted.clock.now().getTime() + 10 * DAY).toISOString(),
      });
      await restarted.restart();
      await restarted.passDays(3.1);
      await restarted.channel.waitFor(
        () => restarted.channel.messagesTo(cardConversationId).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"')),
        'the offer after the restart',
      );
      await restarted.restart();
      await restarted.passDays(7);
      await waitForState(restarted, request.id, 'ended');
    } finally {
      await restarted.close();
    }
  });

  it('GUEST_END_ACTION=disable blocks the account when its last access ends, and keeps what another request still gives', async () => {
    await bot.start({ GUEST_END_ACTION: 'disable' });
    const first = await invitedRequest(bot, users.adele, { accessDays: 10, endsAt: new Date(bot.clock.now().getTime() + 10 * DAY).toISOString() });
    const second = await invitedRequest(bot, users.adele, {
      accessDays: 20,
      endsAt: new Date(bot.clock.now().getTime() + 20 * DAY).toISOString(),
      resourceIds: ['falcon-team'],
    });
    const guest = first.invited.invitedUserId as string;
    assert.equal(second.invited.invitedUserId, guest);

    await bot.passDays(10.01);
    const ended = await waitForState(bot, first.request.id, 'ended');
    assert.ok(bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest), 'Falcon stays: the second request gives it');
    assert.equal(bot.app.simulator?.appRoleAssignmentsOf(guest).length, 0);
    assert.notEqual(bot.app.simulator?.getUser(guest)?.accountEnabled, false, 'not disabled: another access is active');
    assert.deepEqual((await bot.requests.auditTrail(ended.id)).find((e) => e.toState === 'ended')?.detail?.keptForOtherRequests, ['falcon-team']);

    await bot.passDays(10);
    await waitForState(bot, second.request.id, 'ended');
    assert.ok(!bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));
    assert.equal(bot.app.simulator?.getUser(guest)?.accountEnabled, false);
  });

  it('a sponsor ends access early: confirmed, audited under their name, removed at once', async () => {
    const { request, cardConversationId, invited } = await tenDayAccess({ GUEST_END_ACTION: 'delete' });
    const guest = invited.invitedUserId as string;
    // Adele cannot; Megan can, once she confirms.
    await bot.teams.say(users.adele, `end ${request.id}`);
    assert.match(bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).at(-1)?.text ?? '', /Only the sponsor of request/);
    await bot.teams.click(users.megan, cardConversationId, 'command', { command: `end ${request.id}` });
    assert.match(visibleText(bot.channel.messagesTo(cardConversationId).at(-1)), /End the access of partner@fabrikam\.com/);
    await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
    const ended = await waitForState(bot, request.id, 'ended');
    assert.equal(ended.endReason, 'sponsor');
    const trail = await bot.requests.auditTrail(request.id);
    assert.ok(trail.some((e) => e.action === 'endAccessAsked' && e.actor.kind === 'user' && e.actor.displayName === 'Megan Bowen'));
    assert.equal(bot.app.simulator?.getUser(guest), undefined, 'GUEST_END_ACTION delete: the guest is gone');
    await bot.channel.waitFor(
      () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => /has ended, as Megan Bowen decided/.test(m.text ?? '')),
      'Adele told',
    );
  });
});
