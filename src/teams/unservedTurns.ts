/**
 * What the bot says to a turn it will not serve: one short answer where the person expects one (a
 * message, a card click, the bot added to a group), and one warning for the operator.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { translatorFor } from '../i18n';
import type { Refusal } from './admission';
import { answerInvokeWith } from './invokeAnswers';
import type { TurnVerdict } from './turnRateLimit';

/** Refused at admission: nothing read or stored. */
export async function refuseTurn(context: TurnContext, refusal: Refusal, logger: Logger): Promise<void> {
  const { activity } = context;
  logger.warn(
    {
      refusal,
      activityType: activity.type,
      channelId: activity.channelId,
      tenantId: (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId,
      conversationType: activity.conversation?.conversationType,
    },
    'activity refused',
  );
  const text = translatorFor(activity.locale)(`admission.${refusal}`);
  if (activity.type === 'message') {
    await context.sendActivity(text);
  } else if (activity.type === 'invoke') {
    await answerInvokeWith(context, text);
  } else if (refusal === 'groupConversation' && activity.membersAdded?.some((member) => member.id === activity.recipient?.id)) {
    await context.sendActivity(text);
  }
}

/** Over the turn limit: said once a minute for messages, on every click (a click needs an answer). */
export async function slowDown(context: TurnContext, verdict: Exclude<TurnVerdict, 'allowed'>, logger: Logger): Promise<void> {
  const { activity } = context;
  const text = translatorFor(activity.locale)('limits.slowDown');
  if (verdict === 'over') {
    logger.warn({ from: activity.from.aadObjectId ?? activity.from.id, activityType: activity.type }, 'turn limit reached (MAX_TURNS_PER_MINUTE)');
  }
  if (activity.type === 'invoke') await answerInvokeWith(context, text);
  else if (verdict === 'over') await context.sendActivity(text);
}
