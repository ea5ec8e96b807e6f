/**
 * The sponsor someone names, in the request dialog and in `request again`: one set of checks
 * (the answer's length, then requests/policy checkSponsor: a member, enabled, not the requester),
 * one wording of what is wrong, and how a sponsor is kept on a request.
 */
import type { TurnContext } from 'botbuilder';
import type { Directory, DirectoryUser } from '../src/directory/directory';
import { commandOf, type Translate, translatorFor } from '../src/i18n';
import type { Person } from '../src/requests/accessRequest';
import { ANSWER_LIMITS } from '../src/requests/answerLimits';
import { checkSponsor, normalizeAddress, type SponsorCheck } from '../src/requests/policy';
import { plainText } from '../cards/plainText';
import { typingWhileSlow } from './typingWhileSlow';

/**
 * The sponsor `text` names, checked; undefined once the person has been told what is wrong and what
 * to type instead. `keep` takes `proposed` (the manager the dialog offered). The requester is the
 * one stored when the dialog began, not whoever sends the answer.
 */
export async function sponsorNamedIn(
  context: TurnContext,
  text: string,
  checks: { requesterId: string; directory: Pick<Directory, 'findUserByAddress'>; proposed?: DirectoryUser },
): Promise<DirectoryUser | undefined> {
  const t = translatorFor(context.activity.locale);
  // Longer than the question takes, spaces around it aside: refused before the directory is asked.
  if (text.length > ANSWER_LIMITS.sponsor && text.trim().length > ANSWER_LIMITS.sponsor) {
    await context.sendActivity(t('dialog.sponsor.tooLong', { max: ANSWER_LIMITS.sponsor }));
    return undefined;
  }
  let candidate: DirectoryUser | undefined;
  if (checks.proposed && commandOf(text, ['keep'])) {
    candidate = checks.proposed;
  } else {
    candidate = text ? await typingWhileSlow(context, () => checks.directory.findUserByAddress(normalizeAddress(text))) : undefined;
  }
  const check = checkSponsor(candidate, checks.requesterId);
  if (check.ok) return check.sponsor;
  await context.sendActivity(sponsorProblemText(t, check.problem, text, candidate));
  return undefined;
}

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
