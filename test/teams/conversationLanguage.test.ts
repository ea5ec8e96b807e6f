/**
 * The language of the answer, per person: the client says en-US (as the Agents Playground always
 * does), but `solicitar` gets Spanish, and the rest of the conversation stays Spanish until an
 * English command; someone whose directory preferredLanguage is Spanish gets Spanish from the start.
 */
import assert from 'node:assert/strict';
import type { TeamsUser } from '../support/fakeTeamsChannel';
import { users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';
import { visibleText } from '../support/visibleText';

describe('the language of the answer', function () {
  this.timeout(20_000);
  const bot = withTestBot();

  const lastTo = (user: TeamsUser) => visibleText(bot.channel.messagesTo(bot.teams.conversationOf(user)).at(-1));

  it('answers in the language of the command typed, keeps it for the answers after, and switches back with a command', async () => {
    const adeleInEnglishClient = { ...users.adele, locale: 'en-US' };
    await bot.teams.install(adeleInEnglishClient);
    await bot.teams.say(adeleInEnglishClient, 'solicitar');
    assert.match(lastTo(adeleInEnglishClient), /¿Cuál es la dirección de correo del socio\?/);
    await bot.teams.say(adeleInEnglishClient, 'kim.lee@fabrikam.com');
    assert.match(lastTo(adeleInEnglishClient), /¿Qué recursos necesita kim\.lee@fabrikam\.com\?/, 'an answer keeps the language');
    await bot.teams.say(adeleInEnglishClient, 'cancel');
    assert.match(lastTo(adeleInEnglishClient), /^OK, I've stopped|cancel/i);
    await bot.teams.say(adeleInEnglishClient, 'status');
    assert.match(lastTo(adeleInEnglishClient), /You haven't asked for guest access yet/);
  });

  it('uses the directory preferredLanguage when no command has chosen one, and help says how to switch', async () => {
    // Lidia's preferredLanguage in the sample directory is Spanish; her client says en-US.
    const lidia: TeamsUser = { id: '29:lidia', aadObjectId: 'a1b2c3d4-0006-4000-8000-000000000006', name: 'Lidia Holloway', locale: 'en-US' };
    await bot.teams.install(lidia);
    await bot.teams.say(lidia, 'kim.lee@fabrikam.com');
    assert.match(lastTo(lidia), /Perdona, no he entendido/);
    await bot.teams.say(lidia, 'help');
    assert.match(lastTo(lidia), /I answer in the language of the commands you type: type \*\*ayuda\*\*/);
  });
});
