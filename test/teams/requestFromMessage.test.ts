/**
 * The message extension over HTTP, as Teams sends its invokes: **Request guest access** on a
 * message opens a form filled in from the message; a form with problems comes back as typed, each
 * problem beside its input; a good one is confirmed in the employee's 1:1 chat with the bot, where
 * **Yes** files exactly the request typing `request` would. In English and Spanish.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { TENANT_ID, type TeamsUser } from '../support/fakeTeamsChannel';
import { CHANNEL, fetchTask, formOf, messageFrom, noticeOf, searchCatalog, submitAction, valuesOf } from '../support/messageExtension';
import { catalogWithOwners, nestor } from '../support/ownerCatalog';
import { type TestBot, users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { buttonCommands, visibleText } from '../support/visibleText';

const megan = { id: users.megan.aadObjectId as string, displayName: 'Megan Bowen' };
/** A guest of the simulated Contoso who has not accepted yet: someone from outside, whose address the directory knows. */
const sam = { id: 'b7c8d9e0-0102-4000-8000-000000000102', displayName: 'Sam Rivera (Northwind Traders)' };
/** Someone of another organization chatting through external access: Teams gives only their name and their own tenant's id. */
const outsider = { id: '0f0f0f0f-0000-4000-8000-0000000000ff', displayName: 'Lee Chen', userIdentityType: 'federatedUser' as const };

const GROUP_CHAT = { id: '19:project@thread.v2', conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID, name: '' };
const OTHER_TENANT = '0badf00d-0000-4000-8000-000000000bad';

/** What a request is, whichever way it was filed: every guest's row, without what differs by the moment or the id. */
async function filedAs(bot: TestBot, requestId: string): Promise<Array<Partial<AccessRequest>>> {
  const guests = await bot.requests.guestsOfRequest(requestId);
  return guests.map((guest) => ({
    guestEmail: guest.guestEmail,
    existingGuest: guest.existingGuest,
    guestNumber: guest.guestNumber,
    state: guest.state,
    requester: guest.requester,
    requesterLocale: guest.requesterLocale,
    requesterConversationId: guest.requesterConversationId,
    sponsor: guest.sponsor,
    sponsorLocale: guest.sponsorLocale,
    resourceIds: guest.resourceIds,
    accessDays: guest.accessDays,
    justification: guest.justification,
    tenantId: guest.tenantId,
  }));
}

/** The id of the request the last "Sent" message in `conversationId` names. */
function sentRequestId(bot: TestBot, conversationId: string): string {
  const sent = bot.channel
    .messagesTo(conversationId)
    .map(visibleText)
    .reverse()
    .find((text) => /GA-\w{6}/.test(text));
  const id = /GA-\w{6}/.exec(sent ?? '')?.[0];
  assert.ok(id, `no request id in ${conversationId}: ${bot.channel.messagesTo(conversationId).map(visibleText).join(' | ')}`);
  return id;
}

const LANGUAGES = [
  {
    language: 'English',
    user: users.adele,
    manager: 'megan.bowen@contoso.com',
    command: 'request',
    yes: 'yes',
    form: { title: 'Request guest access', submit: 'Continue', guests: "Partners' email addresses (up to 20)" },
    inChat: 'Now check the request in your chat with Guest Access, and click Yes there to send it to Megan Bowen.',
    summary: [
      'Guests: kim.lee@fabrikam.com',
      'ana.ruiz@fabrikam.com',
      'Resources: Project Falcon team, Contoso Expenses',
      'Shall I send it to Megan Bowen for approval?',
    ],
    justification: 'Co-design the Falcon launch with us until March',
    sent: /^Sent\. Request \*\*GA-\w{6}\*\* is waiting for Megan Bowen to approve it\./,
  },
  {
    language: 'Spanish',
    user: users.diego,
    manager: 'patti.fernandez@contoso.com',
    command: 'solicitar',
    yes: 'sí',
    form: { title: 'Pedir acceso de invitado', submit: 'Continuar', guests: 'Direcciones de correo de los socios (hasta 20)' },
    inChat: 'Ahora revisa la solicitud en tu chat con Acceso de invitados y pulsa Sí allí para enviársela a Patti Fernandez.',
    summary: [
      'kim.lee@fabrikam.com',
      'ana.ruiz@fabrikam.com',
      'Recursos: Project Falcon team, Contoso Expenses',
      '¿Se la envío a Patti Fernandez para que la apruebe?',
    ],
    justification: 'Codiseñan con nosotros el lanzamiento de Falcon',
    sent: /está esperando a que Patti Fernandez la apruebe/,
  },
];

/** A colleague's message in a channel, naming two partners as people write them. */
const TWO_PARTNERS = messageFrom(
  megan,
  '<p>Could we invite <a href="mailto:kim.lee@fabrikam.com">kim.lee@fabrikam.com</a> and &quot;Ana Ruiz&quot; &lt;ana.ruiz@fabrikam.com&gt;?</p><p>Thanks,<br>megan.bowen@contoso.com</p>',
);

describe('request guest access from a message', function () {
  this.timeout(60_000);

  describe('on the sample catalog', () => {
    const bot = withTestBot();

    for (const l of LANGUAGES) {
      it(`files from a message with two addresses the request the dialog files, confirmed in the chat (${l.language})`, async () => {
        const chat = bot.teams.conversationOf(l.user);
        await bot.teams.install(l.user);

        // Started on the message, in a channel.
        const form = formOf((await fetchTask(bot.teams, l.user, { messagePayload: TWO_PARTNERS })).body);
        assert.deepEqual([form.title, form.submit, form.inputs.guests.label], [l.form.title, l.form.submit, l.form.guests]);
        assert.deepEqual(valuesOf(form), {
          guests: 'kim.lee@fabrikam.com\nana.ruiz@fabrikam.com',
          resources: '',
          period: '',
          justification: '',
          sponsor: l.manager,
        });

        const before = bot.channel.messagesTo(chat).length;
        const submitted = await submitAction(bot.teams, l.user, { ...valuesOf(form), resources: 'falcon-team,expenses-app', justification: l.justification });
        assert.equal(submitted.status, 200);
        assert.equal(noticeOf(submitted.body), l.inChat);

        // The summary waits in the employee's own chat, with Yes and No.
        const summary = bot.channel.messagesTo(chat).slice(before);
        assert.equal(summary.length, 1, summary.map(visibleText).join(' | '));
        for (const fragment of l.summary) assert.ok(visibleText(summary[0]).includes(fragment), `“${fragment}” in:\n${visibleText(summary[0])}`);
        assert.equal(buttonCommands(summary[0]).length, 2);
        assert.deepEqual(await bot.requests.awaitingDecisionFiledBy(l.user.aadObjectId as string), [], 'nothing filed before the Yes');

        await bot.teams.say(l.user, l.yes);
        assert.match(visibleText(bot.channel.messagesTo(chat).at(-1)), l.sent);
        const fromMessage = sentRequestId(bot, chat);

        // The same request typed in the same chat, question by question.
        for (const text of [l.command, 'kim.lee@fabrikam.com, ana.ruiz@fabrikam.com', '1, 4', 'ok', l.justification, 'ok', l.yes])
          await bot.teams.say(l.user, text);
        const typed = sentRequestId(bot, chat);
        assert.notEqual(typed, fromMessage);
        assert.deepEqual(await filedAs(bot, fromMessage), await filedAs(bot, typed));
        assert.equal((await filedAs(bot, fromMessage)).length, 2);

        // And from there the same path: the sponsor's card goes out.
        await bot.settle();
        assert.ok((await bot.requests.get(fromMessage))?.approvalCard, 'the sponsor has the card');
      });
    }

    it('adds the sender from outside (a guest of the tenant) and names one the directory does not know', async () => {
      const fromGuest = formOf((await fetchTask(bot.teams, users.diego, { messagePayload: messageFrom(sam, '<p>Hola, ¿me dais acceso?</p>') })).body);
      assert.equal(fromGuest.inputs.guests.value, 'sam.rivera@northwindtraders.com');
      assert.deepEqual(fromGuest.notes, {});

      const fromOutsider = formOf(
        (await fetchTask(bot.teams, users.adele, { messagePayload: messageFrom(outsider, 'Happy to help, jo@fabrikam.com too') })).body,
      );
      assert.equal(fromOutsider.inputs.guests.value, 'jo@fabrikam.com');
      assert.equal(
        fromOutsider.notes.guests,
        "Lee Chen, who wrote the message, isn't in your organization's directory, so I can't see their address: add it above if they need access.",
      );

      // From the compose box or the command box: no message, an empty form but for the sponsor.
      const blank = formOf((await fetchTask(bot.teams, users.adele)).body);
      assert.deepEqual(valuesOf(blank), { guests: '', resources: '', period: '', justification: '', sponsor: 'megan.bowen@contoso.com' });
    });

    it('sends the form back as typed, with each problem under its input, and files nothing', async () => {
      await bot.teams.install(users.adele);
      const chat = bot.teams.conversationOf(users.adele);
      const before = bot.channel.messagesTo(chat).length;
      const typed = {
        guests: 'kim@fabrikam.com, nestor.wilke@contoso.com; pat@tailspintoys.com',
        resources: '',
        period: '2020-01-01',
        justification: 'Falcon',
        sponsor: 'nobody@contoso.com',
      };
      const answer = await submitAction(bot.teams, users.adele, typed);
      const form = formOf(answer.body);
      assert.deepEqual(valuesOf(form), typed, 'everything as typed');
      assert.deepEqual(form.problems, {
        guests: [
          "These addresses can't be invited: remove or correct them, then click Continue.",
          "- nestor.wilke@contoso.com: an address of your own organization: colleagues don't need guest access",
          "- pat@tailspintoys.com: your organization's Microsoft Entra settings don't allow guests from tailspintoys\\[.\\]com",
        ].join('\n'),
        resources: 'Pick at least one resource.',
        period: 'The access must end after today: type a number of days or a later date, or leave it empty for 90 days.',
        justification: 'Give your sponsor a little more to go on: at least 10 characters.',
        sponsor: "I couldn't find “nobody@contoso.com” in the directory: type a colleague's email address or user name, like megan.bowen@contoso.com.",
      });
      assert.equal(bot.channel.messagesTo(chat).length, before, 'nothing in the chat');
      assert.deepEqual(await bot.requests.awaitingDecisionFiledBy(users.adele.aadObjectId as string), []);
    });

    it('shows a period the resources cap as capped, and takes it sent again', async () => {
      await bot.teams.install(users.diego);
      const inputs = {
        guests: 'socio@fabrikam.com',
        resources: 'partner-extranet',
        period: '45',
        justification: 'Revisión de contratos del trimestre',
        sponsor: 'patti.fernandez@contoso.com',
      };
      const form = formOf((await submitAction(bot.teams, users.diego, inputs)).body);
      assert.equal(form.inputs.period.value, '30');
      assert.deepEqual(form.problems, {
        period: 'Los recursos que elegiste permiten como mucho 30 días seguidos, así que he puesto 30: pulsa Continuar para dejarlo así, o cámbialo.',
      });
      assert.match(noticeOf((await submitAction(bot.teams, users.diego, valuesOf(form))).body), /^Ahora revisa la solicitud/);
      assert.match(visibleText(bot.channel.messagesTo(bot.teams.conversationOf(users.diego)).at(-1)), /Hasta: .* \(30 días\)/);
    });

    it('puts aside what the chat was in the middle of, and says so', async () => {
      await bot.teams.install(users.adele);
      const chat = bot.teams.conversationOf(users.adele);
      for (const text of ['request', 'kim@fabrikam.com']) await bot.teams.say(users.adele, text);
      const inputs = {
        guests: 'jo@fabrikam.com',
        resources: 'falcon-team',
        period: '',
        justification: 'Designs the launch with us',
        sponsor: 'megan.bowen@contoso.com',
      };
      assert.equal((await submitAction(bot.teams, users.adele, inputs)).status, 200);
      const [aside, summary] = bot.channel.messagesTo(chat).slice(-2).map(visibleText);
      assert.equal(aside, "I've put aside what we were in the middle of here, to show you the request you started from a message.");
      assert.match(summary, /Guest: jo@fabrikam\.com/);
      await bot.teams.say(users.adele, 'yes');
      assert.match(visibleText(bot.channel.messagesTo(chat).at(-1)), /^Sent\./);
      const [filed] = await bot.requests.awaitingDecisionFiledBy(users.adele.aadObjectId as string);
      assert.equal(filed?.guestEmail, 'jo@fabrikam.com');
    });

    it('opens the chat for someone the bot has never talked to, and files from there', async () => {
      const lidia: TeamsUser = { id: '29:lidia', aadObjectId: 'a1b2c3d4-0006-4000-8000-000000000006', name: 'Lidia Holloway', locale: 'en-US' };
      const inputs = {
        guests: 'kim@fabrikam.com',
        resources: 'falcon-team',
        period: '30',
        justification: 'Designs the launch with us',
        sponsor: 'diego.siciliani@contoso.com',
      };
      assert.match(noticeOf((await submitAction(bot.teams, lidia, inputs)).body), /^Now check the request/);
      const [opened] = bot.channel.createdConversations;
      assert.deepEqual(opened.parameters.members, [{ id: lidia.aadObjectId, name: '' }]);
      assert.match(visibleText(bot.channel.messagesTo(opened.id).at(-1)), /Shall I send it to Diego Siciliani/);
      await bot.teams.post(lidia, { type: 'message', text: 'yes' }, opened.id);
      assert.match(visibleText(bot.channel.messagesTo(opened.id).at(-1)), /^Sent\./);
    });

    it('keeps the form when the employee’s chat cannot be opened, and says what to do', async () => {
      bot.app.simulator?.blockTeamsApp();
      const nestorAsRequester = { ...nestor };
      const inputs = {
        guests: 'kim@fabrikam.com',
        resources: 'falcon-team',
        period: '',
        justification: 'Designs the launch with us',
        sponsor: 'megan.bowen@contoso.com',
      };
      const form = formOf((await submitAction(bot.teams, nestorAsRequester, inputs)).body);
      assert.deepEqual(valuesOf(form), { ...inputs, resources: 'falcon-team' });
      assert.equal(form.general, "I couldn't open our chat to ask you to confirm. Open Guest Access under Apps in Teams once, then click Continue again.");
    });

    it('keeps the form when Teams does not answer just now, to be sent again', async () => {
      bot.channel.createConversationStatus = 503;
      const lidia: TeamsUser = { id: '29:lidia', aadObjectId: 'a1b2c3d4-0006-4000-8000-000000000006', name: 'Lidia Holloway', locale: 'es-MX' };
      const inputs = {
        guests: 'kim@fabrikam.com',
        resources: 'falcon-team',
        period: '',
        justification: 'Diseña el lanzamiento con nosotros',
        sponsor: 'diego.siciliani@contoso.com',
      };
      const form = formOf((await submitAction(bot.teams, lidia, inputs)).body);
      assert.deepEqual(valuesOf(form), inputs);
      assert.equal(
        form.general,
        'No he podido contactar con Teams ahora mismo para abrir nuestro chat. Vuelve a pulsar Continuar dentro de un minuto: todo lo que escribiste sigue aquí.',
      );
      bot.channel.createConversationStatus = 200;
      assert.match(noticeOf((await submitAction(bot.teams, lidia, valuesOf(form))).body), /^Ahora revisa la solicitud/);
    });

    it('answers in a group chat too, and only the extension: a message there is still refused', async () => {
      const form = formOf((await fetchTask(bot.teams, users.adele, { conversation: GROUP_CHAT, messagePayload: TWO_PARTNERS })).body);
      assert.equal(form.inputs.guests.value, 'kim.lee@fabrikam.com\nana.ruiz@fabrikam.com');
      await bot.teams.post(users.adele, { type: 'message', text: 'request', conversation: GROUP_CHAT }, GROUP_CHAT.id);
      assert.match(visibleText(bot.channel.messagesTo(GROUP_CHAT.id).at(-1)), /^I only work in a personal chat/);
      const stored = await bot.app.database.db.selectFrom('dialog_state').select('key').execute();
      assert.ok(!stored.some((row) => row.key.includes(GROUP_CHAT.id) || row.key.includes(CHANNEL.id)), 'no state kept for others’ conversations');
    });

    it('refuses another tenant, an unknown command and someone who is no member, in a sentence', async () => {
      const foreign = await fetchTask(bot.teams, users.diego, { activity: { channelData: { tenant: { id: OTHER_TENANT } } } });
      assert.equal(
        noticeOf(foreign.body),
        'Lo siento, solo atiendo a las personas de la organización para la que me configuraron, así que aquí no puedo ayudarte.',
      );
      assert.equal(
        noticeOf((await fetchTask(bot.teams, users.adele, { commandId: 'somethingElse' })).body),
        'This version of Guest Access has no such command. Ask IT to update the Guest Access app in Teams.',
      );
      const guest: TeamsUser = { id: '29:sam', aadObjectId: sam.id, name: 'Sam Rivera', locale: 'en-US' };
      assert.match(noticeOf((await fetchTask(bot.teams, guest)).body), /^I couldn't find you in your organization's directory/);
      assert.match(
        noticeOf((await submitAction(bot.teams, guest, { guests: 'kim@fabrikam.com' })).body),
        /^I couldn't find you in your organization's directory/,
      );
    });

    it('reads a submission that is no form as an empty one', async () => {
      for (const value of [
        undefined,
        'text',
        { commandId: 'requestGuestAccess', data: 'x' },
        { commandId: 'requestGuestAccess', data: { guests: 42, resources: ['a'] } },
      ]) {
        const response = await bot.teams.post(users.adele, { type: 'invoke', name: 'composeExtension/submitAction', value, conversation: CHANNEL }, CHANNEL.id);
        assert.equal(response.status, 200, JSON.stringify(value));
      }
    });
  });

  describe('when only the sponsor could approve a resource', () => {
    const bot = withTestBot({ RESOURCE_CATALOG_FILE: catalogWithOwners({ 'falcon-team': ['megan.bowen@contoso.com'] }) });

    it('asks for another sponsor beside the sponsor', async () => {
      const inputs = {
        guests: 'kim@fabrikam.com',
        resources: 'falcon-team',
        period: '',
        justification: 'Designs the launch with us',
        sponsor: 'megan.bowen@contoso.com',
      };
      const form = formOf((await submitAction(bot.teams, users.adele, inputs)).body);
      assert.deepEqual(form.problems, {
        sponsor:
          'The only one who may approve access to Project Falcon team as its owner is Megan Bowen, and nobody approves the same request twice: name another sponsor.',
      });
    });
  });

  describe('on a catalog too long for the card', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    const resources = Array.from({ length: 60 }, (_, i) => ({
      id: `project-${i + 1}`,
      name: i === 41 ? 'Ibérico supply chain' : `Project ${i + 1}`,
      kind: 'group',
      groupId: `c0ffee00-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    }));
    writeFileSync(file, JSON.stringify({ resources }));
    // Typing in the form is not messages or clicks: its searches do not count against the turns a minute.
    const bot = withTestBot({ RESOURCE_CATALOG_FILE: file, MAX_TURNS_PER_MINUTE: '3' }, { start: 'before' });

    it('puts the first resources in the card and searches the rest as the person types', async () => {
      const form = formOf((await fetchTask(bot.teams, users.adele)).body);
      assert.equal(form.searchDataset, 'guestAccessCatalog');
      assert.equal(Object.keys(form.choices).length, 15);

      const found = await searchCatalog(bot.teams, users.adele, 'iberico');
      assert.deepEqual(found.body.value.results, [{ title: 'Ibérico supply chain (group)', value: 'project-42' }]);
      const page = await searchCatalog(bot.teams, users.diego, 'project 1', { skip: 5, top: 5 });
      assert.deepEqual(
        page.body.value.results?.map((r) => r.title),
        ['Project 14 (grupo)', 'Project 15 (grupo)', 'Project 16 (grupo)', 'Project 17 (grupo)', 'Project 18 (grupo)'],
      );
      assert.equal((await searchCatalog(bot.teams, users.adele, '', { conversation: GROUP_CHAT })).body.value.results?.length, 15);
      assert.equal((await searchCatalog(bot.teams, users.adele, 'x', { dataset: 'npm' })).status, 400);
      for (const typed of ['i', 'ib', 'ibé', 'ibér']) {
        assert.deepEqual((await searchCatalog(bot.teams, users.adele, typed)).body.value.results?.[0]?.value, 'project-42', typed);
      }

      // A resource found by searching stays chosen when the form comes back.
      const back = formOf((await submitAction(bot.teams, users.adele, { guests: 'kim@fabrikam.com', resources: 'project-42' })).body);
      assert.equal(back.inputs.resources.value, 'project-42');
      assert.equal(back.choices['project-42'], 'Ibérico supply chain (group)');
    });
  });
});
