/**
 * The journey after the link as the Bot Framework Emulator drives it: channel `emulator`, no
 * Entra identity (so the simulated directory's default user, Adele), no tenant, no way to open a
 * chat with the sponsor (so the approval card is a local test in Adele's chat), and Spanish, as
 * the Emulator's locale setting sends it. Request → approve → link → the guest accepts on the
 * simulator's pages → told in chat → `estado` and `pendientes` → the sponsor's reset from the card.
 */
import assert from 'node:assert/strict';
import { EmulatorChat, emulatorUser } from '../support/emulatorUser';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { redemptionChecksDue } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

describe('the journey after the link, in the Bot Framework Emulator', function () {
  this.timeout(30_000);
  const bot = withTestBot({}, { start: 'before' });
  before(() => {
    // The Emulator cannot open a conversation with another user.
    bot.channel.createConversationStatus = 501;
  });

  const emulator = new EmulatorChat(bot, 'emulator-conversation-1', emulatorUser('es-ES'));
  const chat = emulator.id;
  const say = (text: string) => emulator.say(text);
  const click = (verb: string, data: Record<string, unknown>) => emulator.click(verb, data);
  const texts = () => bot.channel.messagesTo(chat).map(visibleText);
  const waitForText = (start: string, count = 1) =>
    bot.channel.waitFor(
      () => texts().filter((text) => text.startsWith(start)).length >= count && texts().find((text) => text.startsWith(start)),
      start,
      15_000,
    );

  it('takes Adele from a request to her partner accepted, then lets her, as the local-test sponsor, reset it', async () => {
    await emulator.join();
    for (const answer of ['solicitar', 'kim.lee@fabrikam.com', '1', '60', 'Diseña con nosotros el lanzamiento de Falcon', 'ok', 'sí']) await say(answer);
    const sent = await waitForText('Enviada. La solicitud');
    const id = /GA-\w{6}/.exec(sent)?.[0] as string;

    const card = await bot.channel.waitFor(
      () => bot.channel.messagesTo(chat).find((m) => JSON.stringify(m.attachments ?? []).includes('"verb":"approve"')),
      'the local-test card',
    );
    assert.match(JSON.stringify(card.attachments), /Prueba local/);
    // Readable (a warning container, not pale text), and the comment box is not "for" the person deciding.
    assert.match(JSON.stringify(card.attachments), /"type":"Container","style":"warning","items":\[\{"type":"TextBlock","text":"Prueba local/);
    assert.match(JSON.stringify(card.attachments), /"label":"Comentario para quien la pidió \(opcional\)"/);
    assert.equal((await click('approve', { requestId: id })).status, 200);

    const link = await waitForText(`Megan Bowen aprobó la solicitud **${id}**: kim.lee@fabrikam.com está invitado`);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(link)?.[1] as string;
    assert.match(
      link,
      /En un inquilino real Microsoft también habría enviado la invitación por correo a kim\.lee@fabrikam\.com/,
      'no email claimed in a local session',
    );
    const page = await redeemInBrowser(url, { 'accept-language': 'es-ES' });
    assert.match(await page.text(), /Todo listo/);
    await redemptionChecksDue(bot);
    await bot.app.redemptionWatcher.checkDue();
    await waitForText(`kim.lee@fabrikam.com ha aceptado la invitación de la solicitud **${id}**`);

    await say('estado');
    assert.match(JSON.stringify(bot.channel.messagesTo(chat).at(-1)?.attachments), /La persona invitada aceptó y ya tiene acceso/);
    await say('pendientes');
    assert.equal(texts().at(-1), 'No hay nada pendiente de tu aprobación.');

    // The card's Reset redemption button, then the confirmation.
    const reset = await click('command', { command: `restablecer ${id}` });
    assert.equal(reset.status, 200);
    assert.match(texts().at(-1) ?? '', /^¿Restablecer el canje de kim\.lee@fabrikam\.com/);
    await say('sí');
    const fresh = await waitForText('Megan Bowen restableció el canje de kim.lee@fabrikam.com');
    assert.notEqual(/(http:\/\/127\.0\.0\.1:\d+\/simulator\/redeem\/[\w-]+)/.exec(fresh)?.[1], url);
    assert.equal((await fetch(url)).status, 410, 'the old link no longer works');
  });
});
