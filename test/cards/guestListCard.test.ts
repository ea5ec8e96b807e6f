/**
 * The `guests` card: the last sign-in when the bot knows it (an Entra ID P1 tenant's
 * `signInActivity`, read by the inactive-guest check), nothing in its place when it does not; the
 * guest's directory name beside the address; the buttons by who is looking.
 */
import assert from 'node:assert/strict';
import type { Activity } from 'botbuilder';
import { guestListCardAttachment } from '../../cards/guestListCard';
import { loadConfig } from '../../src/config';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { buttonCommands, visibleText } from '../support/visibleText';
import { requestDraft } from '../support/requestDraft';

const now = new Date('2030-01-01T12:00:00Z');
const base: AccessRequest = {
  ...requestDraft({ guestEmail: 'jordan@fabrikam.com' }),
  id: 'GA-AAAAAA',
  requestId: 'GA-AAAAAA',
  guestNumber: 1,
  state: 'accepted',
  version: 1,
  endsAt: '2030-03-01T00:00:00Z',
  createdAt: '2029-12-01T00:00:00Z',
  updatedAt: '2029-12-01T00:00:00Z',
};

function shown(request: AccessRequest, viewerActsAsSponsor: boolean, locale = 'en-US'): Partial<Activity> {
  const { catalog } = loadConfig({});
  return {
    attachments: [
      guestListCardAttachment({ guests: [{ request, viewerActsAsSponsor, severalGuests: false }], page: 1, pages: 1, from: 1, total: 1, catalog, locale, now }),
    ],
  };
}

describe('the guests card', () => {
  it('shows the last sign-in when it is known, and no line for it when not', () => {
    assert.match(visibleText(shown({ ...base, lastSignInAt: '2029-12-24T09:00:00Z' }, true)), /Last sign-in: 24 Dec 2029/);
    assert.match(visibleText(shown({ ...base, lastSignInAt: '2029-12-24T09:00:00Z' }, true, 'es-ES')), /Último inicio de sesión: 24 dic 2029/);
    assert.doesNotMatch(visibleText(shown(base, true)), /Last sign-in/);
  });

  it('names the guest as the directory does, beside the address', () => {
    const text = visibleText(shown({ ...base, existingGuest: { displayName: 'Jordan Reyes', state: 'Accepted' } }, true));
    assert.match(text, /^Jordan Reyes \(jordan@fabrikam\.com\)$/m);
  });

  it('offers the sponsor extending and ending, and anyone a new link only while the guest has not accepted', () => {
    assert.deepEqual(buttonCommands(shown(base, true)), ['extend GA-AAAAAA', 'end GA-AAAAAA']);
    assert.deepEqual(buttonCommands(shown({ ...base, state: 'invited' }, false)), ['link GA-AAAAAA']);
    assert.deepEqual(buttonCommands(shown({ ...base, state: 'approved' }, true)), []);
  });
});
