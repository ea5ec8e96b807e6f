/** What people typed, as others see it: as typed, with no markdown acting and no link to click. */
import assert from 'node:assert/strict';
import { plainText } from '../../cards/plainText';

describe('text people typed, shown to others', () => {
  it('keeps markdown from turning into links, emphasis or lists', () => {
    assert.equal(plainText('[click](https://evil.example) *now*'), '\\[click\\](https\\[:\\]//evil\\[.\\]example) \\*now\\*');
    assert.equal(plainText('1. first\n- second\n# third'), '1\\. first\n\\- second\n\\# third');
  });

  it('defangs every URL, with or without a scheme, so no client makes it clickable', () => {
    const cases: [string, string][] = [
      ['https://login.evil.com/contoso?x=1', 'https\\[:\\]//login\\[.\\]evil\\[.\\]com/contoso?x=1'],
      ['sign in at evil.com/login first', 'sign in at evil\\[.\\]com/login first'],
      ['www.contoso-sso.net', 'www\\[.\\]contoso-sso\\[.\\]net'],
      ['see portal.app', 'see portal\\[.\\]app'],
      ['//evil.com/x', '//evil\\[.\\]com/x'],
      ['http://10.0.0.1:8080/admin', 'http\\[:\\]//10\\[.\\]0\\[.\\]0\\[.\\]1\\[:\\]8080/admin'],
      ['mailto:ceo@contoso.com', 'mailto\\[:\\]ceo@contoso\\[.\\]com'],
    ];
    for (const [typed, shown] of cases) assert.equal(plainText(typed), shown, typed);
  });

  it('leaves email addresses and ordinary sentences readable', () => {
    assert.equal(plainText('kim.lee@fabrikam-eu.com, Q1-Q2.'), 'kim.lee@fabrikam-eu.com, Q1-Q2.');
    assert.equal(
      plainText('Co-designs the Falcon launch with us until March, e.g. the keynote.'),
      'Co-designs the Falcon launch with us until March, e.g. the keynote.',
    );
    assert.equal(plainText('kim_lee@fabrikam.com'), 'kim\\_lee@fabrikam.com');
  });
});
