/**
 * Hostile or broken input over HTTP never takes the bot down, and a failed turn is explained
 * to the user in their language.
 */
import assert from 'node:assert/strict';
import { FakeTeamsChannel } from './support/fakeTeamsChannel';
import { users } from './support/testBot';
import { withTestBot } from './support/testBotSession';

describe('server', function () {
  const bot = withTestBot();

  const healthy = async () => assert.equal((await fetch(`${bot.app.url}/healthz`)).status, 200);

  it('answers the health check', async () => {
    const response = await fetch(`${bot.app.url}/healthz`);
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  it('answers malformed JSON with 400 and keeps serving', async () => {
    const response = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", "text": ',
    });
    assert.equal(response.status, 400);
    await healthy();
  });

  it('answers a body that is no activity with 400', async () => {
    const response = await fetch(`${bot.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1, 2]' });
    assert.equal(response.status, 400);
    await healthy();
  });

  it('ignores activity types it does not know', async () => {
    const response = await bot.teams.post(users.adele, { type: 'somethingNew', value: { x: 1 } });
    assert.ok(response.status < 300, `status ${response.status}`);
    assert.equal(bot.channel.sent.length, 0);
    await healthy();
  });

  it('refuses a card invoke that is not Action.Execute without failing', async () => {
    const response = await bot.teams.post(users.megan, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Submit' } } });
    assert.equal(response.status, 400);
    await healthy();
  });

  it('tells the user plainly when a turn fails, logs a reference, and starts afresh', async () => {
    await bot.teams.say(users.diego, 'solicitar');
    // Corrupt the conversation's stored dialog state, as a bad deploy or a bug might.
    await bot.app.database.db.updateTable('dialog_state').set({ data: '{not json' }).execute();
    await bot.teams.say(users.diego, 'socio@fabrikam.com');
    const conversation = bot.teams.conversationOf(users.diego);
    const apology = bot.channel.messagesTo(conversation).at(-1)?.text ?? '';
    assert.match(apology, /^Perdona, algo ha fallado por mi parte/);
    assert.match(apology, /indica la referencia [0-9a-f]{8}\./);
    await bot.teams.say(users.diego, 'solicitar');
    assert.match(bot.channel.messagesTo(conversation).at(-1)?.text ?? '', /dirección de correo del socio/, 'the next request works');
  });

  it('keeps the dialog where it was when the directory is briefly down', async () => {
    await bot.teams.say(users.adele, 'request');
    bot.app.simulator?.injectFault({ method: 'GET', path: /^\/users$/, status: 500, times: 1 });
    await bot.teams.say(users.adele, 'partner@fabrikam.com');
    const conversation = bot.teams.conversationOf(users.adele);
    assert.equal(
      bot.channel.messagesTo(conversation).at(-1)?.text,
      "I couldn't reach the directory just now, so I couldn't check that. Please send your answer again in a minute.",
    );
    await bot.teams.say(users.adele, 'partner@fabrikam.com');
    assert.match(bot.channel.messagesTo(conversation).at(-1)?.text ?? '', /^Which resources does partner@fabrikam\.com need\?/);
  });

  it('greets once per conversation, in the user’s language, when installed', async () => {
    await bot.teams.install(users.diego);
    await bot.teams.install(users.diego);
    const greetings = bot.channel.messagesTo(bot.teams.conversationOf(users.diego));
    assert.equal(greetings.length, 1);
    assert.match(greetings[0].text ?? '', /^¡Hola, Diego! Soy el bot de Acceso de invitados\./);
  });

  it('keeps the conversation reference current when Teams moves the conversation to another serviceUrl', async () => {
    await bot.teams.install(users.adele);
    const conversationId = bot.teams.conversationOf(users.adele);
    const moved = new FakeTeamsChannel();
    await moved.start();
    try {
      await bot.teams.post(users.adele, { type: 'message', text: 'help', serviceUrl: moved.url });
      assert.match(moved.messagesTo(conversationId)[0]?.text ?? '', /^Here's what I can do/);
      const stored = await bot.app.database.db
        .selectFrom('conversation_references')
        .select('reference')
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
      assert.equal((JSON.parse(stored.reference) as { serviceUrl: string }).serviceUrl, moved.url);
      assert.equal(bot.channel.messagesTo(conversationId).length, 1, 'greeted once, on install');
    } finally {
      await moved.stop();
    }
  });

  it('greets on the first message too, then answers it', async () => {
    await bot.teams.say(users.adele, 'help');
    const [greeting, help] = bot.channel.messagesTo(bot.teams.conversationOf(users.adele));
    assert.match(greeting.text ?? '', /^Hi Adele!/);
    assert.match(help.text ?? '', /^Here's what I can do/);
  });

  describe('with a limit of 5 turns a minute', () => {
    const limited = withTestBot({ MAX_TURNS_PER_MINUTE: '5' });

    it('says once, in the person’s language, to slow down, then skips their turns; others are unaffected', async () => {
      const diegoChat = limited.teams.conversationOf(users.diego);
      for (let turn = 0; turn < 5; turn++) assert.equal((await limited.teams.say(users.diego, 'ayuda')).status, 200);
      const answered = limited.channel.messagesTo(diegoChat).length;
      for (let turn = 0; turn < 3; turn++) assert.equal((await limited.teams.say(users.diego, 'ayuda')).status, 200);
      const extra = limited.channel
        .messagesTo(diegoChat)
        .slice(answered)
        .map((m) => m.text);
      assert.deepEqual(extra, [
        'Me estás enviando mensajes más rápido de lo que puedo atender, así que los dejaré pasar un momento. Espera un minuto y sigue donde lo dejaste.',
      ]);
      const click = await limited.teams.click(users.diego, diegoChat, 'approve', { requestId: 'GA-000000' });
      assert.deepEqual(click.body, {
        statusCode: 200,
        type: 'application/vnd.microsoft.activity.message',
        value: 'Me estás enviando mensajes más rápido de lo que puedo atender, así que los dejaré pasar un momento. Espera un minuto y sigue donde lo dejaste.',
      });
      await limited.teams.say(users.adele, 'help');
      assert.match(limited.channel.messagesTo(limited.teams.conversationOf(users.adele)).at(-1)?.text ?? '', /^Here's what I can do/);
    });
  });
});
