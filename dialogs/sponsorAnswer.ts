/**
 * The sponsor someone names, in the request dialog and in `request again`: one question
 * (SponsorPrompt), one set of checks (the answer's length, then requests/policy checkSponsor: a
 * member, enabled, not the requester), one wording of what is wrong, and how a sponsor is kept on a
 * request.
 */
import type { TurnContext } from 'botbuilder';
import { type PromptValidatorContext, TextPrompt } from 'botbuilder-dialogs';
import type { Directory, DirectoryUser } from '../src/directory/directory';
import { commandOf, type Translate, translatorFor } from '../src/i18n';
import type { Person } from '../src/requests/accessRequest';
import { ANSWER_LIMITS } from '../src/requests/answerLimits';
import { checkSponsor, normalizeAddress, type SponsorCheck } from '../src/requests/policy';
import { plainText } from '../cards/plainText';
import { typingWhileSlow } from './typingWhileSlow';

/** What the sponsor question checks an answer against: its prompt options' `validations`. */
export interface SponsorValidations {
  /** The requester stored when the dialog began, not whoever sends the answer. */
  requesterId: string;
  /** The manager the dialog offered, which `keep` takes. */
  proposed?: DirectoryUser;
}

/** The sponsor SponsorPrompt accepted, handed to the next step of the same turn without a second lookup. */
const NAMED_SPONSOR = Symbol('namedSponsor');

/**
 * The question "who sponsors it?": an answer is taken only when it names someone who may sponsor
 * (sponsorNamedIn), and otherwise the person hears what is wrong and is asked again. The step after
 * it reads the sponsor with namedSponsor. The checks run in the validator, not in a recognizer of
 * our own: Prompt.onPreBubbleEvent recognizes every answer a second time, so a recognizer that
 * answered or asked the directory would do both twice.
 */
export class SponsorPrompt extends TextPrompt {
  constructor(dialogId: string, directory: Pick<Directory, 'findUserByAddress'>) {
    super(dialogId, (prompt) => acceptSponsor(prompt, directory));
    if (!directory) throw new Error('SponsorPrompt needs the directory to find the sponsor in.');
  }
}

/** The sponsor SponsorPrompt accepted in this turn; for the step that follows the question. */
export function namedSponsor(context: TurnContext): DirectoryUser {
  return context.turnState.get(NAMED_SPONSOR) as DirectoryUser;
}

async function acceptSponsor(prompt: PromptValidatorContext<string>, directory: Pick<Directory, 'findUserByAddress'>): Promise<boolean> {
  const { requesterId, proposed } = prompt.options.validations as SponsorValidations;
  const sponsor = await sponsorNamedIn(prompt.context, (prompt.recognized.value ?? '').trim(), { requesterId, directory, proposed });
  if (!sponsor) return false;
  prompt.context.turnState.set(NAMED_SPONSOR, sponsor);
  return true;
}

/**
 * The sponsor `text` names, checked; undefined once the person has been told what is wrong and what
 * to type instead. `keep` takes `proposed` (the manager the dialog offered). The requester is the
 * one stored when the dialog began, not whoever sends the answer.
 */
async function sponsorNamedIn(
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
