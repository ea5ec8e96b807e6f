/**
 * The message extension over HTTP, as Teams sends its invokes: **Request guest access** on a
 * message opens a form filled in from the message; a form with problems comes back as typed, each
 * problem beside its input; a good one is confirmed in the employee's 1:1 chat with the bot, where
 * **Yes** files it as typing `request` would. In English and Spanish.
 */
import assert from 'node:assert/strict';
import { fetchTask, formOf, messageFrom } from '../support/messageExtension';
import { users } from '../support/testBot';
import { withTestBot } from '../support/testBotSession';

const megan = { id: users.megan.aadObjectId as string, displayName: 'Megan Bowen' };

describe('request guest access from a message', function () {
  this.timeout(30_000);
  const bot = withTestBot();

  it('opens a form filled in from the message: its partners’ addresses, not colleagues’, and the manager as sponsor', async () => {
    const message = messageFrom(
      megan,
      '<p>Could you invite <a href="mailto:kim.lee@fabrikam.com">kim.lee@fabrikam.com</a> and &quot;Ana Ruiz&quot; &lt;ana.ruiz@fabrikam.com&gt;?</p><p>Thanks, megan.bowen@contoso.com</p>',
    );
    const answer = await fetchTask(bot.teams, users.adele, { messagePayload: message });
    assert.equal(answer.status, 200);
    const form = formOf(answer.body);
    assert.equal(form.title, 'Request guest access');
    assert.equal(form.inputs.guests.value, 'kim.lee@fabrikam.com\nana.ruiz@fabrikam.com');
    assert.equal(form.inputs.sponsor.value, 'megan.bowen@contoso.com');
    assert.deepEqual(form.choices, {
      'falcon-team': 'Project Falcon team (team)',
      'partner-extranet': 'Partner extranet site (SharePoint site)',
      'spring-campaign': 'Spring campaign 2027 (group)',
      'expenses-app': 'Contoso Expenses (app)',
    });
    assert.equal(form.searchDataset, undefined, 'four resources fit the card');
    assert.deepEqual(form.problems, {});
    assert.equal(form.submit, 'Continue');
  });
});
