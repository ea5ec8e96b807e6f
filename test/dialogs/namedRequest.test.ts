/** How a command that names a request is read, for every way of typing it in both languages. */
import assert from 'node:assert/strict';
import { commandNamingRequest, guestAddressIn, requestIdIn } from '../../dialogs/namedRequest';
import en from '../../src/i18n/en.json';
import es from '../../src/i18n/es.json';

const NAMING_A_REQUEST = ['cancel', 'link', 'email', 'reset', 'end'] as const;
const ID = 'GA-7K3QZP';

describe('a command that names a request', () => {
  for (const [language, words] of [
    ['English', en.commands],
    ['Spanish', es.commands],
  ] as const) {
    for (const name of NAMING_A_REQUEST) {
      for (const typed of words[name]) {
        it(`reads “${typed} ${ID.toLowerCase()}” (${language}) as ${name}`, () => {
          const text = `${typed} ${ID.toLowerCase()}`;
          assert.equal(requestIdIn(text), ID);
          assert.equal(commandNamingRequest(text, ID, [...NAMING_A_REQUEST, 'request']), name);
        });
      }
    }
  }

  it('reads “request again” and “solicitar de nuevo” as filing that request again', () => {
    for (const typed of ['request again', 'Solicitar de nuevo']) assert.equal(commandNamingRequest(`${typed} ${ID}`, ID, ['request', 'cancel']), 'request');
  });

  it('finds no command in words that are none, and no id past the first few words', () => {
    assert.equal(commandNamingRequest(`show me ${ID}`, ID, [...NAMING_A_REQUEST, 'request']), undefined);
    assert.equal(requestIdIn(`cancel ${'please '.repeat(10)}${ID}`), undefined);
  });

  it('reads a guest of a request for several: their row id, or the address after the id', () => {
    assert.equal(requestIdIn(`link ${ID.toLowerCase()}-2`), `${ID}-2`);
    assert.equal(commandNamingRequest(`new link ${ID}-12`, requestIdIn(`new link ${ID}-12`) ?? '', ['link', 'end']), 'link');
    for (const notARow of [`${ID}-1`, `${ID}-0`, `${ID}-02`, `${ID}-100`, `${ID}-`]) assert.equal(requestIdIn(`link ${notARow}`), undefined, notARow);
    assert.equal(guestAddressIn(`link ${ID} Kim@Fabrikam.com`, ID), 'kim@fabrikam.com');
    assert.equal(guestAddressIn(`terminar acceso ${ID.toLowerCase()} <lee@fabrikam.com>`, ID), 'lee@fabrikam.com');
    assert.equal(guestAddressIn(`link ${ID}`, ID), undefined);
    assert.equal(guestAddressIn(`link ${ID} please`, ID), undefined);
  });
});
