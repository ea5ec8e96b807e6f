/**
 * An extension is held to what the first approval was, on an injected clock: the resources'
 * `maxDays` counted from the day it is extended, the guest policy as today's settings say, and the
 * owners of resources with approvers, who must approve the extension before the end moves (a
 * rejection, or no answer before the end, lets the access end on its date).
 */
import assert from 'node:assert/strict';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { eventually } from '../support/eventually';
import type { InvokeAnswer } from '../support/fakeTeamsChannel';
import { catalogWithOwners, lidia } from '../support/ownerCatalog';
import { fileRequest, invitedRequest, type TestBot, users, waitForState } from '../support/testBot';
import { restartableBot, withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

const DAY = 86_400_000;
const FALCON_GROUP = 'c0ffee00-0001-4000-8000-00000000c001';

describe('extensions are checked as the first approval was', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'inTest' });
  const cardText = (answer: InvokeAnswer) => visibleText({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: answer.value }] });

  /** The sponsor's offer to extend, once posted: where, for which end, and what it says. */
  async function offer(cardConversationId: string, request: AccessRequest, on: TestBot = bot) {
    const posted = await on.channel.waitFor(
      () => on.channel.messagesTo(cardConversationId).find((m) => JSON.stringify(m.attachments ?? []).includes('Extend guest access?')),
      'the offer',
    );
    const offeredFor = (await on.requests.get(request.id))?.extensionOffer?.for as string;
    return { text: visibleText(posted), offeredFor };
  }

  describe('the resources’ maxDays, counted from today', () => {
    it('caps the new end at maxDays from the day of the click, not from the old end', async () => {
      // Falcon allows 12 days at a time; the access asked for was 10 days.
      await bot.start({ RESOURCE_CATALOG_FILE: catalogWithOwners({}, { 'falcon-team': { maxDays: 12 } }) });
      const { request, cardConversationId, invited } = await invitedRequest(bot, users.adele, {
        accessDays: 10,
        endsAt: new Date(bot.clock.now().getTime() + 10 * DAY).toISOString(),
      });
      await bot.passDays(3.1);
      const { text, offeredFor } = await offer(cardConversationId, request);
      // 12 days from today (day 3.1) is day 15.1: 5 whole days after the end on day 10, not 10.
      assert.match(text, /\[Extend by 5 days\]/);
      const clickedAt = bot.clock.now().getTime();
      const click = await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
      assert.match(cardText(click.body), /Extended: the access now ends on/);
      const extended = await bot.requests.get(request.id);
      // The clock runs on while the click is handled: within a second of 12 days from the click.
      const fromClick = Date.parse(extended?.endsAt ?? '') - clickedAt - 12 * DAY;
      assert.ok(fromClick >= 0 && fromClick < 1000, `the end is 12 days and ${fromClick} ms after the click`);
      assert.ok(Date.parse(extended?.endsAt ?? '') < Date.parse(invited.endsAt as string) + 10 * DAY);
      assert.equal((await bot.requests.auditTrail(request.id)).find((e) => e.action === 'extended')?.detail?.days, 5);
    });

    it('offers no extension when the end already reaches maxDays from today, and a forged Extend changes nothing', async () => {
      // The catalog now allows 5 days at a time; this access, granted before, ends in 10.
      await bot.start({ RESOURCE_CATALOG_FILE: catalogWithOwners({}, { 'falcon-team': { maxDays: 5 } }) });
      const endsAt = new Date(bot.clock.now().getTime() + 10 * DAY).toISOString();
      const filed = await fileRequest(bot, users.adele, 10_000, { accessDays: 10, endsAt });
      await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
      await waitForState(bot, filed.request.id, 'invited');
      await bot.passDays(3.1);
      const { text, offeredFor } = await offer(filed.cardConversationId, filed.request);
      assert.match(text, /It can't be extended: its resources allow access for at most 5 days from today, which its end date already reaches\./);
      assert.doesNotMatch(text, /\[Extend/);
      const forged = await bot.teams.click(users.megan, filed.cardConversationId, 'extend', { requestId: filed.request.id, offeredFor });
      assert.doesNotMatch(JSON.stringify(forged.body.value), /"verb":"extend"/);
      assert.equal((await bot.requests.get(filed.request.id))?.endsAt, endsAt);
      assert.equal((await bot.requests.get(filed.request.id))?.extensions, undefined);
    });
  });

  it('re-checks the guest policy with today’s settings: a domain blocked since is not extended, and the card says why', async () => {
    const restarted = await restartableBot();
    try {
      const { request, cardConversationId, invited } = await invitedRequest(restarted, users.adele, {
        accessDays: 10,
        endsAt: new Date(restarted.clock.now().getTime() + 10 * DAY).toISOString(),
      });
      // IT blocks fabrikam.com.
      await restarted.restart({ BLOCKED_GUEST_DOMAINS: 'fabrikam.com' });
      await restarted.passDays(3.1);
      const { text, offeredFor } = await offer(cardConversationId, request, restarted);
      // The domain is shown defanged, as every address people did not type themselves.
      assert.match(text, /It can't be extended, because your organization no longer allows guests from fabrikam\\\[\.\\\]com\. The access ends on/);
      assert.doesNotMatch(text, /\[Extend/);
      const forged = await restarted.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
      assert.match(cardText(forged.body), /It can't be extended, because your organization no longer allows guests from fabrikam/);
      assert.equal((await restarted.requests.get(request.id))?.endsAt, invited.endsAt);
      await restarted.passDays(7);
      await waitForState(restarted, request.id, 'ended');
    } finally {
      await restarted.close();
    }
  });

  describe('resources whose owners approve', () => {
    /** Adele's 10-day access to Falcon (owned by Lidia) and Expenses, approved by Megan and Lidia, at its offer to extend. */
    async function ownedAccessAtOffer() {
      await bot.start({ RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': ['lidia.holloway@contoso.com'] }) });
      const filed = await fileRequest(bot, users.adele, 10_000, { accessDays: 10, endsAt: new Date(bot.clock.now().getTime() + 10 * DAY).toISOString() });
      await bot.teams.click(users.megan, filed.cardConversationId, 'approve', { requestId: filed.request.id });
      const lidiaChat = await stageCardOf(filed.request.id, 1);
      await bot.teams.click(lidia, lidiaChat, 'approve', { requestId: filed.request.id, stage: 1 });
      const invited = await waitForState(bot, filed.request.id, 'invited');
      await bot.passDays(3.1);
      const { text, offeredFor } = await offer(filed.cardConversationId, filed.request);
      return { ...filed, invited, lidiaChat, text, offeredFor };
    }

    /** Where the card of the request's owner stage `stage` went, once posted. */
    function stageCardOf(requestId: string, stage: number): Promise<string> {
      return eventually(
        async () => (await bot.requests.stagesOf(requestId)).find((s) => s.stage === stage)?.cards?.[0]?.conversationId,
        `the card of stage ${stage}`,
      );
    }

    it('says on the offer that the owners decide too; Extend asks them and the end stays until they approve, then moves', async () => {
      const { request, cardConversationId, invited, text, offeredFor } = await ownedAccessAtOffer();
      const guest = invited.invitedUserId as string;
      assert.match(text, /The owners of Project Falcon team approve extensions too: extending asks them, and the end moves only once they all approve/);
      const click = await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
      assert.match(cardText(click.body), /Waiting for the owners of Project Falcon team to approve extending it until .*\. Until they do, it ends on/);
      let asked = await bot.requests.get(request.id);
      assert.equal(asked?.endsAt, invited.endsAt, 'the end has not moved');
      assert.equal(asked?.extensionOffer?.answer, 'awaitingOwners');
      const askedEnd = asked?.extensionOffer?.endsAt as string;
      assert.equal(askedEnd, new Date(Date.parse(invited.endsAt as string) + 10 * DAY).toISOString());
      const stage = (await bot.requests.stagesOf(request.id)).find((s) => s.extensionFor === offeredFor);
      assert.equal(stage?.stage, 2);
      assert.equal(stage?.resourceId, 'falcon-team');
      await bot.channel.waitFor(
        () =>
          bot.channel
            .messagesTo(bot.teams.conversationOf(users.adele))
            .find((m) =>
              /Megan Bowen asked to extend the access of partner@fabrikam\.com .* The owners of Project Falcon team must approve the extension too/.test(
                m.text ?? '',
              ),
            ),
        'Adele told',
      );
      const lidiaChat = await stageCardOf(request.id, 2);
      const lidiaCard = visibleText(bot.channel.messagesTo(lidiaChat).at(-1));
      assert.match(lidiaCard, /Una prolongación: Megan Bowen \(patrocinador\) pide prolongar este acceso a Project Falcon team hasta el/);

      // Megan asked: she may not approve it as an owner too.
      const megan = await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id, stage: 2 });
      assert.doesNotMatch(JSON.stringify(megan.body.value), /"verb":"approve"/);
      assert.equal((await bot.requests.stagesOf(request.id)).find((s) => s.stage === 2)?.state, 'pending');

      const approved = await bot.teams.click(lidia, lidiaChat, 'approve', { requestId: request.id, stage: 2 });
      assert.match(cardText(approved.body), /Lidia Holloway approved extending access to Project Falcon team\./);
      asked = await bot.requests.get(request.id);
      assert.equal(asked?.endsAt, askedEnd);
      assert.equal(asked?.extensions, 1);
      assert.equal(asked?.extensionOffer?.answer, 'extended');
      assert.ok(
        (await bot.requests.auditTrail(request.id)).some(
          (e) => e.action === 'extended' && e.detail?.byOwners === true && e.actor.kind === 'user' && e.actor.displayName === 'Lidia Holloway',
        ),
      );
      await bot.channel.waitFor(
        () =>
          bot.channel
            .messagesTo(bot.teams.conversationOf(users.adele))
            .find((m) => /Megan Bowen extended the access of partner@fabrikam\.com/.test(m.text ?? '')),
        'Adele told of the extension',
      );
      await bot.channel.waitFor(
        () => bot.channel.updates.find((u) => u.conversationId === cardConversationId && /Extended: the access now ends on/.test(JSON.stringify(u.activity))),
        'Megan’s offer updated',
      );

      // The old end passes: nothing ends. At the new one, it does.
      await bot.passDays(7.5);
      assert.equal((await bot.requests.get(request.id))?.state, 'invited');
      assert.ok(bot.app.simulator?.groupMembers(FALCON_GROUP).includes(guest));
      await bot.passDays(10);
      await waitForState(bot, request.id, 'ended');
    });

    it('a rejection by an owner lets the access end on its date, and the requester hears why', async () => {
      const { request, cardConversationId, invited, offeredFor } = await ownedAccessAtOffer();
      await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
      const lidiaChat = await stageCardOf(request.id, 2);
      await bot.teams.click(lidia, lidiaChat, 'reject', { requestId: request.id, stage: 2, comment: 'Falcon wraps up this month' });
      const rejected = await bot.requests.get(request.id);
      assert.equal(rejected?.extensionOffer?.answer, 'rejected');
      assert.equal(rejected?.endsAt, invited.endsAt);
      await bot.channel.waitFor(
        () =>
          bot.channel
            .messagesTo(bot.teams.conversationOf(users.adele))
            .find((m) => /Lidia Holloway, an owner of Project Falcon team, rejected extending the access of partner@fabrikam\.com/.test(m.text ?? '')),
        'Adele told',
      );
      const refreshed = await bot.teams.click(users.megan, cardConversationId, 'refreshExtension', { requestId: request.id, offeredFor });
      assert.match(cardText(refreshed.body), /Not extended: an owner of Project Falcon team rejected it/);
      await bot.passDays(7);
      await waitForState(bot, request.id, 'ended');
    });

    it('reminds the owner once; no answer before the end lets it end; an owner’s click after that changes nothing', async () => {
      const { request, cardConversationId, invited, offeredFor } = await ownedAccessAtOffer();
      await bot.teams.click(users.megan, cardConversationId, 'extend', { requestId: request.id, offeredFor });
      const lidiaChat = await stageCardOf(request.id, 2);
      await bot.passDays(2.1);
      const reminders = () =>
        bot.channel
          .messagesTo(lidiaChat)
          .filter((m) =>
            /^Recordatorio: Megan Bowen pidió prolongar el acceso de partner@fabrikam\.com .* Si los responsables no lo aprueban, el acceso termina el/.test(
              m.text ?? '',
            ),
          );
      assert.equal(reminders().length, 1, 'Lidia reminded, in Spanish, of the end as the deadline');
      assert.match(JSON.stringify(reminders()[0].attachments), /"verb":"approve"/);
      await bot.passDays(4.9);
      const ended = await waitForState(bot, request.id, 'ended');
      assert.equal(ended.endsAt, invited.endsAt);
      const late = await bot.teams.click(lidia, lidiaChat, 'approve', { requestId: request.id, stage: 2 });
      assert.doesNotMatch(JSON.stringify(late.body.value), /"verb":"approve"/);
      assert.equal((await bot.requests.get(request.id))?.state, 'ended');
      assert.equal((await bot.requests.stagesOf(request.id)).find((s) => s.stage === 2)?.state, 'pending');
    });
  });
});
