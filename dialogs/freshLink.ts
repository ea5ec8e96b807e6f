/**
 * `link GA-…` (`enlace GA-…`): the requester or the sponsor asks for a fresh invitation link.
 * The turn only checks and queues the work (Graph is never waited on in a turn); the link
 * follows in a moment from the `sendFreshLink` job.
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import { myAppsUrl } from '../src/requests/accessPlan';
import type { RequestRepository } from '../src/requests/requestRepository';
import type { JobQueue } from '../src/storage/jobQueue';
import { directoryUserIdOf } from '../src/teams/identity';
import { plainText } from '../src/teams/plainText';

export interface FreshLinkDependencies {
  requests: RequestRepository;
  queue: JobQueue;
  localDefaultUserId?: string;
}

export async function askForFreshLink(context: TurnContext, requestId: string, deps: FreshLinkDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const request = await deps.requests.get(requestId);
  const askedBy = !request || !userId ? undefined : request.requester.id === userId ? 'requester' : request.sponsor.id === userId ? 'sponsor' : undefined;
  if (!request || !askedBy) {
    await context.sendActivity(t('freshLink.notFound', { id: requestId }));
    return;
  }
  const names = { id: request.id, guest: plainText(request.guestEmail) };
  if (request.state === 'accepted') {
    await context.sendActivity(t('freshLink.alreadyAccepted', { ...names, url: myAppsUrl(request.tenantId) }));
    return;
  }
  if (request.state !== 'invited') {
    await context.sendActivity(t('freshLink.notInvited', { ...names, state: t(`requestState.${request.state}`) }));
    return;
  }
  await deps.queue.enqueue([{ kind: 'sendFreshLink', requestId: request.id, notice: askedBy }]);
  await context.sendActivity(t('freshLink.queued', names));
}
