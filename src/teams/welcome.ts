/**
 * The first time the bot sees a conversation: a greeting, and any approval that waited for this
 * person to have the app. Every time: the conversation's reference kept current (Teams may move
 * a conversation to another serviceUrl), so the bot can write to them later.
 */
import { TurnContext } from 'botbuilder';
import { translatorFor } from '../i18n';
import type { RequestRepository } from '../requests/requestRepository';
import type { ConversationReferenceStore } from '../storage/conversationReferenceStore';
import type { JobQueue } from '../storage/jobQueue';
import { directoryUserIdOf } from '../http/identity';
import { plainText } from '../../cards/plainText';

interface WelcomeDependencies {
  references: ConversationReferenceStore;
  requests: Pick<RequestRepository, 'awaitingCardFor'>;
  queue: Pick<JobQueue, 'enqueue'>;
  localDefaultUserId?: string;
}

/** True when it greeted: the turn then has said hello, and the dialogs need not. */
export async function welcome(context: TurnContext, deps: WelcomeDependencies): Promise<boolean> {
  const { activity } = context;
  // Proactive messages find people by their Entra object id. Someone the channel gives none is
  // not stored under anything else, or a caller could pass their own id off as another's.
  const userId = directoryUserIdOf(activity, deps.localDefaultUserId);
  if (!userId) return false;
  if ((await deps.references.keep(TurnContext.getConversationReference(activity), userId)) !== 'new') return false;

  const t = translatorFor(activity.locale);
  const firstName = activity.from.name?.trim().split(/\s+/)[0];
  const hello = firstName && firstName.toLowerCase() !== 'user' ? t('greeting.named', { name: plainText(firstName) }) : t('greeting.anonymous');
  await context.sendActivity(`${hello}\n\n${t('greeting.body')}`);

  const waiting = await deps.requests.awaitingCardFor(userId);
  if (waiting.length > 0) {
    await deps.queue.enqueue(waiting.map((request) => ({ kind: 'deliverApprovalCard' as const, requestId: request.id })));
  }
  return true;
}
