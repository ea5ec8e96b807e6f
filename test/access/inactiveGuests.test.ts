/**
 * Guests nobody uses (INACTIVE_GUEST_DAYS), through the real server and the simulator over HTTP,
 * with TIME_SCALE (a day lasts a minute) and the test clock: the guest accepts on the consent page
 * (which the simulator records as a sign-in), time passes without another, and the sponsor gets
 * the card, in their language; End access now ends the access as `end GA-…` does, taking only what
 * the bot gave; Keep keeps it and is not asked again within the period; a guest who signs in gets
 * no card; a 403 (no Entra ID P1, or no AuditLog.Read.All) turns the check off with one log line
 * and a line in /healthz; INACTIVE_GUEST_DAYS=0 reads nothing; many guests cost one round trip.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import type { RecordedRequest } from '../../src/simulator/directorySimulator';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { filedRequest } from '../support/requestStates';
import { invitedRequest, redemptionChecksDue, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const MINUTE = 60_000;
/** TIME_SCALE=1440: a day lasts a minute, so INACTIVE_GUEST_DAYS=30 is half an hour of the test clock. */
const SCALED = { TIME_SCALE: '1440', INACTIVE_GUEST_DAYS: '30' };
const SPRING_CAMPAIGN_GROUP = 'c0ffee00-0003-4000-8000-00000000c003';
const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';

describe('guests nobody uses (INACTIVE_GUEST_DAYS)', function () {
  this.timeout(30_000);
  const lines: string[] = [];
  const bot = withTestBot({}, { start: 'inTest', logger: () => pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
  beforeEach(() => (lines.length = 0));

  const simulator = () => bot.app.simulator as NonNullable<typeof bot.app.simulator>;
  const graphBase = () => `${bot.app.url}/simulator/graph/v1.0`;

  /** The sign-in reads (`$batch` items selecting signInActivity) Graph received since `start`. */
  const signInReads = (start: number) =>
    (simulator().requests.slice(start) as RecordedRequest[])
      .flatMap((r) => r.batchItems ?? [])
      .filter((item) => /signInActivity/.test(item.query.$select ?? ''));

  /** Adele's request for partner@fabrikam.com, approved by Megan (in `sponsorLocale`), the guest having accepted on the consent page. */
  async function acceptedGuest(env: Record<string, string> = SCALED, sponsorLocale = 'en-US') {
    await bot.start(env);
    // The test runs each cycle itself: the watcher's own timer must not claim the checks first.
    await bot.app.inactivityWatcher.stop();
    const invited = await invitedRequest(bot, users.adele, { sponsorLocale });
    assert.equal((await redeemInBrowser(invited.invited.inviteRedeemUrl as string)).status, 200);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    const accepted = await waitForState(bot, invited.request.id, 'accepted');
    await bot.settle();
    return { ...invited, accepted, guestId: accepted.invitedUserId as string };
  }

  const cardsTo = (conversationId: string) =>
    bot.channel.messagesTo(conversationId).filter((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"keepInactiveGuest"'));

  for (const [locale, title, lastSignIn, endNow, keep] of [
    ['en-US', 'Guest not signing in', 'Last sign-in', 'End access now', 'Keep until the end date'],
    ['es-ES', 'Invitado que no inicia sesión', 'Último inicio de sesión', 'Terminar el acceso ahora', 'Mantener hasta la fecha de fin'],
  ] as const) {
    it(`asks the sponsor (${locale}) about a guest with no sign-in for INACTIVE_GUEST_DAYS since accepting, once`, async () => {
      const { request, cardConversationId } = await acceptedGuest(SCALED, locale);
      // Not yet: 29 days (minutes) after accepting, nothing is due.
      bot.clock.advance(29 * MINUTE);
      assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 0, asked: 0 });
      bot.clock.advance(2 * MINUTE);
      assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 1, asked: 1 });
      await bot.settle();
      const [card] = cardsTo(cardConversationId);
      assert.ok(card, 'the sponsor got the card');
      const text = JSON.stringify(card.attachments);
      for (const words of [title, lastSignIn, endNow, keep, 'partner@fabrikam.com', request.id, '30'])
        assert.ok(text.includes(words), `the card says ${words}: ${text}`);
      const after = await bot.requests.get(request.id);
      assert.ok(after?.lastSignInAt, 'the sign-in read is kept on the request');
      assert.ok(after?.inactivityQuestion?.cardId, 'the card is recorded');
      assert.ok((await bot.requests.auditTrail(request.id)).some((e) => e.action === 'inactiveGuestFound'));
      // The next cycles within the period ask nothing more.
      await bot.app.database.db
        .updateTable('access_requests')
        .set({ activity_check_at: new Date(0).toISOString() })
        .execute();
      assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 1, asked: 0 });
      await bot.settle();
      assert.equal(cardsTo(cardConversationId).length, 1);
    });
  }

  it('End access now ends the access as `end GA-…` does, taking away only what the bot gave; the card shows it', async () => {
    const { request, cardConversationId, guestId } = await acceptedGuest();
    // Someone added the guest to another group by hand: not the bot's to take away.
    const byHand = await fetch(`${graphBase()}/groups/${SPRING_CAMPAIGN_GROUP}/members/$ref`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.id': `${graphBase()}/directoryObjects/${guestId}` }),
    });
    assert.equal(byHand.status, 204);
    bot.clock.advance(31 * MINUTE);
    await bot.app.inactivityWatcher.checkDue();
    await bot.settle();
    const askedAt = (await bot.requests.get(request.id))?.inactivityQuestion?.askedAt;
    assert.ok(askedAt);

    // Adele asked for the guest but is not their sponsor: she sees the card, and cannot end it. Diego is nobody to it.
    const adeles = await bot.teams.click(users.adele, bot.teams.conversationOf(users.adele), 'endInactiveGuest', { requestId: request.id, askedAt });
    assert.match(JSON.stringify(adeles.body.value), /Only the sponsor who approved this access can end it or keep it/);
    const diegos = await bot.teams.click(users.diego, bot.teams.conversationOf(users.diego), 'endInactiveGuest', { requestId: request.id, askedAt });
    assert.doesNotMatch(JSON.stringify(diegos.body.value), /partner@fabrikam/);
    assert.equal((await bot.requests.get(request.id))?.state, 'accepted');

    const click = await bot.teams.click(users.megan, cardConversationId, 'endInactiveGuest', { requestId: request.id, askedAt });
    const answered = JSON.stringify(click.body.value);
    assert.match(answered, /Ending the access now/);
    assert.doesNotMatch(answered, /"verb":"endInactiveGuest"/, 'the buttons are gone');
    const ended = await waitForState(bot, request.id, 'ended');
    assert.equal(ended.endReason, 'sponsor');
    assert.equal(ended.activityCheckAt, undefined, 'an ended request costs the check nothing');
    const asked = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'endAccessAsked');
    assert.equal(asked?.actor.kind === 'user' && asked.actor.displayName, 'Megan Bowen', 'the same ask as the typed command, in her name');
    assert.ok(!simulator().groupMembers(FALCON_GROUP).includes(guestId), 'what the bot gave is taken away');
    assert.ok(simulator().groupMembers(SPRING_CAMPAIGN_GROUP).includes(guestId), 'what someone else gave stays');
    // A second click changes nothing and shows the end.
    const again = await bot.teams.click(users.megan, cardConversationId, 'endInactiveGuest', { requestId: request.id, askedAt });
    assert.match(JSON.stringify(again.body.value), /The access ended on/);
  });

  it('Keep until the end date keeps the access, is audited, and is not asked again within the period', async () => {
    const { request, cardConversationId } = await acceptedGuest();
    bot.clock.advance(31 * MINUTE);
    assert.equal((await bot.app.inactivityWatcher.checkDue()).asked, 1);
    await bot.settle();
    const askedAt = (await bot.requests.get(request.id))?.inactivityQuestion?.askedAt;

    const click = await bot.teams.click(users.megan, cardConversationId, 'keepInactiveGuest', { requestId: request.id, askedAt });
    assert.match(JSON.stringify(click.body.value), /Kept: the access stays until/);
    assert.doesNotMatch(JSON.stringify(click.body.value), /"verb":"keepInactiveGuest"/);
    const kept = await bot.requests.get(request.id);
    assert.equal(kept?.state, 'accepted');
    assert.equal(kept?.inactivityQuestion?.answer, 'kept');
    const audit = (await bot.requests.auditTrail(request.id)).filter((e) => e.action === 'inactiveGuestKept');
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor.kind === 'user' && audit[0].actor.displayName, 'Megan Bowen');
    // A second click records nothing more.
    await bot.teams.click(users.megan, cardConversationId, 'keepInactiveGuest', { requestId: request.id, askedAt });
    assert.equal((await bot.requests.auditTrail(request.id)).filter((e) => e.action === 'inactiveGuestKept').length, 1);

    // Within the period: nothing is due, and nothing is asked.
    bot.clock.advance(29 * MINUTE);
    assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 0, asked: 0 });
    await bot.settle();
    assert.equal(cardsTo(cardConversationId).length, 1);
    // A whole period later, still without a sign-in: asked again, once.
    bot.clock.advance(2 * MINUTE);
    assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 1, asked: 1 });
    await bot.settle();
    assert.equal(cardsTo(cardConversationId).length, 2);
  });

  it('asks nothing about a guest who signed in recently, and reads them again when they could first be idle', async () => {
    const { request, cardConversationId, guestId } = await acceptedGuest();
    bot.clock.advance(31 * MINUTE);
    const recent = new Date(bot.now().getTime() - 5 * MINUTE);
    simulator().setLastSignIn(guestId, recent);
    assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 1, asked: 0 });
    await bot.settle();
    assert.equal(cardsTo(cardConversationId).length, 0);
    const read = await bot.requests.get(request.id);
    assert.equal(read?.lastSignInAt, recent.toISOString());
    assert.equal(read?.activityCheckAt, new Date(recent.getTime() + 30 * MINUTE).toISOString());
  });

  for (const [why, refuse, code] of [
    ['a tenant without Microsoft Entra ID P1', () => simulator().setEntraIdP1(false), 'Authentication_RequestFromNonPremiumTenantOrB2CTenant'],
    [
      'an application without AuditLog.Read.All',
      () => simulator().injectFault({ method: 'GET', path: /^\/users$/, status: 403, times: 100, inBatch: true }),
      'Authorization_RequestDenied',
    ],
  ] as const) {
    it(`turns itself off on Graph's 403 for ${why}, with one log line and a line in /healthz`, async () => {
      const { cardConversationId } = await acceptedGuest();
      const healthBefore = (await (await fetch(`${bot.app.url}/healthz`)).json()) as Record<string, unknown>;
      assert.deepEqual(healthBefore, { status: 'ok' });
      refuse();
      bot.clock.advance(31 * MINUTE);
      const start = simulator().requests.length;
      assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 1, asked: 0 });
      assert.equal(signInReads(start).length, 1);
      assert.equal(signInReads(start)[0].status, 403);
      await bot.settle();
      assert.equal(cardsTo(cardConversationId).length, 0);

      // Off: later cycles ask Graph nothing, and say nothing more.
      await bot.app.database.db
        .updateTable('access_requests')
        .set({ activity_check_at: new Date(0).toISOString() })
        .execute();
      const later = simulator().requests.length;
      assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 0, asked: 0 });
      assert.equal(signInReads(later).length, 0);
      const turnedOff = lines.filter((line) => line.includes('Inactive guest check turned off'));
      assert.equal(turnedOff.length, 1, lines.join(''));
      assert.match(turnedOff[0], /AuditLog\.Read\.All/);
      assert.match(turnedOff[0], /Entra ID P1/);
      assert.match(turnedOff[0], new RegExp(code));

      const health = await fetch(`${bot.app.url}/healthz`);
      assert.equal(health.status, 200, 'the bot still serves');
      const body = (await health.json()) as { status: string; details?: Record<string, string> };
      assert.equal(body.status, 'ok');
      assert.match(body.details?.inactiveGuestCheck ?? '', /^off: .*AuditLog\.Read\.All/);
      assert.match(body.details?.inactiveGuestCheck ?? '', /Entra ID P1/);
    });
  }

  it('INACTIVE_GUEST_DAYS=0 reads nothing from Graph and gives no request a check', async () => {
    await bot.start({ TIME_SCALE: '1440' });
    const start = simulator().requests.length;
    const invited = await invitedRequest(bot);
    await redeemInBrowser(invited.invited.inviteRedeemUrl as string);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    const accepted = await waitForState(bot, invited.request.id, 'accepted');
    assert.equal(accepted.activityCheckAt, undefined);
    bot.clock.advance(60 * MINUTE);
    assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 0, asked: 0 });
    await bot.settle();
    assert.equal(signInReads(start).length, 0);
    assert.equal(cardsTo(invited.cardConversationId).length, 0);
  });

  it('reads 40 guests in one round trip, and asks about the idle ones only', async () => {
    await bot.start(SCALED);
    await bot.app.inactivityWatcher.stop();
    await bot.app.redemptionWatcher.stop();
    const ids: string[] = [];
    await bot.teams.install(users.adele);
    for (let n = 0; n < 40; n++) {
      const response = await fetch(`${graphBase()}/invitations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          invitedUserEmailAddress: `guest${n}@fabrikam.com`,
          inviteRedirectUrl: 'https://myapps.microsoft.com/',
          sendInvitationMessage: false,
        }),
      });
      const invitation = (await response.json()) as { invitedUser: { id: string } };
      const acceptedAt = simulator().acceptInvitationAs(invitation.invitedUser.id);
      // Filed without cards: forty cards to Megan go at Teams' pace, and this test is about Graph.
      const request = await filedRequest(bot.requests, { guestEmail: `guest${n}@fabrikam.com` });
      await bot.requests.transition({ id: request.id, from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
      await bot.requests.transition({
        id: request.id,
        from: 'approved',
        to: 'invited',
        actor: { kind: 'system' },
        patch: { invitedUserId: invitation.invitedUser.id },
      });
      await bot.requests.transition({ id: request.id, from: 'invited', to: 'accepted', actor: { kind: 'system' }, patch: { acceptedAt } });
      ids.push(invitation.invitedUser.id);
    }
    bot.clock.advance(31 * MINUTE);
    // Five of them signed in a moment ago.
    for (const id of ids.slice(0, 5)) simulator().setLastSignIn(id, new Date(bot.now().getTime() - MINUTE));

    const start = simulator().requests.length;
    assert.deepEqual(await bot.app.inactivityWatcher.checkDue(), { checked: 40, asked: 35 });
    const calls = simulator()
      .requests.slice(start)
      .filter((r) => r.path.startsWith('/simulator/graph/'));
    assert.deepEqual(
      calls.map((r) => `${r.method} ${r.path}`),
      ['POST /simulator/graph/v1.0/$batch'],
      'one round trip: three `id in (…)` filters of up to 15 in one $batch',
    );
    assert.equal(calls[0].batchItems?.length, 3);
    assert.ok(calls[0].batchItems?.every((item) => item.query.$select === 'id,signInActivity' && item.status === 200));
  });
});
