/**
 * `request again GA-…` (`solicitar de nuevo GA-…`, or the button under an expiry notice): the
 * requester files an expired or withdrawn request again, as it was, in one step: same guest,
 * resources, period, reason and sponsor, with a new id, a new end date counted from today, and
 * its own reminder and expiry. The guest policy is checked again, as today's settings say; the
 * rest is checked where it always is (the card's delivery, provisioning).
 */
import type { TurnContext } from 'botbuilder';
import type { Timing } from '../src/config';
import { translatorFor } from '../src/i18n';
import { formatDate } from '../src/i18n/dates';
import { maxDaysOf, type ResourceCatalog, resourcesByIds } from '../src/requests/catalog';
import type { RequestState } from '../src/requests/lifecycle';
import { checkGuestAddress, domainOf, type GuestPolicy } from '../src/requests/policy';
import type { RequestRepository } from '../src/requests/requestRepository';
import { approvalTimers, endDateAfter, type TimerSettings } from '../src/requests/timers';
import { directoryUserIdOf } from '../src/teams/identity';
import { plainText } from '../src/teams/plainText';

export interface RequestAgainDependencies {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  guestPolicy: GuestPolicy;
  maxOpenRequests: number;
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  clock?: () => Date;
  localDefaultUserId?: string;
}

/** Requests nobody decided on: filing them again asks the same question anew. */
const FILEABLE_AGAIN: readonly RequestState[] = ['expired', 'cancelled'];

export async function requestAgain(context: TurnContext, requestId: string, deps: RequestAgainDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const old = await deps.requests.get(requestId);
  // Someone else's request is answered like one that does not exist: ids are quoted in chats.
  if (!old || !userId || old.requester.id !== userId) {
    await context.sendActivity(t('cancelRequest.notFound', { id: requestId }));
    return;
  }
  const names = { id: old.id, guest: plainText(old.guestEmail), sponsor: plainText(old.sponsor.displayName) };
  if (!FILEABLE_AGAIN.includes(old.state)) {
    await context.sendActivity(t('requestAgain.notExpired', { ...names, state: t(`requestState.${old.state}`) }));
    return;
  }
  const policy = { ...deps.guestPolicy, internalDomains: [...deps.guestPolicy.internalDomains, domainOf(old.requester.address)] };
  const guest = checkGuestAddress(old.guestEmail, policy);
  if (!guest.ok) {
    await context.sendActivity(t('requestAgain.policy', { ...names, domain: plainText(domainOf(old.guestEmail)) }));
    return;
  }
  const open = await deps.requests.awaitingDecisionFiledBy(userId);
  if (open.length >= deps.maxOpenRequests) {
    await context.sendActivity(t('limits.openRequests', { count: open.length, ids: open.map((r) => r.id).join(', ') }));
    return;
  }
  let resources;
  try {
    resources = resourcesByIds(deps.catalog, old.resourceIds);
  } catch {
    await context.sendActivity(t('requestAgain.resourceGone', names));
    return;
  }
  const now = (deps.clock ?? (() => new Date()))();
  const days = Math.min(old.accessDays ?? deps.timing.accessDays, maxDaysOf(resources) ?? Number.POSITIVE_INFINITY);
  const endsAt = endDateAfter(days, now, deps.timing);
  const actor = { kind: 'user' as const, id: userId, displayName: old.requester.displayName };
  const filed = await deps.requests.create(
    {
      tenantId: old.tenantId,
      requester: old.requester,
      requesterLocale: context.activity.locale ?? old.requesterLocale,
      requesterConversationId: context.activity.conversation.id,
      guestEmail: old.guestEmail,
      resourceIds: old.resourceIds,
      justification: old.justification,
      sponsor: old.sponsor,
      sponsorLocale: old.sponsorLocale,
      accessDays: days,
      endsAt,
    },
    actor,
    [{ kind: 'deliverApprovalCard' }, ...approvalTimers(now, deps.timing)],
  );
  await deps.requests.recordAsk({ id: old.id, states: FILEABLE_AGAIN, actor, action: 'filedAgain', detail: { as: filed.id }, jobs: [] });
  await context.sendActivity(t('requestAgain.filed', { ...names, newId: filed.id, endDate: formatDate(endsAt, context.activity.locale, now) }));
}
