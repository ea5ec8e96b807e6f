/**
 * `cancel GA-…` (`cancelar GA-…`): the requester withdraws a request nobody has decided yet
 * (useCases/cancelRequest), for every guest it asks for; the sponsor's card then says it was
 * cancelled and can no longer be decided. This turn says what happened.
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import { cancelRequest } from '../src/useCases/cancelRequest';
import type { NamedGuest } from '../src/useCases/findGuest';
import type { RequestRepository } from '../src/requests/requestRepository';
import { senderOf } from '../src/http/identity';
import { plainText } from '../cards/plainText';
import { guestAddresses, guestsWithStates } from './guestNames';

export interface CancelRequestDependencies {
  requests: RequestRepository;
  localDefaultUserId?: string;
}

export async function cancelRequestCommand(context: TurnContext, named: NamedGuest, deps: CancelRequestDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const cancellation = await cancelRequest(deps.requests, named, senderOf(context.activity, deps.localDefaultUserId));
  if (cancellation.outcome === 'notFound') {
    await context.sendActivity(t('cancelRequest.notFound', { id: named.id }));
    return;
  }
  const { request, guests } = cancellation;
  if (cancellation.outcome === 'wholeRequestOnly') {
    await context.sendActivity(t('severalGuests.cancelWhole', { id: request.requestId, count: guests.length, guests: guestsWithStates(t, guests) }));
    return;
  }
  const names = { id: request.requestId, sponsor: plainText(request.sponsor.displayName), guest: guestAddresses(context.activity.locale, guests) };
  // Too late for a request approved for some of its guests: where those stand, not the one left out.
  const { state } = guests.find((guest) => guest.state !== 'left_out') ?? request;
  await context.sendActivity(
    cancellation.outcome === 'cancelled' ? t('cancelRequest.done', names) : t('cancelRequest.tooLate', { ...names, state: t(`requestState.${state}`) }),
  );
}
