/**
 * What the request dialog and `request again` say about a sponsor someone named, and how a sponsor
 * is kept on a request: one wording for the same checks (requests/policy checkSponsor).
 */
import type { DirectoryUser } from '../src/directory/directory';
import type { Translate } from '../src/i18n';
import type { Person } from '../src/requests/accessRequest';
import type { SponsorCheck } from '../src/requests/policy';
import { plainText } from '../cards/plainText';

/** Why `text` (as typed) names nobody who may sponsor, and what to type instead. */
export function sponsorProblemText(
  t: Translate,
  problem: Extract<SponsorCheck, { ok: false }>['problem'],
  text: string,
  candidate: DirectoryUser | undefined,
): string {
  switch (problem) {
    case 'notFound':
      return t('dialog.sponsor.notFound', { text: plainText(text) });
    case 'notMember':
    case 'disabled':
      return t(`dialog.sponsor.${problem}`, { name: plainText(candidate?.displayName ?? text) });
    case 'isRequester':
      return t('dialog.sponsor.isRequester');
  }
}

export function personOf(user: DirectoryUser): Person {
  return { id: user.id, displayName: user.displayName, address: user.mail ?? user.userPrincipalName };
}
