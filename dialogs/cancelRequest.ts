/**
 * `cancel GA-…` (`cancelar GA-…`): the requester withdraws a request nobody has decided yet
 * (useCases/cancelRequest); the sponsor's card then says it was cancelled and can no longer be
 * decided. This turn says what happened.
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import { isRequestId } from '../src/requests/requestId';
import { cancelRequest } from '../src/useCases/cancelRequest';
import type { RequestRepository } from '../src/requests/requestRepository';
import { directoryUserIdOf } from '../src/teams/identity';
import { plainText } from '../src/teams/plainText';

export interface CancelRequestDependencies {
  requests: RequestRepository;
  localDefaultUserId?: string;
}

/** The words a command that names a request is read in (`solicitar de nuevo GA-…` has four). */
const COMMAND_WORDS_WITH_ID = 8;

/**
 * `GA-7K3QZP` in `cancel GA-7K3QZP` or `request again GA-7K3QZP` (any case): the first word after
 * the command that is a request id, or undefined when the text names no request. Only the first
 * few words are read, so a long message is not split whole.
 */
export function requestIdIn(text: string): string | undefined {
  return text
    .trim()
    .split(/\s+/, COMMAND_WORDS_WITH_ID)
    .slice(1)
    .map((word) => word.toUpperCase())
    .find(isRequestId);
}

export async function cancelRequestCommand(context: TurnContext, requestId: string, deps: CancelRequestDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const cancellation = await cancelRequest(deps.requests, requestId, { userId, conversationId: context.activity.conversation.id });
  if (cancellation.outcome === 'notFound') {
    await context.sendActivity(t('cancelRequest.notFound', { id: requestId }));
    return;
  }
  const { request } = cancellation;
  const names = { id: request.id, sponsor: plainText(request.sponsor.displayName), guest: plainText(request.guestEmail) };
  await context.sendActivity(cancellation.outcome === 'cancelled' ? t('cancelRequest.done', names) : t('cancelRequest.tooLate', { ...names, state: t(`requestState.${request.state}`) }));
}
