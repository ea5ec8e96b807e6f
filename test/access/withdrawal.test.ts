/**
 * An invitation nobody accepts is withdrawn (PENDING_GUEST_DAYS, 30 by default), through the real
 * bot over HTTP and the simulated directory, on a test clock: the requester's last reminder 3 days
 * before; at the due time the request becomes `withdrawn`, what the bot gave is taken back, the
 * account its own invitation made is deleted (not one it did not make, nor one another request
 * holds, nor one whose guest accepted after all), and the requester and the sponsor are told in
 * their languages, with Request again for the requester. A fresh link gives the guest the whole
 * wait again; 0 turns it off. On PostgreSQL too when TEST_DATABASE_URL is set.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { RecordedRequest } from '../../src/simulator/directorySimulator';
import { jobRows } from '../support/jobRows';
import { botDatabases } from '../support/databases';
import { invitedRequest, redemptionChecksDue, users, waitForState } from '../support/testBot';
import { restartableBot, withTestBot } from '../support/testBotSession';

const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';
const EXTRANET_GROUP = 'c0ffee00-0002-4000-8000-00000000c002';
/** Contoso Expenses, offered through the group that is assigned the app. */
const EXPENSES_GROUP = 'c0ffee00-0004-4000-8000-00000000c004';
/** Sam Rivera of Northwind: a guest someone else invited, who has never accepted. */
const SAM = 'b7c8d9e0-0102-4000-8000-000000000102';
const DAY = 86_400_000;

describe('an invitation nobody accepts is withdrawn', function () {
  this.timeout(60_000);
  const bot = withTestBot({}, { start: 'inTest' });

  const simulator = () => bot.app.simulator as NonNullable<typeof bot.app.simulator>;
  const texts = (conversationId: string) => bot.channel.messagesTo(conversationId).map((m) => m.text ?? '');
  const withText = (conversationId: string, pattern: RegExp) => bot.channel.messagesTo(conversationId).filter((m) => pattern.test(m.text ?? ''));
  const buttonsOf = (message: Partial<Activity>) => JSON.stringify(message.attachments ?? []);

  /** Graph calls since `start`, a `$batch`'s items each on their own, leaving out the redemption watcher's own reads. */
  function graphCallsSince(start: number): string[] {
    return (simulator().requests.slice(start) as RecordedRequest[])
      .filter((call) => call.path.includes('/graph/'))
      .flatMap((call) =>
        call.batchItems ? call.batchItems.map((item) => `batch ${item.method} ${item.path}`) : [`${call.method} ${call.path.replace(/^.*\/v1\.0/, '')}`],
      )
      .filter((call) => !call.startsWith('batch GET /users?'));
  }

  /** Someone else made the guest a member of a group before the bot, over Graph. */
  async function addedByHand(groupId: string, userId: string): Promise<void> {
    const response = await fetch(`${bot.app.url}/simulator/graph/v1.0/groups/${groupId}/members/$ref`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${userId}` }),
    });
    assert.equal(response.status, 204);
  }

  for (const database of botDatabases) {
    it(`on ${database.name}: reminds 3 days before, then at PENDING_GUEST_DAYS takes back what it gave, deletes the account its invitation made, and tells both (English)`, async () => {
      const { url, drop } = await database.create();
      try {
        await bot.start({ DATABASE_URL: url });
        const { request, cardConversationId, invited } = await invitedRequest(bot);
        const guest = invited.invitedUserId as string;
        const adeleChat = bot.teams.conversationOf(users.adele);
        assert.equal(invited.createdGuestAccount, true);
        assert.equal(invited.withdrawalDueAt, new Date(Date.parse(invited.invitedAt as string) + 30 * DAY).toISOString());
        // The timers are job rows, written with the invitation.
        const timers = (await jobRows(bot.app.database.db, request.id)).filter(
          (job) => job.kind === 'withdrawInvitation' || (job.payload ?? '').includes('withdrawalSoon'),
        );
        assert.deepEqual(
          timers.map((job) => [job.kind, job.run_at]),
          [
            ['notifyRequester', new Date(Date.parse(invited.withdrawalDueAt as string) - 3 * DAY).toISOString()],
            ['withdrawInvitation', invited.withdrawalDueAt],
          ],
        );

        // The first reminder, at REDEMPTION_NUDGE_DAYS, stays.
        await bot.passDays(3.1);
        await redemptionChecksDue(bot);
        assert.equal((await bot.app.redemptionWatcher.checkDue()).nudged, 1);
        await bot.settle();
        assert.equal(withText(adeleChat, /^partner@fabrikam\.com hasn't accepted the invitation for request/).length, 1);

        await bot.passDays(23.8);
        assert.equal(withText(adeleChat, /If they haven't accepted by/).length, 0, 'not yet: 3 days before');
        await bot.passDays(0.2);
        const [warning] = withText(adeleChat, /still hasn't accepted the invitation for request/);
        assert.ok(warning, 'the last reminder, 3 days before');
        assert.match(warning.text ?? '', /If they haven't accepted by .+, I'll withdraw it and take back the access it gives\./);
        assert.ok((warning.text ?? '').includes(invited.inviteRedeemUrl as string), 'with the link');
        assert.match(warning.text ?? '', /A fresh link gives them 30 more days\./);
        assert.match(buttonsOf(warning), /"command":"link GA-\w{6}"/);
        // The watcher has nothing more to remind of.
        await redemptionChecksDue(bot);
        assert.equal((await bot.app.redemptionWatcher.checkDue()).nudged, 0);

        await bot.passDays(2.8);
        assert.equal((await bot.requests.get(request.id))?.state, 'invited');
        assert.ok(simulator().getUser(guest));
        const start = simulator().requests.length;
        await bot.passDays(0.2);
        const withdrawn = await waitForState(bot, request.id, 'withdrawn');
        await bot.settle();
        // Graph round trips: the guest's state, one batch of removals, the state again right before the delete, the delete.
        assert.deepEqual(graphCallsSince(start), [
          `GET /users/${guest}`,
          `batch DELETE /groups/${FALCON_GROUP}/members/${guest}/$ref`,
          `batch DELETE /groups/${EXPENSES_GROUP}/members/${guest}/$ref`,
          `GET /users/${guest}`,
          `DELETE /users/${guest}`,
        ]);
        assert.ok(withdrawn.withdrawnAt);
        assert.equal(withdrawn.inviteRedeemUrl, undefined, 'the redeem link is forgotten');
        assert.equal(withdrawn.redemptionCheckAt, undefined);

        const after = (await bot.requests.get(request.id)) ?? withdrawn;
        assert.ok(after.endedAt, 'what it gave was taken back');
        assert.deepEqual(after.removedResourceIds?.sort(), ['expenses-app', 'falcon-team']);
        assert.ok(!simulator().groupMembers(FALCON_GROUP).includes(guest));
        assert.ok(!simulator().groupMembers(EXPENSES_GROUP).includes(guest));
        assert.equal(simulator().getUser(guest), undefined, 'the account its invitation made is deleted');
        const deletes = simulator().requests.filter((call) => call.method === 'DELETE' && call.path.endsWith(`/users/${guest}`));
        assert.equal(deletes.length, 1, 'deleted once');
        const trail = await bot.requests.auditTrail(request.id);
        assert.ok(trail.some((event) => event.fromState === 'invited' && event.toState === 'withdrawn' && event.actor.kind === 'system'));
        assert.equal(trail.find((event) => event.action === 'accessTakenBack')?.detail?.guestAccount, 'delete');

        const told = withText(adeleChat, /^I've withdrawn the invitation of partner@fabrikam\.com \(request \*\*GA-\w{6}\*\*\): they hadn't accepted it by /);
        assert.equal(told.length, 1, texts(adeleChat).join('\n---\n'));
        assert.match(told[0].text ?? '', /The guest account my invitation created for them is deleted too/);
        assert.match(buttonsOf(told[0]), new RegExp(`"title":"Request again".*"command":"request again ${request.id}"`));
        assert.equal(
          withText(cardConversationId, /^I've withdrawn the invitation of partner@fabrikam\.com \(request \*\*GA-\w{6}\*\*, asked by Adele Vance\)/).length,
          1,
          'Megan told',
        );
        await bot.channel.waitFor(
          () => bot.channel.updates.find((u) => JSON.stringify(u.activity).includes('The invitation was withdrawn: the guest never accepted it.')),
          'the card in its final state',
        );

        // `status` shows it with its date; Request again files it anew, for the same guest.
        await bot.teams.say(users.adele, 'status');
        await bot.channel.waitFor(() => bot.channel.messagesTo(adeleChat).find((m) => /withdrawn \d/.test(JSON.stringify(m.attachments ?? []))), 'status');
        await bot.teams.click(users.adele, adeleChat, 'command', { command: `request again ${request.id}` });
        await bot.channel.waitFor(() => withText(adeleChat, /^Filed again as \*\*GA-\w{6}\*\*/)[0], 'filed again');
      } finally {
        await bot.close();
        await drop();
      }
    });
  }

  it('in Spanish, for a guest someone else invited: the membership already there stays, the account is not deleted, and both are told in their language', async () => {
    await bot.start();
    await addedByHand(EXTRANET_GROUP, SAM);
    const { request, cardConversationId, invited } = await invitedRequest(bot, users.diego, {
      guestEmail: 'sam.rivera@northwindtraders.com',
      resourceIds: ['partner-extranet', 'expenses-app'],
      sponsorLocale: 'es-ES',
    });
    assert.equal(invited.invitedUserId, SAM);
    assert.equal(invited.createdGuestAccount, false);
    assert.ok(simulator().groupMembers(EXPENSES_GROUP).includes(SAM), 'the bot gave Expenses');

    await bot.passDays(27.1);
    const diegoChat = bot.teams.conversationOf(users.diego);
    await bot.channel.waitFor(
      () => withText(diegoChat, /aún no ha aceptado la invitación de la solicitud .* Si no la ha aceptado el /)[0],
      'the last reminder, in Spanish',
    );
    await bot.passDays(3);
    await waitForState(bot, request.id, 'withdrawn');
    await bot.settle();

    assert.ok(simulator().getUser(SAM), 'an account the bot did not create is never deleted');
    assert.ok(simulator().groupMembers(EXTRANET_GROUP).includes(SAM), 'the membership someone else gave stays');
    assert.ok(!simulator().groupMembers(EXPENSES_GROUP).includes(SAM), 'what the bot gave is taken back');
    const takenBack = (await bot.requests.auditTrail(request.id)).find((event) => event.action === 'accessTakenBack');
    assert.deepEqual(takenBack?.detail?.notGivenByBot, ['partner-extranet']);
    assert.equal(takenBack?.detail?.guestAccount, 'none');

    const [told] = withText(
      diegoChat,
      /^He retirado la invitación de sam\.rivera@northwindtraders\.com \(solicitud \*\*GA-\w{6}\*\*\): no la había aceptado el /,
    );
    assert.ok(told, 'Diego told in Spanish');
    assert.doesNotMatch(told.text ?? '', /cuenta de invitado/, 'no account of the bot is deleted, so none is mentioned');
    assert.match(buttonsOf(told), new RegExp(`"title":"Solicitar de nuevo".*"command":"solicitar de nuevo ${request.id}"`));
    assert.ok(
      withText(
        cardConversationId,
        /^He retirado la invitación de sam\.rivera@northwindtraders\.com \(solicitud \*\*GA-\w{6}\*\*, pedida por Diego Siciliani\)/,
      )[0],
      'the sponsor told in Spanish',
    );
    // `solicitar de nuevo` accepts a withdrawn request.
    await bot.teams.say(users.diego, `solicitar de nuevo ${request.id}`);
    await bot.channel.waitFor(() => withText(diegoChat, /^Presentada de nuevo como \*\*GA-\w{6}\*\*/)[0], 'filed again');
  });

  it('keeps the account while another active request holds the guest, and deletes it when the last one is withdrawn', async () => {
    await bot.start();
    const first = await invitedRequest(bot);
    const guest = first.invited.invitedUserId as string;
    await bot.passDays(5);
    const second = await invitedRequest(bot);
    assert.equal(second.invited.invitedUserId, guest);
    assert.equal(second.invited.createdGuestAccount, false, 'the first invitation made the account');

    await bot.passDays(25.1);
    await waitForState(bot, first.request.id, 'withdrawn');
    await bot.settle();
    assert.ok(simulator().getUser(guest), 'the second request still holds the guest');
    assert.ok(simulator().groupMembers(FALCON_GROUP).includes(guest), 'and still gives Falcon');
    const firstTakeBack = (await bot.requests.auditTrail(first.request.id)).find((event) => event.action === 'accessTakenBack');
    assert.deepEqual(firstTakeBack?.detail?.keptForOtherRequests, ['falcon-team', 'expenses-app']);
    assert.equal(firstTakeBack?.detail?.guestAccount, 'none');
    assert.equal(withText(bot.teams.conversationOf(users.adele), /guest account my invitation created/).length, 1, 'only the first says it');

    await bot.passDays(5);
    await waitForState(bot, second.request.id, 'withdrawn');
    await bot.settle();
    assert.equal(simulator().getUser(guest), undefined, 'the last one deletes the account the bot made');
  });

  it('does not withdraw a guest who accepted just before, even when the watcher has not seen it yet', async () => {
    await bot.start();
    const { request, invited } = await invitedRequest(bot);
    const guest = invited.invitedUserId as string;
    // The watcher would ask Graph only hours later: the withdrawal finds out on its own.
    await bot.app.redemptionWatcher.stop();
    await bot.passDays(29.9);
    simulator().acceptInvitationAs(guest);
    await bot.passDays(0.2);
    const accepted = await waitForState(bot, request.id, 'accepted');
    await bot.settle();
    assert.equal(accepted.withdrawalDueAt, undefined);
    assert.ok(simulator().getUser(guest), 'not deleted');
    assert.ok(simulator().groupMembers(FALCON_GROUP).includes(guest), 'nothing taken back');
    const trail = await bot.requests.auditTrail(request.id);
    assert.ok(!trail.some((event) => event.toState === 'withdrawn'));
    assert.equal(trail.find((event) => event.toState === 'accepted')?.detail?.seenBy, 'withdrawal');
    await bot.channel.waitFor(
      () => withText(bot.teams.conversationOf(users.adele), /^partner@fabrikam\.com accepted the invitation for request/)[0],
      'Adele told of the acceptance',
    );
  });

  it('of the watcher and the withdrawal seeing the same guest, only one moves the request, and a guest who accepted after the withdrawal keeps the account', async () => {
    await bot.start();
    const { request, invited } = await invitedRequest(bot);
    const guest = invited.invitedUserId as string;
    await bot.app.redemptionWatcher.stop();
    await bot.passDays(29.9);
    // The withdrawal decides first (Graph said: not accepted) ...
    const withdrawn = await bot.requests.transition({
      id: request.id,
      from: 'invited',
      to: 'withdrawn',
      actor: { kind: 'system' },
      patch: { withdrawnAt: bot.now().toISOString(), inviteRedeemUrl: undefined, redemptionCheckAt: undefined },
    });
    assert.ok(withdrawn);
    // ... and the guest redeems the link they still had a moment later; the watcher, late, cannot undo the withdrawal.
    simulator().acceptInvitationAs(guest);
    const lateAcceptance = await bot.requests.transition({ id: request.id, from: 'invited', to: 'accepted', actor: { kind: 'system' } });
    assert.equal(lateAcceptance, undefined, 'the conditional change lets one win');
    await bot.settle();
    assert.ok(simulator().getUser(guest), 'a guest who accepted is never deleted');
    assert.ok(!simulator().groupMembers(FALCON_GROUP).includes(guest), 'what the request gave is still taken back');
    const takenBack = (await bot.requests.auditTrail(request.id)).find((event) => event.action === 'accessTakenBack');
    assert.equal(takenBack?.detail?.guestAccount, 'keptAccepted');
    // The withdrawal timer, due later, finds the request withdrawn and does nothing.
    await bot.passDays(0.2);
    assert.equal((await bot.requests.get(request.id))?.state, 'withdrawn');
  });

  it('a fresh link gives the guest the whole wait again', async () => {
    await bot.start();
    const { request, invited } = await invitedRequest(bot);
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.passDays(20);
    await bot.teams.say(users.adele, `link ${request.id}`);
    await bot.channel.waitFor(() => withText(adeleChat, /^Here is a fresh invitation link/)[0], 'the fresh link');
    await bot.settle();
    const moved = await bot.requests.get(request.id);
    // 30 days from the fresh link (a few real seconds after day 20), not from the first invitation.
    const movedBy = Date.parse(moved?.withdrawalDueAt as string) - Date.parse(invited.withdrawalDueAt as string);
    assert.ok(Math.abs(movedBy - 20 * DAY) < 60_000, `moved by ${movedBy} ms`);

    await bot.passDays(10.2);
    assert.equal((await bot.requests.get(request.id))?.state, 'invited', 'the first due time passed: nothing happens');
    assert.equal(withText(adeleChat, /still hasn't accepted the invitation/).length, 0, 'nor its reminder');
    await bot.passDays(16.9);
    assert.equal(withText(adeleChat, /still hasn't accepted the invitation/).length, 1, 'the reminder of the new due time');
    await bot.passDays(3);
    await waitForState(bot, request.id, 'withdrawn');
  });

  it('sends no REDEMPTION_NUDGE_DAYS reminder after the last one: one reminder is enough', async () => {
    await bot.start({ REDEMPTION_NUDGE_DAYS: '28' });
    await invitedRequest(bot);
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.passDays(27.1);
    assert.equal(withText(adeleChat, /still hasn't accepted the invitation/).length, 1, 'the last reminder');
    await bot.passDays(1);
    await redemptionChecksDue(bot);
    assert.equal((await bot.app.redemptionWatcher.checkDue()).nudged, 0);
    await bot.settle();
    assert.equal(withText(adeleChat, /^partner@fabrikam\.com hasn't accepted the invitation for request/).length, 0, 'no nudge after it');
  });

  it('PENDING_GUEST_DAYS=0 withdraws nothing, and leaves the REDEMPTION_NUDGE_DAYS reminder as it was', async () => {
    await bot.start({ PENDING_GUEST_DAYS: '0' });
    const { request, invited } = await invitedRequest(bot);
    assert.equal(invited.withdrawalDueAt, undefined);
    assert.ok(
      !(await jobRows(bot.app.database.db, request.id)).some((job) => job.kind === 'withdrawInvitation' || (job.payload ?? '').includes('withdrawalSoon')),
    );
    await bot.passDays(40);
    await redemptionChecksDue(bot);
    assert.equal((await bot.app.redemptionWatcher.checkDue()).nudged, 1);
    await bot.settle();
    assert.equal((await bot.requests.get(request.id))?.state, 'invited');
    assert.ok(simulator().getUser(invited.invitedUserId as string));
  });

  it('PENDING_GUEST_DAYS=0 set after invitations went out turns their withdrawal off too', async () => {
    const session = await restartableBot();
    try {
      const { request, invited } = await invitedRequest(session);
      assert.ok(invited.withdrawalDueAt);
      await session.restart({ PENDING_GUEST_DAYS: '0' });
      await session.passDays(31);
      assert.equal((await session.requests.get(request.id))?.state, 'invited');
      assert.ok(session.app.simulator?.getUser(invited.invitedUserId as string));
    } finally {
      await session.close();
    }
  });
});
