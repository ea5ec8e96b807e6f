import assert from 'node:assert/strict';
import { resolveAppIds } from '../../src/packager/appIds';
import { OperatorError } from '../../src/operatorError';

const BOT = '11111111-2222-4333-8444-555555555555';
const APP = '66666666-7777-4888-9999-aaaaaaaaaaaa';

describe('app ids for the manifest placeholders', () => {
  for (const [label, value] of [
    ['a missing', undefined],
    ['an empty', ''],
    ['a blank', '  '],
  ] as const) {
    it(`refuses ${label} MicrosoftAppId, naming the setting and where to set it`, () => {
      assert.throws(
        () => resolveAppIds({ MicrosoftAppId: value }),
        (error: unknown) => error instanceof OperatorError && /MicrosoftAppId/.test(error.message) && /\.env/.test(error.message),
      );
    });
  }

  it('refuses a MicrosoftAppId that is not a GUID, quoting it', () => {
    assert.throws(() => resolveAppIds({ MicrosoftAppId: 'guest-access-bot' }), /MicrosoftAppId.*"guest-access-bot" is not a GUID/);
  });

  it('uses MicrosoftAppId as the Teams app id unless TEAMS_APP_ID is set', () => {
    assert.deepEqual(resolveAppIds({ MicrosoftAppId: BOT }), { botId: BOT, teamsAppId: BOT });
    assert.deepEqual(resolveAppIds({ MicrosoftAppId: BOT, TEAMS_APP_ID: '' }), { botId: BOT, teamsAppId: BOT });
    assert.deepEqual(resolveAppIds({ MicrosoftAppId: BOT, TEAMS_APP_ID: APP }), { botId: BOT, teamsAppId: APP });
  });

  it('refuses a TEAMS_APP_ID that is not a GUID, naming the setting', () => {
    assert.throws(() => resolveAppIds({ MicrosoftAppId: BOT, TEAMS_APP_ID: 'x' }), /TEAMS_APP_ID must be a GUID/);
  });
});
