/**
 * The addresses in an answer to the address question: one, a list, or text a mail client wrote,
 * with the words and punctuation around them passed over.
 */
import assert from 'node:assert/strict';
import { addressesIn } from '../../src/requests/guestAddresses';

describe('the addresses in an answer', () => {
  const cases: Array<[string, string, string[]]> = [
    ['one address, as typed', '  Kim@Fabrikam.com ', ['kim@fabrikam.com']],
    [
      'a list, every separator',
      'kim@fabrikam.com, jo@fabrikam.com;lee@fabrikam.com\nana@fabrikam.com ben@fabrikam.com',
      ['kim@fabrikam.com', 'jo@fabrikam.com', 'lee@fabrikam.com', 'ana@fabrikam.com', 'ben@fabrikam.com'],
    ],
    [
      'as a mail client writes them',
      '"Kim Lee" <kim@fabrikam.com>; \'Jo\' <jo@fabrikam.com>, mailto:lee@fabrikam.com',
      ['kim@fabrikam.com', 'jo@fabrikam.com', 'lee@fabrikam.com'],
    ],
    ['inside a sentence, in either language', '¿Puedes invitar a kim@fabrikam.com? And jo@fabrikam.com!', ['kim@fabrikam.com', 'jo@fabrikam.com']],
    ['each once, in the order given', 'jo@fabrikam.com, KIM@fabrikam.com, jo@fabrikam.com', ['jo@fabrikam.com', 'kim@fabrikam.com']],
    ['something trying to be one is kept, for the checks to name', 'kim@, jo@fabrikam.com', ['kim@', 'jo@fabrikam.com']],
    ['no @ at all: the answer whole, to be named back as typed', 'jordan at fabrikam', ['jordan at fabrikam']],
    ['nothing', '   ', []],
  ];
  for (const [name, text, expected] of cases) {
    it(name, () => assert.deepEqual(addressesIn(text), expected));
  }
});
