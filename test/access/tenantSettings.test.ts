/**
 * The tenant's own external-collaboration settings, through the real server and the simulated
 * directory (whose sample deny-lists tailspintoys.com and blocks B2B collaboration inbound from
 * Wingtip Toys): refused at the address step with no sponsor asked and nothing written; a block
 * added after filing stops the invitation with requester and sponsor told; permissions not
 * granted (403) leave the flow working, said once in the log.
 */
import assert from 'node:assert/strict';
import pino from 'pino';
import type { TeamsUser } from '../support/fakeTeamsChannel';
import { fileRequest, users, waitForState } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

const FABRIKAM_TENANT = '7a1c0e52-6b3d-4f8e-9a21-0c4d5e6f7a8b';

describe("the tenant's own external-collaboration settings", function () {
  this.timeout(30_000);

  describe('at the address step', () => {
    const lines: string[] = [];
    const bot = withTestBot({}, { start: 'before', logger: () => pino({ level: 'info' }, { write: (line: string) => void lines.push(line) }) });
    const lastTo = (user: TeamsUser) => visibleText(bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1));

    for (const [name, user, command, address, expected, setting] of [
      [
        'a deny-listed domain',
        users.adele,
        'request',
        'kim@tailspintoys.com',
        "Your organization's Microsoft Entra settings don't allow inviting guests from tailspintoys[.]com, so no sponsor could approve it. Type another address, or **cancel** to stop. If tailspintoys[.]com should be allowed, ask IT to change the external collaboration settings.",
        'Collaboration restrictions',
      ],
      [
        'a subdomain of a deny-listed domain, in Spanish',
        users.diego,
        'solicitar',
        'kim@eu.tailspintoys.com',
        'La configuración de Microsoft Entra de tu organización no permite invitar a personas de eu[.]tailspintoys[.]com, así que ningún patrocinador podría aprobarlo.',
        'Collaboration restrictions',
      ],
      [
        'an organization whose B2B collaboration inbound is blocked',
        users.adele,
        'request',
        'kim@wingtiptoys.com',
        "Your organization's Microsoft Entra settings block guests from the organization wingtiptoys[.]com belongs to, so no sponsor could approve it. Type another address, or **cancel** to stop. If you need to work with them, ask IT about the cross-tenant access settings.",
        'Cross-tenant access settings',
      ],
    ] as const) {
      it(`refuses ${name} in plain words, asks no sponsor, writes nothing, and logs which setting refused`, async () => {
        await bot.teams.install(user);
        await bot.teams.say(user, command);
        const writes = bot.app.simulator?.writeRequestCount;
        const sent = bot.channel.sent.length;
        lines.length = 0;
        await bot.teams.say(user, address);
        assert.ok(lastTo(user).startsWith(expected.replace(/\[\.\]/g, '\\[.\\]')), lastTo(user));
        assert.equal(bot.app.simulator?.writeRequestCount, writes, 'nothing written to the directory');
        assert.ok(
          bot.channel.sent.slice(sent).every((s) => s.conversationId === bot.teams.conversationOf(user) && !s.activity.attachments?.length),
          'no card to anyone',
        );
        assert.ok(
          lines.some((line) => line.includes(setting) && line.includes('refuses guests from')),
          `the log names the setting: ${lines.join('')}`,
        );
        await bot.teams.say(user, command === 'request' ? 'cancel' : 'cancelar');
      });
    }

    it('lets an address of an organization with no block through to the next question', async () => {
      await bot.teams.install(users.adele);
      await bot.teams.say(users.adele, 'request');
      await bot.teams.say(users.adele, 'kim@fabrikam.com');
      assert.match(lastTo(users.adele), /Which resources does kim@fabrikam\.com need\?/);
      await bot.teams.say(users.adele, 'cancel');
    });
  });

  describe('when a block is added after the request was filed', () => {
    const bot = withTestBot();

    for (const [what, block, reason, requesterText, sponsorText] of [
      [
        'the deny list',
        () => bot.app.simulator?.externalCollaboration.blockDomain('fabrikam.com'),
        'tenantBlocksDomain',
        "Megan Bowen approved request **{id}**, but I didn't invite partner@fabrikam.com, because your organization's guest policy has changed since you asked: your organization's Microsoft Entra settings no longer allow inviting guests from fabrikam[.]com. If you think that's wrong, ask IT and quote the request id.",
        "Request **{id}** from Adele Vance for partner@fabrikam.com, which you approved, couldn't be completed: your organization's Microsoft Entra settings no longer allow inviting guests from fabrikam[.]com. I've told Adele Vance.",
      ],
      [
        "the partner's cross-tenant access settings",
        () => bot.app.simulator?.externalCollaboration.setInbound('blocked', FABRIKAM_TENANT),
        'tenantBlocksOrganization',
        "Megan Bowen approved request **{id}**, but I didn't invite partner@fabrikam.com, because your organization's guest policy has changed since you asked: your organization's Microsoft Entra settings now block guests from the organization fabrikam[.]com belongs to. If you think that's wrong, ask IT and quote the request id.",
        "Request **{id}** from Adele Vance for partner@fabrikam.com, which you approved, couldn't be completed: your organization's Microsoft Entra settings now block guests from the organization fabrikam[.]com belongs to. I've told Adele Vance.",
      ],
    ] as const) {
      it(`stops the invitation when ${what} changed, and tells the requester and the sponsor with the request id`, async () => {
        const { request, cardConversationId } = await fileRequest(bot);
        block();
        const before = bot.app.simulator?.requests.length ?? 0;
        await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
        const failed = await waitForState(bot, request.id, 'failed');
        assert.equal(failed.failureReason, reason);
        assert.equal(failed.invitedUserId, undefined);
        const writes = (bot.app.simulator?.requests.slice(before) ?? []).filter((r) => r.method !== 'GET');
        assert.deepEqual(writes, [], 'no invitation, nothing written');
        const toRequester = await bot.channel.waitFor(
          () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).find((m) => m.text?.includes(request.id) && m.text.includes('policy')),
          "the requester's notice",
        );
        assert.equal(toRequester.text, requesterText.replace('{id}', request.id).replace(/\[\.\]/g, '\\[.\\]'));
        const toSponsor = await bot.channel.waitFor(
          () => bot.channel.messagesTo(cardConversationId).find((m) => m.text?.includes(request.id) && m.text.includes('which you approved')),
          "the sponsor's notice",
        );
        assert.equal(toSponsor.text, sponsorText.replace('{id}', request.id).replace(/\[\.\]/g, '\\[.\\]'));
        const event = (await bot.requests.auditTrail(request.id)).find((e) => e.action === 'failed');
        assert.match(String(event?.detail?.error), new RegExp(`\\(${reason}, domain fabrikam\\.com\\)`));
      });
    }
  });

  describe('when the app may not read them (403)', () => {
    const lines: string[] = [];
    const bot = withTestBot({}, { logger: () => pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) }) });
    const denyReads = () => bot.app.simulator?.injectFault({ method: 'GET', path: /^\/(policies|tenantRelationships)\//i, status: 403, times: 10_000 });

    it('skips the checks, says so once per setting, and the flow goes on to an invitation with the sponsor recorded in it', async () => {
      lines.length = 0;
      denyReads();
      for (const guestEmail of ['partner@fabrikam.com', 'other@fabrikam.com']) {
        const { request, cardConversationId } = await fileRequest(bot, users.adele, 10_000, { guestEmail });
        await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
        const invited = await waitForState(bot, request.id, 'invited');
        const invitation = bot.app.simulator?.requests.find(
          (r) => r.method === 'POST' && r.path.endsWith('/invitations') && JSON.stringify(r.body).includes(guestEmail),
        );
        assert.deepEqual((invitation?.body as { invitedUserSponsors?: unknown }).invitedUserSponsors, [{ id: users.megan.aadObjectId }]);
        assert.deepEqual(bot.app.simulator?.sponsorsOf(invited.invitedUserId as string), [users.megan.aadObjectId]);
      }
      for (const permission of ['Policy.Read.B2BManagementPolicy', 'CrossTenantInformation.ReadBasic.All']) {
        assert.equal(lines.filter((line) => line.includes(`permission ${permission}`)).length, 1, `one line for ${permission}: ${lines.join('')}`);
      }
    });

    it("maps Entra's own refusal of the invitation to the same plain words", async () => {
      denyReads();
      const { request, cardConversationId } = await fileRequest(bot);
      // The bot could not read the settings; Entra enforces them at the invitation all the same.
      bot.app.simulator?.externalCollaboration.setInbound('blocked', FABRIKAM_TENANT);
      await bot.teams.click(users.megan, cardConversationId, 'approve', { requestId: request.id });
      const failed = await waitForState(bot, request.id, 'failed');
      assert.equal(failed.failureReason, 'tenantBlocksOrganization');
    });
  });
});
