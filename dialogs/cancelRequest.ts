/**
 * `cancel GA-…` (`cancelar GA-…`): the requester withdraws a request nobody has decided yet
 * (useCases/cancelRequest); the sponsor's card then says it was cancelled and can no longer be
 * decided. This turn says what happened.
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import { cancelRequest } from '../src/useCases/cancelRequest';
import type { RequestRepository } from '../src/requests/requestRepository';
import { senderOf } from '../src/http/identity';
import { plainText } from '../cards/plainText';

export interface CancelRequestDependencies {
  requests: RequestRepository;
  localDefaultUserId?: string;
}

export async function cancelRequestCommand(context: TurnContext, requestId: string, deps: CancelRequestDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const cancellation = await cancelRequest(deps.requests, requestId, senderOf(context.activity, deps.localDefaultUserId));
  if (cancellation.outcome === 'notFound') {
    await context.sendActivity(t('cancelRequest.notFound', { id: requestId }));
    return;
  }
  const { request } = cancellation;
  const names = { id: request.id, sponsor: plainText(request.sponsor.displayName), guest: plainText(request.guestEmail) };
  await context.sendActivity(
    cancellation.outcome === 'cancelled' ? t('cancelRequest.done', names) : t('cancelRequest.tooLate', { ...names, state: t(`requestState.${request.state}`) }),
  );
}
