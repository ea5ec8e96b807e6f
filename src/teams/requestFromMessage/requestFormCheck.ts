/**
 * The form's answers checked as the request dialog checks each answer (the same rules and limits,
 * from src/requests and the dialog's own helpers), all at once: a form shows every problem beside
 * its input, where the dialog asks again question by question. What passes is the draft the
 * request dialog confirms in the employee's chat; what does not comes back with the fields as they
 * were (a period the resources cap, capped) and a sentence for each problem.
 */
import type { Directory, DirectoryUser } from '../../directory/directory';
import { commandOf, type Translate } from '../../i18n';
import { readAccessPeriod } from '../../requests/accessPeriod';
import { ANSWER_LIMITS } from '../../requests/answerLimits';
import { maxDaysOf, type Resource, type ResourceCatalog, resourcesByIds } from '../../requests/catalog';
import { domainOf } from '../../requests/domains';
import { checkSponsor, type GuestPolicy, normalizeAddress } from '../../requests/policy';
import type { RequestRepository } from '../../requests/requestRepository';
import type { TenantPolicy } from '../../requests/tenantPolicy';
import type { Timing } from '../../requests/timers';
import { stagesNobodyCouldDecide } from '../../approvals/stageApprovers';
import { checkGuests } from '../../useCases/checkGuests';
import { openRequestsAtLimit } from '../../useCases/fileRequest';
import { refusedLine } from '../../../dialogs/guestAddressAnswer';
import type { RequestDraft } from '../../../dialogs/requestAccessDialog';
import { openRequestsText } from '../../../dialogs/openRequests';
import { personOf } from '../../../dialogs/sponsorAnswer';
import { plainText } from '../../../cards/plainText';
import type { RequestFormFields, RequestFormProblems } from '../../../cards/requestForm';

export interface RequestFormCheckDependencies {
  directory: Directory;
  tenantPolicy: Pick<TenantPolicy, 'check'>;
  guestPolicy: GuestPolicy;
  catalog: ResourceCatalog;
  requests: RequestRepository;
  maxOpenRequests: number;
  timing: Pick<Timing, 'accessDays'>;
  clock: () => Date;
}

export type RequestFormCheck =
  { ok: true; draft: RequestDraft; sponsor: DirectoryUser } | { ok: false; fields: RequestFormFields; problems: RequestFormProblems };

/** The shortest justification the dialog takes: a sponsor needs a sentence. */
const JUSTIFICATION_MIN_LENGTH = 10;

/** The addresses' input takes what the address question takes. */
export const GUESTS_TEXT_LIMIT = ANSWER_LIMITS.guestAddresses;

/** The days an empty period gives: the default, or less when a resource allows less. */
export function defaultDaysFor(resources: readonly Resource[], accessDays: number): number {
  return Math.min(accessDays, maxDaysOf(resources) ?? Number.POSITIVE_INFINITY);
}

export async function checkRequestForm(
  deps: RequestFormCheckDependencies,
  form: RequestFormFields,
  requester: DirectoryUser,
  t: Translate,
  locale: string,
): Promise<RequestFormCheck> {
  const problems: RequestFormProblems = {};
  const fields = { ...form };
  const requesterDomains = requesterDomainsOf(requester);

  const [guests, sponsor, open] = await Promise.all([
    checkAddresses(deps, form.guests, requesterDomains, t),
    checkSponsorField(deps.directory, form.sponsor, requester.id, t),
    openRequestsAtLimit(deps, requester.id),
  ]);
  if (open) problems.general = openRequestsText(t, open);
  if (!guests.ok) problems.guests = guests.problem;
  if (!sponsor.ok) problems.sponsor = sponsor.problem;

  const resources = checkResources(deps.catalog, form.resourceIds, t);
  if (!resources.ok) problems.resources = resources.problem;
  const chosen = resources.ok ? resources.resources : [];

  const period = checkPeriod(form.period, chosen, deps, t, locale);
  if (!period.ok) problems.period = period.problem;
  if (period.shownAs !== undefined) fields.period = period.shownAs;

  const justification = form.justification.trim();
  if (justification.length < JUSTIFICATION_MIN_LENGTH)
    problems.justification = t('messageExtension.problem.justificationTooShort', { min: JUSTIFICATION_MIN_LENGTH });
  else if (justification.length > ANSWER_LIMITS.justification)
    problems.justification = t('messageExtension.problem.justificationTooLong', { max: ANSWER_LIMITS.justification });

  // Whether someone could approve each owned resource depends on who sponsors: asked once both are known.
  if (resources.ok && sponsor.ok) {
    const gaps = await stagesNobodyCouldDecide(deps.directory, chosen, { requester: personOf(requester), sponsor: personOf(sponsor.sponsor) });
    const unfixable = gaps.filter(({ gap }) => gap !== 'onlySponsor');
    if (unfixable.length > 0) {
      const reasons = unfixable.map(({ resource, gap }) => t(`dialog.stageGap.${gap}`, { resource: plainText(resource.name) })).join(' ');
      problems.resources = t('messageExtension.problem.notApprovable', { reasons });
    } else if (gaps.length > 0) {
      problems.sponsor = t('messageExtension.problem.onlySponsor', {
        sponsor: plainText(sponsor.sponsor.displayName),
        resources: gaps.map(({ resource }) => plainText(resource.name)).join(', '),
      });
    }
  }

  if (Object.keys(problems).length > 0 || !guests.ok || !sponsor.ok || !resources.ok || !period.ok) return { ok: false, fields, problems };
  return {
    ok: true,
    sponsor: sponsor.sponsor,
    draft: { guests: guests.taken, resourceIds: chosen.map((r) => r.id), accessDays: period.days, justification, sponsorId: sponsor.sponsor.id },
  };
}

type FieldCheck<T> = ({ ok: true } & T) | { ok: false; problem: string };

async function checkAddresses(
  deps: RequestFormCheckDependencies,
  text: string,
  requesterDomains: readonly string[],
  t: Translate,
): Promise<FieldCheck<{ taken: RequestDraft['guests'] }>> {
  if (text.length > GUESTS_TEXT_LIMIT) return { ok: false, problem: t('messageExtension.problem.guestsTooLong', { max: GUESTS_TEXT_LIMIT }) };
  const check = await checkGuests(deps, text, requesterDomains);
  if (check.outcome === 'none') return { ok: false, problem: t('messageExtension.problem.noGuests') };
  if (check.outcome === 'tooMany') return { ok: false, problem: t('messageExtension.problem.tooManyGuests', { count: check.count, max: check.max }) };
  // The dialog goes on with the addresses it took; a form is sent again, so it waits until every address it holds may be asked for.
  if (check.refused.length > 0) {
    return { ok: false, problem: [t('messageExtension.problem.guestsRefused'), ...check.refused.map((refused) => `- ${refusedLine(t, refused)}`)].join('\n') };
  }
  return { ok: true, taken: check.taken };
}

function checkResources(catalog: ResourceCatalog, ids: readonly string[], t: Translate): FieldCheck<{ resources: Resource[] }> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return { ok: false, problem: t('messageExtension.problem.noResources') };
  if (wanted.length > ANSWER_LIMITS.resourceParts) {
    return { ok: false, problem: t('messageExtension.problem.tooManyResources', { count: wanted.length, max: ANSWER_LIMITS.resourceParts }) };
  }
  const known = new Set(catalog.resources.map((r) => r.id));
  // An old form after a catalog edit, or a forged one: ids are only ever read against the catalog.
  if (wanted.some((id) => !known.has(id))) return { ok: false, problem: t('messageExtension.problem.unknownResources') };
  return { ok: true, resources: resourcesByIds(catalog, wanted) };
}

/** `shownAs`: what the period input should read when the form comes back (a capped period, capped). */
function checkPeriod(
  text: string,
  resources: readonly Resource[],
  deps: Pick<RequestFormCheckDependencies, 'timing' | 'clock'>,
  t: Translate,
  locale: string,
): FieldCheck<{ days: number }> & { shownAs?: string } {
  const defaultDays = defaultDaysFor(resources, deps.timing.accessDays);
  if (text.trim() === '') return { ok: true, days: defaultDays };
  if (text.length > ANSWER_LIMITS.accessPeriod) {
    return { ok: false, problem: t('messageExtension.problem.periodTooLong', { max: ANSWER_LIMITS.accessPeriod, days: defaultDays }) };
  }
  const answer = readAccessPeriod(text, {
    defaultDays,
    maxDays: maxDaysOf(resources),
    locale,
    today: deps.clock(),
    isDefault: (typed) => commandOf(typed, ['keep']) !== undefined,
  });
  if (!answer.ok) {
    const key = answer.problem === 'notInFuture' ? 'messageExtension.problem.periodPast' : 'messageExtension.problem.periodNotUnderstood';
    return { ok: false, problem: t(key, { days: defaultDays }) };
  }
  // The dialog caps and says so on the way; a form shows the capped period first, to be sent as it is.
  if (answer.cappedFrom !== undefined)
    return { ok: false, problem: t('messageExtension.problem.periodCapped', { max: answer.days }), shownAs: String(answer.days) };
  return { ok: true, days: answer.days };
}

async function checkSponsorField(
  directory: Pick<Directory, 'findUserByAddress'>,
  text: string,
  requesterId: string,
  t: Translate,
): Promise<FieldCheck<{ sponsor: DirectoryUser }>> {
  const typed = text.trim();
  if (typed === '') return { ok: false, problem: t('messageExtension.problem.sponsorMissing') };
  if (typed.length > ANSWER_LIMITS.sponsor) return { ok: false, problem: t('messageExtension.problem.sponsorTooLong', { max: ANSWER_LIMITS.sponsor }) };
  const candidate = await directory.findUserByAddress(normalizeAddress(typed));
  const check = checkSponsor(candidate, requesterId);
  if (check.ok) return { ok: true, sponsor: check.sponsor };
  switch (check.problem) {
    case 'notFound':
      return { ok: false, problem: t('messageExtension.problem.sponsorNotFound', { text: plainText(typed) }) };
    case 'notMember':
      return { ok: false, problem: t('messageExtension.problem.sponsorNotMember', { name: plainText(candidate?.displayName ?? typed) }) };
    case 'disabled':
      return { ok: false, problem: t('messageExtension.problem.sponsorDisabled', { name: plainText(candidate?.displayName ?? typed) }) };
    case 'isRequester':
      return { ok: false, problem: t('messageExtension.problem.sponsorIsRequester') };
  }
}

/** The domains of the requester's own addresses: theirs are colleagues, never guests (as in the dialog). */
export function requesterDomainsOf(requester: Pick<DirectoryUser, 'mail' | 'userPrincipalName'>): string[] {
  return [...new Set([requester.mail, requester.userPrincipalName].filter((a): a is string => Boolean(a)).map(domainOf))];
}
