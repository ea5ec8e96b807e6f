import assert from 'node:assert/strict';
import { maskPersonalData } from '../../src/logging/personalData';

describe('masking personal data', () => {
  it('keeps the first letter and the domain of an address, also URL-encoded or quoted in a Graph filter', () => {
    assert.equal(maskPersonalData('invite kim.lee@fabrikam.com now'), 'invite k***@fabrikam.com now');
    assert.equal(maskPersonalData('/users/kim.lee%40fabrikam.com'), '/users/k***%40fabrikam.com');
    assert.equal(maskPersonalData("$filter=mail eq 'o'brien@sub.fabrikam.co.uk'"), "$filter=mail eq 'o***@sub.fabrikam.co.uk'");
  });

  it('keeps addresses when asked (debug logging), never credentials', () => {
    const line = 'kim@fabrikam.com got http://127.0.0.1:3978/simulator/redeem/abc123 with Bearer abc.def-ghi';
    assert.equal(maskPersonalData(line, { keepAddresses: true }), 'kim@fabrikam.com got [redeem link] with Bearer [token]');
  });

  it('hides redeem links, Microsoft’s and the simulator’s, as URLs and as paths', () => {
    const microsoft = 'https://login.microsoftonline.com/redeem?rd=https%3a%2f%2finvitations.microsoft.com%2fredeem%2f%3ftenant%3dx%26ticket%3dSECRET';
    assert.equal(maskPersonalData(`link: ${microsoft}.`), 'link: [redeem link]');
    assert.equal(maskPersonalData('{"path":"/simulator/redeem/inv-42"}'), '{"path":"[redeem link]"}');
    assert.equal(maskPersonalData('the guest redeemed it'), 'the guest redeemed it');
  });

  it('hides tokens and secret fields wherever they appear', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl';
    assert.equal(maskPersonalData(`token ${jwt} end`), 'token [token] end');
    assert.equal(maskPersonalData('client_id=a&client_secret=s3cr3t~x&scope=y'), 'client_id=a&client_secret=[secret]&scope=y');
    assert.equal(maskPersonalData('{"password":"hunter2","x":1}'), '{"password":"[secret]","x":1}');
    assert.equal(maskPersonalData('{"msg":"sent \\"password\\": \\"hunter2\\""}'), '{"msg":"sent \\"password\\": \\"[secret]\\""}');
  });

  it('leaves ordinary text and ids alone', () => {
    const text = 'job failed for GA-7K2M9Q (a1b2c3d4-0001-4000-8000-000000000001) after 3 attempts';
    assert.equal(maskPersonalData(text), text);
  });
});
