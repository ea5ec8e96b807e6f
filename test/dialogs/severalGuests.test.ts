/**
 * The commands on a request for several guests, over HTTP through the whole bot, in English and
 * Spanish: a per-guest command takes the request's id and the guest's address (or the guest's row
 * id), and without them says which guests there are, with a button for each; `cancel`, `end` and
 * `request again` act on the whole request; `status` shows the request once with each guest under
 * it, `pending` lists it once, and `guests` names each guest's address in its buttons. A request
 * for one guest answers as it always did.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import type { AccessRequest } from '../../src/requests/accessRequest';
import type { RequestState } from '../../src/requests/lifecycle';
import { requestDraft } from '../support/requestDraft';
import { users } from '../support/testBot';
import { type TestBotSession, withTestBot } from '../support/testBotSession';
import { buttonCommands, visibleText } from '../support/visibleText';

type Person = typeof users.adele;
const DAY = 86_400_000;
const [KIM, JO, LEE] = ['kim@fabrikam.com', 'jo@fabrikam.com', 'lee@fabrikam.com'];

/** Where each guest is brought, in order; one state for a request for one guest. */
type States = readonly RequestState[];

/**
 * A request from `requester` for a guest per state (kim, jo and lee), sponsored by Megan, filed as
 * the dialog files it and moved as the sponsor, the provisioning and the end would move it. Its
 * guests' rows, in order.
 */
async function requestFor(bot: TestBotSession, requester: Person, states: States): Promise<AccessRequest[]> {
  const guests = states.length === 1 ? ['partner@fabrikam.com'] : [KIM, JO, LEE].slice(0, states.length);
  const first = await bot.requests.create(
    {
      ...requestDraft({
        requester: { id: requester.aadObjectId, displayName: requester.name, address: 'requester@contoso.com' },
        requesterLocale: requester.locale ?? 'en-US',
        requesterConversationId: bot.teams.conversationOf(requester),
        guestEmail: guests[0],
        moreGuests: guests.slice(1).map((guestEmail) => ({ guestEmail })),
      }),
      accessDays: 30,
      endsAt: new Date(bot.now().getTime() + 30 * DAY).toISOString(),
    },
    { kind: 'user', id: requester.aadObjectId, displayName: requester.name },
  );
  const megan = { kind: 'user' as const, id: users.megan.aadObjectId, displayName: users.megan.name };
  const system = { kind: 'system' as const };
  // Until the decision every guest moves with the first.
  const [undecided] = states;
  if (undecided === 'expired' || undecided === 'cancelled') {
    await bot.requests.transition({ id: first.id, from: 'pending_approval', to: undecided, actor: undecided === 'expired' ? system : megan });
  } else if (undecided !== 'pending_approval') {
    await bot.requests.transition({ id: first.id, from: 'pending_approval', to: 'approved', actor: megan, patch: { decidedAt: bot.now().toISOString() } });
    const rows = await bot.requests.guestsOfRequest(first.id);
    for (const [index, row] of rows.entries()) {
      const at = bot.now().toISOString();
      const invitation = { invitedUserId: `guest-${index + 1}`, inviteRedeemUrl: 'https://login.example/redeem', invitedAt: at, createdGuestAccount: true };
      // The provisioning job may have invited a guest first: the state is what counts.
      await bot.requests.transition({ id: row.id, from: 'approved', to: 'invited', actor: system, patch: invitation });
      const to = states[index];
      if (to === 'accepted') await bot.requests.transition({ id: row.id, from: 'invited', to, actor: system, patch: { acceptedAt: at } });
      if (to === 'ended') await bot.requests.transition({ id: row.id, from: 'invited', to, actor: system, patch: { endedAt: at } });
      if (to === 'withdrawn') await bot.requests.transition({ id: row.id, from: 'invited', to, actor: system, patch: { withdrawnAt: at } });
    }
  }
  await bot.settle();
  const rows = await bot.requests.guestsOfRequest(first.id);
  assert.deepEqual(
    rows.map((row) => row.state),
    [...states],
  );
  return rows;
}

/** How a case sees its request: its id, and each guest's row id. */
interface Ids {
  id: string;
  kim: string;
  jo: string;
  lee: string;
}

interface Case {
  name: string;
  states: States;
  /** Who types, and what, in each language; `then` answers a question the first reply asked. */
  who: 'requester' | 'sponsor' | 'stranger';
  typed: (ids: Ids) => { en: string; es: string };
  then?: { en: string; es: string };
  /** The first reply, as read (a card's text too), and the buttons under it, if any. */
  reply: (ids: Ids) => { en: string | RegExp; es: string | RegExp };
  buttons?: (ids: Ids) => { en: string[]; es: string[] };
  /** What the command did to the request, as its rows and their audit trails say. */
  after?: (bot: TestBotSession, rows: AccessRequest[], ids: Ids) => Promise<void>;
}

const INVITED_ACCEPTED_INVITED: States = ['invited', 'accepted', 'invited'];

/** What someone asked for on a guest's row, as its audit trail says (the jobs that follow record their own steps). */
async function asked(bot: TestBotSession, rowId: string): Promise<string[]> {
  const asks = new Set(['freshLinkAsked', 'invitationEmailAsked', 'redemptionResetAsked', 'endAccessAsked', 'extensionOffered', 'filedAgain']);
  return (await bot.requests.auditTrail(rowId)).map((event) => event.action).filter((action) => asks.has(action));
}

const CASES: Case[] = [
  {
    name: 'a fresh link without an address: the guests, with a button for each one it may help',
    states: INVITED_ACCEPTED_INVITED,
    who: 'requester',
    typed: ({ id }) => ({ en: `link ${id}`, es: `enlace ${id}` }),
    reply: ({ id }) => ({
      en: `Request **${id}** is for 3 guests: ${KIM} (invited, not accepted yet), ${JO} (accepted), ${LEE} (invited, not accepted yet). Say which one: type **link ${id} ${KIM}**, or press the button with their address.\n[${KIM}]\n[${LEE}]`,
      es: `La solicitud **${id}** es para 3 personas invitadas: ${KIM} (invitada, aún no ha aceptado), ${JO} (aceptada), ${LEE} (invitada, aún no ha aceptado). Di cuál: escribe **enlace ${id} ${KIM}**, o pulsa el botón con su dirección.\n[${KIM}]\n[${LEE}]`,
    }),
    buttons: ({ id }) => ({ en: [`link ${id} ${KIM}`, `link ${id} ${LEE}`], es: [`enlace ${id} ${KIM}`, `enlace ${id} ${LEE}`] }),
    after: async (bot, rows) => {
      for (const row of rows) assert.deepEqual(await asked(bot, row.id), [], 'nothing asked for yet');
    },
  },
  {
    name: 'a fresh link for the guest named by address',
    states: INVITED_ACCEPTED_INVITED,
    who: 'requester',
    typed: ({ id }) => ({ en: `link ${id} ${LEE}`, es: `enlace ${id.toLowerCase()} ${LEE.toUpperCase()}` }),
    reply: ({ id }) => ({
      en: `Getting a fresh invitation link for ${LEE} (request **${id}**); it will appear here in a moment.`,
      es: `Estoy generando un nuevo enlace de invitación para ${LEE} (solicitud **${id}**); aparecerá aquí en un momento.`,
    }),
    after: async (bot, _rows, ids) => {
      assert.deepEqual(await asked(bot, ids.lee), ['freshLinkAsked']);
      assert.deepEqual([await asked(bot, ids.kim), await asked(bot, ids.jo)], [[], []]);
    },
  },
  {
    name: 'a fresh link for the guest named by their row id, as a button may send it',
    states: INVITED_ACCEPTED_INVITED,
    who: 'requester',
    typed: ({ lee }) => ({ en: `new link ${lee}`, es: `enlace ${lee.toLowerCase()}` }),
    reply: ({ id }) => ({
      en: `Getting a fresh invitation link for ${LEE} (request **${id}**); it will appear here in a moment.`,
      es: `Estoy generando un nuevo enlace de invitación para ${LEE} (solicitud **${id}**); aparecerá aquí en un momento.`,
    }),
    after: async (bot, _rows, ids) => assert.deepEqual(await asked(bot, ids.lee), ['freshLinkAsked']),
  },
  {
    name: 'an address that is no guest of the request',
    states: INVITED_ACCEPTED_INVITED,
    who: 'requester',
    typed: ({ id }) => ({ en: `email ${id} sam@fabrikam.com`, es: `correo ${id} sam@fabrikam.com` }),
    reply: ({ id }) => ({
      en: `sam@fabrikam.com isn't a guest of request **${id}**, which is for ${KIM} (invited, not accepted yet), ${JO} (accepted), ${LEE} (invited, not accepted yet). Say which one: type **email ${id} ${KIM}**, or press the button with their address.\n[${KIM}]\n[${LEE}]`,
      es: `sam@fabrikam.com no es una persona invitada de la solicitud **${id}**, que es para ${KIM} (invitada, aún no ha aceptado), ${JO} (aceptada), ${LEE} (invitada, aún no ha aceptado). Di cuál: escribe **correo ${id} ${KIM}**, o pulsa el botón con su dirección.\n[${KIM}]\n[${LEE}]`,
    }),
    buttons: ({ id }) => ({ en: [`email ${id} ${KIM}`, `email ${id} ${LEE}`], es: [`correo ${id} ${KIM}`, `correo ${id} ${LEE}`] }),
  },
  {
    name: 'Microsoft’s email for the guest named',
    states: INVITED_ACCEPTED_INVITED,
    who: 'sponsor',
    typed: ({ id }) => ({ en: `email ${id} ${KIM}`, es: `correo ${id} ${KIM}` }),
    reply: ({ id }) => ({
      en: `Asking Microsoft to email the invitation to ${KIM} (request **${id}**); I'll confirm here in a moment.`,
      es: `Estoy pidiendo a Microsoft que envíe la invitación por correo a ${KIM} (solicitud **${id}**); te lo confirmo aquí en un momento.`,
    }),
    after: async (bot, _rows, ids) => assert.deepEqual(await asked(bot, ids.kim), ['invitationEmailAsked']),
  },
  {
    name: 'nobody else hears of the request, nor of its guests',
    states: INVITED_ACCEPTED_INVITED,
    who: 'stranger',
    typed: ({ id }) => ({ en: `link ${id}`, es: `enlace ${id}` }),
    reply: ({ id }) => ({
      en: `I can't find a request **${id}** of yours, or one you sponsor. Check the id in my messages (it looks like GA-7K3QZP).`,
      es: `No encuentro ninguna solicitud **${id}** tuya ni de la que seas patrocinador. Revisa el identificador en mis mensajes (es como GA-7K3QZP).`,
    }),
  },
  {
    name: 'extending without an address: every guest with access has a button',
    states: ['invited', 'accepted', 'ended'],
    who: 'sponsor',
    typed: ({ id }) => ({ en: `extend ${id}`, es: `prolongar ${id}` }),
    reply: ({ id }) => ({
      en: `Request **${id}** is for 3 guests: ${KIM} (invited, not accepted yet), ${JO} (accepted), ${LEE} (access ended). Say which one: type **extend ${id} ${KIM}**, or press the button with their address.\n[${KIM}]\n[${JO}]`,
      es: `La solicitud **${id}** es para 3 personas invitadas: ${KIM} (invitada, aún no ha aceptado), ${JO} (aceptada), ${LEE} (acceso terminado). Di cuál: escribe **prolongar ${id} ${KIM}**, o pulsa el botón con su dirección.\n[${KIM}]\n[${JO}]`,
    }),
    buttons: ({ id }) => ({ en: [`extend ${id} ${KIM}`, `extend ${id} ${JO}`], es: [`prolongar ${id} ${KIM}`, `prolongar ${id} ${JO}`] }),
  },
  {
    name: 'extending the guest named: the offer to extend for their access',
    states: INVITED_ACCEPTED_INVITED,
    who: 'sponsor',
    typed: ({ id }) => ({ en: `extend ${id} ${JO}`, es: `prolongar ${id} ${JO}` }),
    reply: () => ({ en: new RegExp(JO.replace('.', '\\.')), es: new RegExp(JO.replace('.', '\\.')) }),
    after: async (bot, rows, ids) => {
      assert.deepEqual(await asked(bot, ids.jo), ['extensionOffered']);
      assert.deepEqual([await asked(bot, ids.kim), await asked(bot, ids.lee)], [[], []]);
      // The offer's card carries the guest's row id, and its answer extends that guest alone.
      const { body } = await bot.teams.click(users.megan, bot.teams.conversationOf(users.megan), 'extend', { requestId: ids.jo, offeredFor: rows[1].endsAt });
      assert.equal(body.statusCode, 200);
      const after = await bot.requests.guestsOfRequest(ids.id);
      assert.ok(Date.parse(after[1].endsAt ?? '') > Date.parse(rows[1].endsAt ?? ''), 'jo’s access extended');
      assert.deepEqual([after[0].endsAt, after[2].endsAt], [rows[0].endsAt, rows[2].endsAt]);
    },
  },
  {
    name: 'a reset for the guest named, after confirming',
    states: INVITED_ACCEPTED_INVITED,
    who: 'sponsor',
    typed: ({ id }) => ({ en: `reset ${id} ${JO}`, es: `restablecer ${id} ${JO}` }),
    then: { en: 'yes', es: 'sí' },
    reply: ({ id }) => ({
      en: new RegExp(`^Reset the redemption of ${JO} \\(request \\*\\*${id}\\*\\*\\)\\?`),
      es: new RegExp(`^¿Restablecer el canje de ${JO} \\(solicitud \\*\\*${id}\\*\\*\\)\\?`),
    }),
    after: async (bot, _rows, ids) => {
      assert.deepEqual(await asked(bot, ids.jo), ['redemptionResetAsked']);
      assert.deepEqual([await asked(bot, ids.kim), await asked(bot, ids.lee)], [[], []]);
    },
  },
  {
    name: 'ending the access of the guest named only',
    states: INVITED_ACCEPTED_INVITED,
    who: 'sponsor',
    typed: ({ id }) => ({ en: `end ${id} ${LEE}`, es: `terminar ${id} ${LEE}` }),
    then: { en: 'yes', es: 'sí' },
    reply: ({ id }) => ({
      en: new RegExp(`^End the access of ${LEE} \\(request \\*\\*${id}\\*\\*\\) now\\?`),
      es: new RegExp(`^¿Termino ahora el acceso de ${LEE} \\(solicitud \\*\\*${id}\\*\\*\\)\\?`),
    }),
    after: async (bot, _rows, ids) => {
      assert.deepEqual(await asked(bot, ids.lee), ['endAccessAsked']);
      assert.deepEqual([await asked(bot, ids.kim), await asked(bot, ids.jo)], [[], []]);
    },
  },
  {
    name: 'ending every guest with access when none is named, after confirming',
    states: ['invited', 'accepted', 'ended'],
    who: 'sponsor',
    typed: ({ id }) => ({ en: `end ${id}`, es: `terminar acceso ${id}` }),
    then: { en: 'yes', es: 'sí' },
    reply: ({ id }) => ({
      en: `End the access of every guest of request **${id}** who has it now (${KIM} and ${JO})? I'll remove them from what the request gave them, and tell Adele Vance. This can't be undone: more access would need a new request. To end one guest's access only, reply **no** and type **end ${id} ${KIM}**.\n[Yes]\n[No]`,
      es: `¿Termino ahora el acceso de todas las personas invitadas de la solicitud **${id}** que lo tienen (${KIM} y ${JO})? Les quitaré lo que les dio la solicitud y se lo diré a Diego Siciliani. No se puede deshacer: para más acceso haría falta una nueva solicitud. Para terminar el de una sola, responde **no** y escribe **terminar ${id} ${KIM}**.\n[Sí]\n[No]`,
    }),
    after: async (bot, _rows, ids) => {
      assert.deepEqual([await asked(bot, ids.kim), await asked(bot, ids.jo), await asked(bot, ids.lee)], [['endAccessAsked'], ['endAccessAsked'], []]);
    },
  },
  {
    name: 'only the sponsor ends a request’s access',
    states: INVITED_ACCEPTED_INVITED,
    who: 'requester',
    typed: ({ id }) => ({ en: `end ${id}`, es: `terminar ${id}` }),
    reply: ({ id }) => ({
      en: `Only the sponsor of request **${id}**, Megan Bowen, can end the access of ${KIM}, ${JO}, and ${LEE} early. If it should end, ask Megan Bowen.`,
      es: `Solo el patrocinador de la solicitud **${id}**, Megan Bowen, puede terminar antes el acceso de ${KIM}, ${JO} y ${LEE}. Si debe terminar, pídeselo a Megan Bowen.`,
    }),
  },
  {
    name: 'cancelling a request cancels it for every guest',
    states: ['pending_approval', 'pending_approval', 'pending_approval'],
    who: 'requester',
    typed: ({ id }) => ({ en: `cancel ${id}`, es: `cancelar ${id}` }),
    reply: ({ id }) => ({
      en: `Request **${id}** for ${KIM}, ${JO}, and ${LEE} is cancelled. Megan Bowen's card now says so, and it can no longer be approved.`,
      es: `La solicitud **${id}** para ${KIM}, ${JO} y ${LEE} está cancelada. La tarjeta de Megan Bowen ya lo indica y ya no se puede aprobar.`,
    }),
    after: async (bot, rows) => {
      const now = await bot.requests.guestsOfRequest(rows[0].id);
      assert.deepEqual(
        now.map((row) => row.state),
        ['cancelled', 'cancelled', 'cancelled'],
      );
    },
  },
  {
    name: 'cancelling one guest of several is not a thing: it says so and cancels nothing',
    states: ['pending_approval', 'pending_approval', 'pending_approval'],
    who: 'requester',
    typed: ({ id }) => ({ en: `cancel ${id} ${JO}`, es: `cancelar ${id} ${JO}` }),
    reply: ({ id }) => ({
      en: new RegExp(
        `^Request \\*\\*${id}\\*\\* is for 3 guests \\(.*\\), decided together: I can cancel it for all of them, not for one\\. Type \\*\\*cancel ${id}\\*\\*`,
      ),
      es: new RegExp(
        `^La solicitud \\*\\*${id}\\*\\* es para 3 personas invitadas \\(.*\\), que se deciden juntas: puedo cancelarla para todas, no para una\\. Escribe \\*\\*cancelar ${id}\\*\\*`,
      ),
    }),
    after: async (bot, rows) => {
      const now = await bot.requests.guestsOfRequest(rows[0].id);
      assert.deepEqual(
        now.map((row) => row.state),
        ['pending_approval', 'pending_approval', 'pending_approval'],
      );
      // Nothing left waiting on Megan for the cases after this one.
      await bot.requests.transition({ id: rows[0].id, from: 'pending_approval', to: 'cancelled', actor: { kind: 'system' } });
    },
  },
  {
    name: 'filing an expired request again files every guest of it',
    states: ['expired', 'expired', 'expired'],
    who: 'requester',
    typed: ({ id }) => ({ en: `request again ${id}`, es: `solicitar de nuevo ${id}` }),
    reply: () => ({
      en: /^Filed again as \*\*GA-\w{6}\*\*: I've sent it to Megan Bowen for approval/,
      es: /^Presentada de nuevo como \*\*GA-\w{6}\*\*: se la he enviado a Megan Bowen/,
    }),
    after: async (bot, rows) => {
      const filed = await newestRequestOf(bot, rows[0]);
      assert.deepEqual(
        filed.map((row) => [row.guestEmail, row.state]),
        [KIM, JO, LEE].map((guest) => [guest, 'pending_approval']),
      );
    },
  },
  {
    name: 'filing again the one guest whose invitation was withdrawn',
    states: ['accepted', 'withdrawn', 'invited'],
    who: 'requester',
    typed: ({ id }) => ({ en: `request again ${id} ${JO}`, es: `solicitar de nuevo ${id} ${JO}` }),
    reply: () => ({ en: /^Filed again as \*\*GA-\w{6}\*\*/, es: /^Presentada de nuevo como \*\*GA-\w{6}\*\*/ }),
    after: async (bot, rows) => {
      const filed = await newestRequestOf(bot, rows[0]);
      assert.deepEqual(
        filed.map((row) => row.guestEmail),
        [JO],
      );
    },
  },
  {
    name: 'filing again a request none of whose guests came to nothing',
    states: ['accepted', 'invited', 'ended'],
    who: 'requester',
    typed: ({ id }) => ({ en: `request again ${id}`, es: `solicitar de nuevo ${id}` }),
    reply: ({ id }) => ({
      en: `No guest of request **${id}** can be filed again: ${KIM} (accepted), ${JO} (invited, not accepted yet), ${LEE} (access ended). Only a guest whose request expired or was cancelled, or whose invitation was withdrawn, can be.`,
      es: `Ninguna persona invitada de la solicitud **${id}** se puede volver a presentar: ${KIM} (aceptada), ${JO} (invitada, aún no ha aceptado), ${LEE} (acceso terminado). Solo se puede con una cuya solicitud caducó o se canceló, o cuya invitación se retiró.`,
    }),
  },
  {
    name: 'a request for one guest: a link needs no address, as before',
    states: ['invited'],
    who: 'requester',
    typed: ({ id }) => ({ en: `link ${id}`, es: `enlace ${id}` }),
    reply: ({ id }) => ({
      en: `Getting a fresh invitation link for partner@fabrikam.com (request **${id}**); it will appear here in a moment.`,
      es: `Estoy generando un nuevo enlace de invitación para partner@fabrikam.com (solicitud **${id}**); aparecerá aquí en un momento.`,
    }),
    after: async (bot, _rows, ids) => assert.deepEqual(await asked(bot, ids.id), ['freshLinkAsked']),
  },
  {
    name: 'a request for one guest: end asks about that guest, as before',
    states: ['accepted'],
    who: 'sponsor',
    typed: ({ id }) => ({ en: `end ${id}`, es: `terminar ${id}` }),
    then: { en: 'no', es: 'no' },
    reply: ({ id }) => ({
      en: new RegExp(`^End the access of partner@fabrikam\\.com \\(request \\*\\*${id}\\*\\*\\) now\\?`),
      es: new RegExp(`^¿Termino ahora el acceso de partner@fabrikam\\.com \\(solicitud \\*\\*${id}\\*\\*\\)\\?`),
    }),
  },
];

/** The request the requester filed last, as its guests. */
async function newestRequestOf(bot: TestBotSession, old: AccessRequest): Promise<AccessRequest[]> {
  const [newest] = (await bot.requests.requestsFiledBy(old.requester.id, 1)).requests;
  assert.notEqual(newest[0].requestId, old.requestId, 'a new request');
  return newest;
}

/** Someone in the tenant who is nobody to the requests, in each language. */
const STRANGERS = {
  en: { id: '29:nestor', aadObjectId: 'a1b2c3d4-0009-4000-8000-000000000009', name: 'Nestor Wilke', locale: 'en-US' },
  es: { id: '29:lidia', aadObjectId: 'a1b2c3d4-0010-4000-8000-000000000010', name: 'Lidia Holloway', locale: 'es-ES' },
};

const LANGUAGES = [
  { language: 'en' as const, requester: users.adele, stranger: STRANGERS.en },
  { language: 'es' as const, requester: users.diego, stranger: STRANGERS.es },
];

/** A bot for a describe block, everyone in it with the app and greeted: what follows in their chats is answers. */
function botForAll(): TestBotSession {
  const bot = withTestBot({ MAX_OPEN_REQUESTS: '100' }, { start: 'before' });
  before(async () => {
    for (const person of [users.adele, users.megan, users.diego, STRANGERS.en, STRANGERS.es]) await bot.teams.install(person);
  });
  return bot;
}

describe('the commands on a request for several guests', function () {
  this.timeout(60_000);
  const bot = botForAll();

  for (const { language, requester, stranger } of LANGUAGES) {
    describe(language === 'en' ? 'in English' : 'in Spanish', () => {
      for (const example of CASES) {
        it(example.name, async () => {
          const rows = await requestFor(bot, requester, example.states);
          const ids: Ids = { id: rows[0].requestId, kim: rows[0].id, jo: rows[1]?.id ?? '', lee: rows[2]?.id ?? '' };
          const person = example.who === 'requester' ? requester : example.who === 'sponsor' ? users.megan : stranger;
          const chat = bot.teams.conversationOf(person);
          const before = bot.channel.messagesTo(chat).length;
          await bot.teams.say(person, example.typed(ids)[language]);
          const reply = bot.channel.messagesTo(chat)[before] as Partial<Activity>;
          const expected = example.reply(ids)[language];
          if (typeof expected === 'string') assert.equal(visibleText(reply), expected);
          else assert.match(visibleText(reply), expected);
          if (example.buttons) assert.deepEqual(buttonCommands(reply), example.buttons(ids)[language]);
          if (example.then) await bot.teams.say(person, example.then[language]);
          await example.after?.(bot, rows, ids);
        });
      }
    });
  }
});

describe('the lists, with a request for several guests', function () {
  this.timeout(60_000);
  const bot = botForAll();
  const lastTo = (person: Person) => bot.channel.messagesTo(bot.teams.conversationOf(person)).at(-1) as Partial<Activity>;

  for (const { language, requester } of LANGUAGES) {
    const words =
      language === 'en'
        ? { status: 'status', pending: 'pending', guests: 'guests', link: 'link', extend: 'extend', end: 'end', heading: '3 guests' }
        : {
            status: 'estado',
            pending: 'pendientes',
            guests: 'invitados',
            link: 'enlace',
            extend: 'prolongar',
            end: 'terminar',
            heading: '3 personas invitadas',
          };

    it(`status shows the request once, each guest under it with their state and buttons (${language})`, async () => {
      const rows = await requestFor(bot, requester, INVITED_ACCEPTED_INVITED);
      const one = await requestFor(bot, requester, ['invited']);
      const { requestId: id } = rows[0];
      await bot.teams.say(requester, words.status);
      const card = lastTo(requester);
      assert.ok(visibleText(card).includes(`${one[0].requestId} · partner@fabrikam.com`), 'a one-guest request as before');
      // The request's own entry on the card, its guests under it.
      const entries = (card.attachments?.[0].content as { body: Array<{ items?: Array<{ text?: string }> }> }).body;
      const entry = entries.find((element) => element.items?.[0]?.text === `${id} · ${words.heading}`);
      assert.ok(entry, visibleText(card));
      const text = visibleText({ attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { body: [entry] } }] });
      for (const guest of [KIM, JO, LEE]) assert.equal(text.split(guest).length - 1, 1, `${guest} once: ${text}`);
      const commands = buttonCommands(card);
      assert.deepEqual(
        commands.filter((command) => command.includes(id)).filter((command) => command.startsWith(`${words.link} `)),
        [`${words.link} ${id} ${KIM}`, `${words.link} ${id} ${LEE}`],
      );
      assert.ok(commands.includes(`${words.link} ${one[0].requestId}`), 'a one-guest request’s button names no address');
    });

    it(`pending lists a request for several guests once (${language})`, async () => {
      // Nothing else waits on Megan (the requests filed again above would).
      for (const waiting of (await bot.requests.requestsAwaitingDecisionBy(users.megan.aadObjectId, 100)).requests) {
        await bot.requests.transition({ id: waiting.id, from: 'pending_approval', to: 'cancelled', actor: { kind: 'system' } });
      }
      const rows = await requestFor(bot, requester, ['pending_approval', 'pending_approval', 'pending_approval']);
      const chat = bot.teams.conversationOf(users.megan);
      const before = bot.channel.messagesTo(chat).length;
      await bot.teams.say(users.megan, words.pending);
      const [reply, ...more] = bot.channel.messagesTo(chat).slice(before);
      assert.equal(reply.text, language === 'en' ? 'One request is waiting for your decision:' : 'Hay una solicitud esperando tu decisión:');
      assert.equal(reply.attachments?.length, 1, 'one approval card for the request');
      assert.ok(JSON.stringify(reply.attachments?.[0].content).includes(rows[0].requestId));
      assert.deepEqual(more, []);
      await bot.requests.transition({ id: rows[0].id, from: 'pending_approval', to: 'cancelled', actor: { kind: 'system' } });
    });

    it(`guests names each guest of several by address in its buttons (${language})`, async () => {
      const rows = await requestFor(bot, requester, INVITED_ACCEPTED_INVITED);
      const { requestId: id } = rows[0];
      const pages: string[] = [];
      // The sponsor's guests may fill more than a page: read them all.
      for (let page = 1; page <= 20; page++) {
        await bot.teams.say(users.megan, `${words.guests} ${page}`);
        const commands = buttonCommands(lastTo(users.megan));
        pages.push(...commands);
        if (!commands.some((command) => command === `${words.guests} ${page + 1}`)) break;
      }
      const ours = pages.filter((command) => command.includes(id));
      for (const guest of [KIM, JO, LEE]) {
        assert.ok(ours.includes(`${words.extend} ${id} ${guest}`), `${guest}: ${ours.join(' | ')}`);
        assert.ok(ours.includes(`${words.end} ${id} ${guest}`));
      }
      assert.ok(
        ours.every((command) => command.includes(`${id} `)),
        'every button names the guest',
      );
    });
  }
});
