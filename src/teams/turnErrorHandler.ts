/**
 * When a turn fails: log it once, with what an operator needs to find it, and tell the user
 * plainly in their language, with a reference they can quote. A directory outage keeps the
 * dialog where it was (the user sends the answer again); anything else starts the
 * conversation afresh, so one bad state cannot fail every later turn.
 */
import { randomBytes } from 'node:crypto';
import type { ConversationState, TurnContext } from 'botbuilder';
import { DialogContextError } from 'botbuilder-dialogs';
import type { Logger } from 'pino';
import { DirectoryError } from '../directory/directory';
import { translatorFor } from '../i18n';
import { answerInvokeWith } from './invokeAnswers';
import { isMessageExtensionInvoke } from './requestFromMessage/messageExtensionInvokes';

export function turnErrorHandler(logger: Logger, conversationState: ConversationState): (context: TurnContext, error: Error) => Promise<void> {
  return async (context, error) => {
    const { activity } = context;
    const reference = randomBytes(4).toString('hex');
    const cardData = (activity.value as { action?: { data?: { requestId?: unknown } } } | undefined)?.action?.data;
    // Dialogs wrap what their steps throw; the cause decides what the user is told.
    const cause: unknown = error instanceof DialogContextError ? error.error : error;
    logger.error(
      {
        err: cause,
        activeDialog: error instanceof DialogContextError ? error.dialogContext.activeDialog : undefined,
        reference,
        requestId: typeof cardData?.requestId === 'string' ? cardData.requestId : undefined,
        activityType: activity.type,
        activityId: activity.id,
        conversationId: activity.conversation?.id,
      },
      'turn failed',
    );
    const directoryDown = cause instanceof DirectoryError && cause.transient;
    try {
      // The message extension keeps no conversation state (its invokes may come from someone else's chat): nothing of theirs to reset.
      if (!directoryDown && !isMessageExtensionInvoke(activity)) await conversationState.delete(context);
      if (activity.type !== 'message' && activity.type !== 'invoke') return;
      const t = translatorFor(activity.locale);
      const text = directoryDown ? t('errors.directoryUnavailable') : t('errors.turnFailed', { ref: reference });
      // A click is answered in its own response; without one the adapter would answer 501.
      if (activity.type === 'invoke') await answerInvokeWith(context, text);
      else await context.sendActivity(text);
    } catch (recoveryError) {
      logger.warn({ err: recoveryError, reference }, 'could not reset the conversation or tell the user about the failed turn');
    }
  };
}
