/**
 * What must not be read in a log line or a stored error. Guest and employee addresses are
 * personal data: operators see `k***@fabrikam.com`, enough to tell requests apart, unless they
 * turn on debug logging to trace one. Tokens and redeem links are credentials (a redeem link
 * lets whoever holds it accept the invitation), so they never appear at any level.
 */

/** `kim.lee@fabrikam.com`, also URL-encoded (`kim.lee%40fabrikam.com`) as in a Graph path. */
const ADDRESS = /([A-Za-z0-9])[A-Za-z0-9._%+'-]*(@|%40)([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/g;
/** A JSON Web Token (three base64url parts, the first an encoded `{"`). */
const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
/** `client_secret=…`, `"password":"…"` and the like, in form bodies, URLs and JSON. */
const SECRET_FIELD = /\b(client_secret|client_assertion|password|secret|access_token|refresh_token|id_token)(\\?"?\s*[:=]\s*\\?"?)[^&\s"\\,}]+/gi;
/** Microsoft's (`https://login.microsoftonline.com/redeem?rd=…`) and the simulator's (`…/simulator/redeem/<id>`), as a URL or a path. */
const REDEEM_LINK = /[^\s"'<>\\]*\/redeem(?![A-Za-z])[^\s"'<>\\]*/gi;

/** Hides credentials always, and addresses too unless `keepAddresses` (debug logging). */
export function maskPersonalData(text: string, { keepAddresses = false }: { keepAddresses?: boolean } = {}): string {
  const masked = text.replace(REDEEM_LINK, '[redeem link]').replace(JWT, '[token]').replace(BEARER, '$1 [token]').replace(SECRET_FIELD, '$1$2[secret]');
  return keepAddresses ? masked : masked.replace(ADDRESS, '$1***$2$3');
}
