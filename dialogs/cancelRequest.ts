/**
 * `cancel GA-…` (`cancelar GA-…`): the requester withdraws a request their sponsor has not
 * decided yet. The change is conditional, so a cancel and the sponsor's click at the same moment
 * cannot both win; the sponsor's card then says it was cancelled and can no longer be decided.
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import { isRequestId } from '../src/requests/requestId';
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

export async function cancelRequest(context: TurnContext, requestId: string, deps: CancelRequestDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const request = await deps.requests.get(requestId);
  // Someone else's request is answered like one that does not exist: ids are quoted in chats.
  if (!request || !userId || request.requester.id !== userId) {
    await context.sendActivity(t('cancelRequest.notFound', { id: requestId }));
    return;
  }
  const names = { id: request.id, sponsor: plainText(request.sponsor.displayName), guest: plainText(request.guestEmail) };
  const cancelled =
    request.state === 'pending_approval' || request.state === 'pending_owner_approval'
      ? await deps.requests.transition({
          id: request.id,
          from: request.state,
          to: 'cancelled',
          actor: { kind: 'user', id: userId, displayName: request.requester.displayName },
        })
      : undefined;
  if (cancelled) {
    await context.sendActivity(t('cancelRequest.done', names));
    return;
  }
  const now = (await deps.requests.get(request.id)) ?? request;
  await context.sendActivity(t('cancelRequest.tooLate', { ...names, state: t(`requestState.${now.state}`) }));
}
