import type { Request, Response, Server } from 'restify';
import type { DirectoryState } from './directoryState';
import {
  acceptedPage,
  alreadyAcceptedPage,
  blockedAccountPage,
  cancelledPage,
  consentPage,
  invalidFormPage,
  pickLanguage,
  revokedInvitationPage,
  termsPage,
  unknownInvitationPage,
  type PageLanguage,
} from './redeemHtml';
import type { SimulatorLogger } from './simulatorLogger';

/**
 * What a guest's redeem link opens: the consent steps of B2B redemption, Review permissions and
 * then, when the tenant has them, its terms of use. Agreeing to the last step is what turns the
 * guest from `PendingAcceptance` to `Accepted`, as it would in Microsoft Entra ID. A link made
 * before the guest's redemption was reset no longer works, and a guest whose sign-in is blocked
 * (`accountEnabled: false`, as at the end of their access) gets no further than a 403 page: in
 * Entra ID redemption starts with signing in, which a blocked account cannot do.
 */
export function mountRedeemPages(
  server: Server,
  options: { root: string; state: DirectoryState; logger: SimulatorLogger; onRequest(request: Request): void },
): void {
  const { root, state, logger } = options;
  const organization = state.tenantDisplayName;
  const pagePath = (invitationId: string): string => `${root}/${encodeURIComponent(invitationId)}`;

  server.get(`${root}/:invitationId`, async (request: Request, response: Response) => {
    options.onRequest(request);
    const language = pickLanguage(request.header('accept-language'));
    const invitationId = String(request.params.invitationId);
    const invitation = state.invitation(invitationId);
    const guest = invitation === undefined ? undefined : state.findUser(invitation.invitedUserId);
    if (invitation === undefined || guest === undefined) {
      sendPage(response, 404, language, unknownInvitationPage(language, organization));
    } else if (invitation.revokedDateTime !== undefined) {
      sendPage(response, 410, language, revokedInvitationPage(language, organization));
    } else if (guest.accountEnabled === false) {
      sendPage(response, 403, language, blockedAccountPage(language, organization));
    } else if (guest.externalUserState === 'Accepted') {
      sendPage(response, 200, language, alreadyAcceptedPage(language, { organization, redirectUrl: invitation.inviteRedirectUrl }));
    } else {
      const page = consentPage(language, {
        organization,
        guestEmail: invitation.invitedUserEmailAddress,
        formAction: pagePath(invitationId),
        reset: invitation.resetRedemption === true,
      });
      sendPage(response, 200, language, page);
    }
  });

  server.post(`${root}/:invitationId`, async (request: Request, response: Response) => {
    options.onRequest(request);
    const language = pickLanguage(request.header('accept-language'));
    const invitationId = String(request.params.invitationId);
    const action = formField(request.body, 'action');
    const invitation = state.invitation(invitationId);
    if (invitation === undefined) {
      sendPage(response, 404, language, unknownInvitationPage(language, organization));
    } else if (invitation.revokedDateTime !== undefined) {
      sendPage(response, 410, language, revokedInvitationPage(language, organization));
    } else if (state.findUser(invitation.invitedUserId)?.accountEnabled === false) {
      sendPage(response, 403, language, blockedAccountPage(language, organization));
    } else if (action === 'accept' && state.termsOfUse !== undefined) {
      // Permissions reviewed; the guest is not in until they agree to the terms as well.
      const page = termsPage(language, {
        organization,
        guestEmail: invitation.invitedUserEmailAddress,
        formAction: pagePath(invitationId),
        terms: state.termsOfUse,
      });
      sendPage(response, 200, language, page);
    } else if (action === (state.termsOfUse === undefined ? 'accept' : 'agreeToTerms')) {
      const result = state.redeem(invitationId);
      if (result.outcome === 'unknown' || result.outcome === 'revoked') {
        sendPage(response, 404, language, unknownInvitationPage(language, organization));
      } else {
        const page = { organization, redirectUrl: result.invitation.inviteRedirectUrl };
        if (result.outcome === 'accepted') {
          logger.info({ invitationId, userId: result.invitation.invitedUserId }, 'simulated guest accepted the invitation');
        }
        sendPage(response, 200, language, result.outcome === 'accepted' ? acceptedPage(language, page) : alreadyAcceptedPage(language, page));
      }
    } else if (action === 'cancel') {
      sendPage(response, 200, language, cancelledPage(language, { organization, reviewUrl: pagePath(invitationId) }));
    } else {
      sendPage(response, 400, language, invalidFormPage(language, { organization, reviewUrl: pagePath(invitationId) }));
    }
  });
}

function formField(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) {
    return undefined;
  }
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

function sendPage(response: Response, status: number, language: PageLanguage, html: string): void {
  response.sendRaw(status, html, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Language': language,
    Vary: 'Accept-Language',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}
