import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadSimulatorSeed } from '../../src/simulator';
import { redeemInBrowser } from '../support/redeemInBrowser';
import { type DirectoryFixture, startDirectoryFixture } from '../directory/directoryFixture';

const redirectUrl = 'https://myapps.microsoft.com/?tenantid=5f2b8c1e-3d4a-4b6c-9e7f-0a1b2c3d4e5f';

describe('directory simulator redeem pages', () => {
  let fixture: DirectoryFixture;
  let redeemUrl: string;
  let guestId: string;

  async function invite(): Promise<void> {
    const invitation = await fixture.directory.invite({
      email: 'alex.kim@partner.example',
      redirectUrl,
      sendInvitationMessage: false,
      messageBody: 'Welcome',
    });
    redeemUrl = invitation.inviteRedeemUrl;
    guestId = invitation.invitedUserId;
  }

  function answer(action: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(redeemUrl, { method: 'POST', body: new URLSearchParams({ action }), headers });
  }

  afterEach(async () => {
    await fixture.close();
  });

  describe('with the sample tenant', () => {
    beforeEach(async () => {
      fixture = await startDirectoryFixture();
      await invite();
    });

    it('shows the consent step with the organization, the permissions and a real form', async () => {
      const response = await fetch(redeemUrl);
      const html = await response.text();

      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<h1 id="page-title">Review permissions<\/h1>/);
      assert.match(html, /Contoso would like to:/);
      assert.match(html, /Sign you in/);
      assert.match(html, /Read your name, email address and photo/);
      assert.match(html, /alex\.kim@partner\.example/);
      assert.match(html, /<form method="post" action="\/simulator\/redeem\/[^"]+"/);
      assert.match(html, /<button type="submit" name="action" value="accept">Accept<\/button>/);
      assert.match(html, /<button type="submit" name="action" value="cancel"[^>]*>Cancel<\/button>/);
      assert.doesNotMatch(html, /<script/);
    });

    it('asks for the tenant’s terms of use after the permissions, and the guest is not in until they agree', async () => {
      const terms = await answer('accept');
      const html = await terms.text();

      assert.equal(terms.status, 200);
      assert.match(html, /<h1 id="page-title">Terms of use<\/h1>/);
      assert.match(html, /Contoso guest terms of use/);
      assert.match(html, /<button type="submit" name="action" value="agreeToTerms">Accept<\/button>/);
      assert.equal(fixture.simulator.getUser(guestId)?.externalUserState, 'PendingAcceptance');
      assert.equal(fixture.simulator.getUser(guestId)?.signInActivity, undefined, 'not signed in until the last step');

      assert.match(await (await answer('cancel')).text(), /Nothing has changed/);
      assert.equal(fixture.simulator.getUser(guestId)?.externalUserState, 'PendingAcceptance');
    });

    it('completing the consent steps is a successful sign-in, as signInActivity then reports', async () => {
      await answer('accept');
      await answer('agreeToTerms');
      const guest = fixture.simulator.getUser(guestId);
      assert.equal(guest?.signInActivity?.lastSuccessfulSignInDateTime, guest?.externalUserStateChangeDateTime);
      assert.deepEqual(
        await fixture.directory.lastSignIns([guestId]),
        new Map([[guestId, { lastSuccessfulSignInAt: guest?.externalUserStateChangeDateTime }]]),
      );
    });

    it('accepting flips the guest to Accepted, as Graph then reports, and links on to the redirect URL', async () => {
      await answer('accept');
      const response = await answer('agreeToTerms');
      const html = await response.text();

      assert.equal(response.status, 200);
      assert.match(html, /You are all set/);
      assert.ok(html.includes(`href="${redirectUrl}"`));
      const guest = fixture.simulator.getUser(guestId);
      assert.equal(guest?.externalUserState, 'Accepted');
      assert.ok(guest?.externalUserStateChangeDateTime !== undefined);
      assert.equal((await fixture.directory.getUser(guestId))?.externalUserState, 'Accepted');
    });

    it('says so when the invitation was already accepted', async () => {
      await redeemInBrowser(redeemUrl);

      const html = await (await fetch(redeemUrl)).text();

      assert.match(html, /Invitation already accepted/);
      assert.doesNotMatch(html, /<form/);
    });

    it('cancelling changes nothing', async () => {
      const response = await answer('cancel');
      const html = await response.text();

      assert.equal(response.status, 200);
      assert.match(html, /Nothing has changed/);
      assert.equal(fixture.simulator.getUser(guestId)?.externalUserState, 'PendingAcceptance');
    });

    it('shows a clear page for an unknown invitation', async () => {
      const response = await fetch(new URL('/simulator/redeem/00000000-0000-4000-8000-000000000000', redeemUrl));

      assert.equal(response.status, 404);
      assert.match(await response.text(), /Invitation not found/);
    });

    it('speaks Spanish to a browser that prefers it', async () => {
      const page = await fetch(redeemUrl, { headers: { 'Accept-Language': 'es-ES,es;q=0.9,en;q=0.5' } });
      const html = await page.text();

      assert.match(html, /<html lang="es">/);
      assert.match(html, /Revisar permisos/);
      assert.match(html, />Aceptar<\/button>/);
      const terms = await answer('accept', { 'Accept-Language': 'es' });
      assert.match(await terms.text(), /Términos de uso/);
      const done = await answer('agreeToTerms', { 'Accept-Language': 'es' });
      assert.match(await done.text(), /Todo listo/);
    });

    it('after a reset of redemption, the old link stops working and the new one walks the guest through again', async () => {
      await redeemInBrowser(redeemUrl);
      const reset = await fixture.directory.invite({
        email: 'alex.kim@partner.example',
        redirectUrl,
        sendInvitationMessage: false,
        messageBody: 'Welcome back',
        resetRedemptionOf: guestId,
      });

      assert.equal(reset.invitedUserId, guestId, 'the same guest, with their access');
      assert.notEqual(reset.inviteRedeemUrl, redeemUrl);
      assert.equal((await fixture.directory.getUser(guestId))?.externalUserState, 'PendingAcceptance');
      const post = fixture.simulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/invitations')).at(-1);
      assert.deepEqual((post?.body as { resetRedemption?: boolean; invitedUser?: unknown }).invitedUser, { id: guestId });

      const old = await fetch(redeemUrl);
      assert.equal(old.status, 410);
      assert.match(await old.text(), /This link no longer works/);
      const oldAnswer = await answer('accept');
      assert.equal(oldAnswer.status, 410);

      const fresh = await (await fetch(reset.inviteRedeemUrl)).text();
      assert.match(fresh, /Contoso has reset your guest account's sign-in: sign in again/);
      assert.match(await (await redeemInBrowser(reset.inviteRedeemUrl)).text(), /You are all set/);
      assert.equal((await fixture.directory.getUser(guestId))?.externalUserState, 'Accepted');
    });

    it('tells a guest whose sign-in is blocked so, with a 403, and never lets them in', async () => {
      await fixture.directory.disableUser(guestId);

      const page = await fetch(redeemUrl);
      const html = await page.text();
      const accept = await answer('accept');
      const agree = await answer('agreeToTerms');

      assert.equal(page.status, 403);
      assert.match(html, /<h1 id="page-title">Your account is blocked<\/h1>/);
      assert.match(html, /Contoso has blocked sign-in for your guest account/);
      assert.doesNotMatch(html, /<form/);
      assert.deepEqual([accept.status, agree.status], [403, 403]);
      assert.match(await agree.text(), /Your account is blocked/);
      assert.equal(fixture.simulator.getUser(guestId)?.externalUserState, 'PendingAcceptance');
      const spanish = await fetch(redeemUrl, { headers: { 'Accept-Language': 'es' } });
      assert.match(await spanish.text(), /Su cuenta está bloqueada/);
    });

    it('refuses to reset the redemption of someone who is not a guest', async () => {
      await assert.rejects(
        fixture.directory.invite({
          email: 'megan.bowen@contoso.com',
          redirectUrl,
          sendInvitationMessage: false,
          messageBody: 'Welcome',
          resetRedemptionOf: 'a1b2c3d4-0002-4000-8000-000000000002',
        }),
        (error: Error & { status?: number }) => error.status === 400 && /not an external user/.test(error.message),
      );
    });

    it('records the page requests like any other', async () => {
      await fetch(redeemUrl);
      await answer('cancel');

      const pageRequests = fixture.simulator.requests.filter((request) => request.path.startsWith('/simulator/redeem/'));
      assert.deepEqual(
        pageRequests.map((request) => request.method),
        ['GET', 'POST'],
      );
      assert.deepEqual(pageRequests[1]?.body, { action: 'cancel' });
    });
  });

  it('escapes the values it puts into HTML', async () => {
    const seed = loadSimulatorSeed(join(__dirname, '../../../src/samples/directory.json'));
    fixture = await startDirectoryFixture({
      seed: { ...seed, tenant: { ...seed.tenant, displayName: 'Contoso <R&D> "Labs"', initialDomain: 'contoso.onmicrosoft.com' } },
    });
    await invite();

    const html = await (await fetch(redeemUrl)).text();

    assert.match(html, /Contoso &lt;R&amp;D&gt; &quot;Labs&quot; would like to:/);
    assert.doesNotMatch(html, /<R&D>/);
  });
});
