/**
 * A sponsor who leaves (issue 23, part 2), through the real server, the simulator over HTTP and
 * the fake Teams channel, on a test clock with TIME_SCALE: the sponsor check finds the sponsor
 * disabled or deleted, the requester and the old sponsor's manager are asked, the first to take
 * over becomes the sponsor (store, audit, Entra's sponsors), a bad nominee is refused, nobody
 * taking over ends the access after ORPHAN_GRACE_DAYS, a requester who leaves makes the sponsor
 * the one the bot writes to, and one Graph round trip reads many people.
 */
import assert from 'node:assert/strict';
import { filedRequest } from '../support/requestStates';
import { invitedRequest, users, waitForState } from '../support/testBot';
import type { TeamsUser } from '../support/fakeTeamsChannel';
import { withTestBot } from '../support/testBotSession';
import type { AccessRequest } from '../../src/requests/accessRequest';

const patti: TeamsUser = { id: '29:patti', aadObjectId: 'a1b2c3d4-0005-4000-8000-000000000005', name: 'Patti Fernandez', locale: 'en-US' };
const MEGAN = users.megan.aadObjectId;

describe('a sponsor who leaves', function () {
  this.timeout(60_000);
  // A day is a minute: the check's own loop would look every 6 s; the tests run its cycle themselves.
  // The guests here never accept, and one test runs to the offer to extend, 84 days on: withdrawals
  // (PENDING_GUEST_DAYS, test/access/withdrawal.test.ts) are off so the invitation is still there.
  const bot = withTestBot({ TIME_SCALE: '1440', PENDING_GUEST_DAYS: '0' });

  /** Days as the bot counts them under TIME_SCALE=1440 (the test clock counts real ones). */
  const passDays = (days: number) => bot.passDays(days / 1440);
  const simulator = () => bot.app.simulator as NonNullable<typeof bot.app.simulator>;
  const textsTo = (conversationId: string) => bot.channel.messagesTo(conversationId).map((m) => `${m.text ?? ''} ${JSON.stringify(m.attachments ?? [])}`);
  const waitForText = (conversationId: string, pattern: RegExp, what: string) =>
    bot.channel.waitFor(() => textsTo(conversationId).find((text) => pattern.test(text)), what);

  /** Adele's request, Megan its sponsor, the guest invited; then Megan leaves and a day later the check runs. */
  async function sponsorLeaves(how: 'disabled' | 'deleted' = 'disabled', requester: TeamsUser = users.adele) {
    await bot.app.sponsorWatcher.stop();
    const { request, invited, cardConversationId } = await invitedRequest(bot, requester);
    assert.ok(invited.sponsorCheckAt, 'access that starts sets the sponsor check');
    simulator().userLeaves(MEGAN, how);
    await passDays(1);
    const outcome = await bot.app.sponsorWatcher.checkDue();
    assert.deepEqual(outcome, { checked: 1, people: 2, unsponsored: 1, requesterLeft: 0 });
    await bot.settle();
    return { request, guestId: invited.invitedUserId as string, cardConversationId };
  }

  async function audited(id: string, action: string) {
    return (await bot.requests.auditTrail(id)).filter((event) => event.action === action);
  }

  it('asks the requester and the manager; the requester takes over with the button, and Entra lists them in place of the old sponsor', async () => {
    const { request, guestId } = await sponsorLeaves('disabled');
    const adeleChat = bot.teams.conversationOf(users.adele);
    const unsponsored = (await bot.requests.get(request.id)) as AccessRequest;
    assert.ok(unsponsored.sponsorLeftAt);
    assert.deepEqual(unsponsored.formerSponsor, { id: MEGAN, displayName: 'Megan Bowen' });
    assert.equal((await audited(request.id, 'sponsorLeft')).length, 1);

    const asked = await waitForText(adeleChat, /Megan Bowen, the sponsor of request \*\*GA-\w{6}\*\*, has left the organization/, 'the requester asked');
    assert.match(asked, /I'll sponsor/);
    assert.match(asked, new RegExp(`"command":"sponsor ${request.id}"`));
    // Megan's manager, Patti, gets the same offer in a chat of her own.
    const offer = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => JSON.stringify(s.activity.attachments ?? []).includes('the directory names you as their manager')),
      "the manager's offer",
    );
    assert.match(JSON.stringify(offer.activity.attachments), new RegExp(`"command":"sponsor ${request.id}"`));
    assert.equal((await bot.requests.get(request.id))?.sponsorshipOfferedToId, patti.aadObjectId);

    // `status` shows the request without a sponsor.
    await bot.teams.say(users.adele, 'status');
    await waitForText(adeleChat, /no sponsor since .* \(Megan Bowen left\)/, 'status without a sponsor');

    // Adele clicks I'll sponsor: the button runs as typing the command would, with her identity from the channel.
    await bot.teams.click(users.adele, adeleChat, 'command', { command: `sponsor ${request.id}` });
    await waitForText(adeleChat, /Done: Adele Vance is now the sponsor of request/, 'the takeover confirmed');
    await bot.settle();
    const taken = (await bot.requests.get(request.id)) as AccessRequest;
    assert.equal(taken.sponsor.id, users.adele.aadObjectId);
    assert.equal(taken.sponsorLeftAt, undefined);
    assert.equal(taken.approvalCard?.conversationId, adeleChat, "the sponsor's chat is the new sponsor's now");
    const [event] = await audited(request.id, 'sponsorTakenOver');
    assert.equal(event.actor.kind === 'user' && event.actor.id, users.adele.aadObjectId);
    assert.deepEqual(simulator().sponsorsOf(guestId), [users.adele.aadObjectId], 'Entra: Megan removed, Adele added');

    // Patti is now too late: she is told who took over.
    await bot.teams.click(patti, offer.conversationId, 'command', { command: `sponsor ${request.id}` });
    await waitForText(offer.conversationId, /Request \*\*GA-\w{6}\*\* has a sponsor: Adele Vance/, 'the second one told');
  });

  it('lets the manager name another member by typing the command', async () => {
    const { request, guestId } = await sponsorLeaves('disabled');
    const offer = await bot.channel.waitFor(
      () => bot.channel.sent.find((s) => JSON.stringify(s.activity.attachments ?? []).includes('the directory names you as their manager')),
      "the manager's offer",
    );
    await bot.teams.post(patti, { type: 'message', text: `sponsor ${request.id} diego.siciliani@contoso.com` }, offer.conversationId);
    await waitForText(offer.conversationId, /Done: Diego Siciliani is now the sponsor/, 'the nomination confirmed');
    await bot.settle();
    const taken = (await bot.requests.get(request.id)) as AccessRequest;
    assert.equal(taken.sponsor.id, users.diego.aadObjectId);
    assert.deepEqual(simulator().sponsorsOf(guestId), [users.diego.aadObjectId]);
    const [event] = await audited(request.id, 'sponsorTakenOver');
    assert.equal(event.actor.kind === 'user' && event.actor.id, patti.aadObjectId);
    // Adele hears who sponsors her guest now; Diego gets the request's card in his chat.
    await waitForText(bot.teams.conversationOf(users.adele), /Diego Siciliani is now the sponsor of request/, 'the requester told');
    await waitForText(
      taken.approvalCard?.conversationId as string,
      /Ahora eres el patrocinador de partner@fabrikam\.com/,
      'the new sponsor told, in his language',
    );
  });

  it('refuses a nominee the request dialog would refuse, with a clear sentence, in English and in Spanish', async () => {
    const { request } = await sponsorLeaves('deleted');
    const adeleChat = bot.teams.conversationOf(users.adele);
    await bot.teams.say(users.adele, `sponsor ${request.id} jordan.lee@fabrikam.com`);
    await waitForText(adeleChat, /Jordan Lee \(Fabrikam\) is a guest, not a member of the organization, so they can't sponsor a guest\./, 'a guest refused');
    await waitForText(adeleChat, /To name someone else, type \*\*sponsor GA-\w{6} name@contoso\.com\*\*/, 'what to type instead');
    await bot.teams.say(users.adele, `sponsor ${request.id} partner@fabrikam.com`);
    await waitForText(adeleChat, /is the guest of this request, so they can't sponsor it/, 'the guest refused');
    // Diego is nobody to this request: it does not exist for him.
    await bot.teams.say(users.diego, `patrocinador ${request.id}`);
    await waitForText(
      bot.teams.conversationOf(users.diego),
      /No encuentro la solicitud \*\*GA-\w{6}\*\* entre aquellas cuyo patrocinador puedes elegir/,
      'nobody refused',
    );
    assert.ok((await bot.requests.get(request.id))?.sponsorLeftAt, 'still without a sponsor');
  });

  it('refuses in Spanish for a Spanish-speaking requester', async () => {
    const { request } = await sponsorLeaves('disabled', users.diego);
    const diegoChat = bot.teams.conversationOf(users.diego);
    await waitForText(diegoChat, /ya no está en la organización/, 'the requester asked in Spanish');
    await bot.teams.say(users.diego, `patrocinador ${request.id} nadie@contoso.com`);
    await waitForText(diegoChat, /nadie@contoso\.com/, 'nobody by that address');
    await waitForText(diegoChat, /Para nombrar a otra persona, escribe \*\*patrocinador GA-\w{6} nombre@contoso\.com\*\*/, 'what to type instead');
    await bot.teams.say(users.diego, `patrocinador ${request.id} megan.bowen@contoso.com`);
    await waitForText(diegoChat, /Megan Bowen/, 'the one who left refused');
    assert.ok((await bot.requests.get(request.id))?.sponsorLeftAt);
  });

  it('ends the access after ORPHAN_GRACE_DAYS when nobody takes over, and tells the requester', async () => {
    const { request, guestId } = await sponsorLeaves('deleted');
    await passDays(13.9);
    assert.equal((await bot.requests.get(request.id))?.state, 'invited', 'not before the grace is over');
    await passDays(0.2);
    const ended = await waitForState(bot, request.id, 'ended');
    assert.equal(ended.endReason, 'noSponsor');
    assert.equal(ended.sponsorCheckAt, undefined, 'an ended request costs the check nothing');
    assert.deepEqual(simulator().groupMembers('c0ffee00-0001-4000-8000-00000000c001').includes(guestId), false);
    await waitForText(bot.teams.conversationOf(users.adele), /has ended because nobody took over as its sponsor/, 'the requester told');
    assert.equal((await audited(request.id, 'noSponsorTookOver')).length, 1);
  });

  it('gives the new sponsor the offer to extend that went to the old one unanswered', async () => {
    await bot.app.sponsorWatcher.stop();
    const { request, cardConversationId } = await invitedRequest(bot);
    const hasOffer = (conversationId: string) =>
      bot.channel.messagesTo(conversationId).some((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"extend"'));
    // A week before the end of 90 days, Megan is offered the extension; then she leaves.
    await passDays(84);
    await bot.channel.waitFor(() => hasOffer(cardConversationId) || undefined, 'the offer to Megan');
    simulator().userLeaves(MEGAN, 'disabled');
    await passDays(1);
    assert.equal((await bot.app.sponsorWatcher.checkDue()).unsponsored, 1);
    await bot.settle();
    const adeleChat = bot.teams.conversationOf(users.adele);
    assert.equal(hasOffer(adeleChat), false);
    await bot.teams.say(users.adele, `sponsor ${request.id}`);
    await bot.channel.waitFor(() => hasOffer(adeleChat) || undefined, 'the offer, now to Adele');
    await bot.settle();
    const offered = (await bot.requests.get(request.id)) as AccessRequest;
    assert.equal(offered.approvalCard?.conversationId, adeleChat);
    assert.ok(offered.extensionOffer?.cardId, "the offer posted in the new sponsor's chat is the one recorded");
  });

  it('keeps the access when someone took over before the grace was over', async () => {
    const { request } = await sponsorLeaves('disabled');
    await bot.teams.say(users.adele, `sponsor ${request.id}`);
    await waitForText(bot.teams.conversationOf(users.adele), /Done: Adele Vance is now the sponsor/, 'taken over');
    await passDays(15);
    assert.equal((await bot.requests.get(request.id))?.state, 'invited');
  });

  it('makes the sponsor the one the bot writes to when the requester leaves', async () => {
    await bot.app.sponsorWatcher.stop();
    const { request, cardConversationId } = await invitedRequest(bot);
    simulator().userLeaves(users.adele.aadObjectId as string, 'deleted');
    await passDays(1);
    assert.deepEqual(await bot.app.sponsorWatcher.checkDue(), { checked: 1, people: 2, unsponsored: 0, requesterLeft: 1 });
    await waitForText(
      cardConversationId,
      /Adele Vance, who asked for request \*\*GA-\w{6}\*\* \(partner@fabrikam\.com\), has left the organization/,
      'the sponsor told',
    );
    // What Adele would hear (the end of access) goes to Megan.
    await bot.teams.click(users.megan, cardConversationId, 'command', { command: `end ${request.id}` });
    await bot.teams.post(users.megan, { type: 'message', text: 'yes' }, cardConversationId);
    await waitForState(bot, request.id, 'ended');
    await waitForText(
      cardConversationId,
      /For Adele Vance, who has left the organization.*\n\nThe access of partner@fabrikam\.com/s,
      'the requester notice, to the sponsor',
    );
  });

  it('reads 80 people in one Graph round trip, each once a cycle, and no ended request', async () => {
    await bot.app.sponsorWatcher.stop();
    const ids: string[] = [];
    for (let n = 0; n < 40; n++) {
      // Forty sponsors and forty requesters the directory does not have: all of them gone.
      const hex = n.toString(16).padStart(4, '0');
      const request = await filedRequest(bot.requests, {
        guestEmail: `guest${n}@fabrikam.com`,
        sponsor: { id: `d0000000-${hex}-4000-8000-000000000000`, displayName: `Sponsor ${n}`, address: `s${n}@contoso.com` },
        requester: { id: `e0000000-${hex}-4000-8000-000000000000`, displayName: `Requester ${n}`, address: `r${n}@contoso.com` },
      });
      await bot.requests.transition({ id: request.id, from: 'pending_approval', to: 'approved', actor: { kind: 'system' } });
      await bot.requests.transition({ id: request.id, from: 'approved', to: 'invited', actor: { kind: 'system' } });
      ids.push(request.id);
    }
    // One more, ended: it carries no due time and is not read.
    await bot.requests.transition({ id: ids[39], from: 'invited', to: 'ended', actor: { kind: 'system' }, patch: { sponsorCheckAt: undefined } });
    await passDays(1);
    const before = simulator().requests.length;
    assert.deepEqual(await bot.app.sponsorWatcher.checkDue(), { checked: 39, people: 78, unsponsored: 39, requesterLeft: 39 });
    const calls = simulator()
      .requests.slice(before)
      .filter((r) => r.path.startsWith('/simulator/graph/'));
    assert.deepEqual(
      calls.map((r) => `${r.method} ${r.path}`),
      ['POST /simulator/graph/v1.0/$batch'],
      'one round trip',
    );
    assert.equal(calls[0].batchItems?.length, 6, 'six `id in (…)` filters of up to 15');
    // The next cycle finds nothing due: the next check is a day on.
    assert.equal((await bot.app.sponsorWatcher.checkDue()).checked, 0);
  });
});
