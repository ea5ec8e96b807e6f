/**
 * The buttons that ask the approvals for a decision: Approve, Reject and Refresh on the approval
 * card (the sponsor's and each owner stage's), Extend and Let it end on the offer to extend. The
 * approvals authorize the clicker and change the request; here each click is logged, named on the
 * turn's span (the verb and what came of it), and answered with the card the approvals give back.
 */
import { trace } from '@opentelemetry/api';
import type { Activity, AdaptiveCardInvokeAction, AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { type Clicker, decide } from '../approvals/decide';
import { answerExtension, EXTENSION_VERBS, type ExtensionContext } from '../approvals/extension';
import { buttonData, type CardAction } from './cardClick';
import { directoryUserIdOf } from '../http/identity';
import { cardAnswer } from './invokeAnswers';

export interface ApprovalClickDependencies {
  /** What the approval and extension decisions read and change. */
  approvals: ExtensionContext;
  /** Unauthenticated runs only; see directoryUserIdOf(). */
  localDefaultUserId?: string;
  logger: Logger;
}

/**
 * The approval card's verbs and any verb no card offers: decide() knows its own and answers the
 * rest with a notice card, so such a click is a 200 that changes nothing.
 */
export class ApprovalDecisionAction implements CardAction {
  constructor(private readonly deps: ApprovalClickDependencies) {}

  async answerClick(context: TurnContext, action: AdaptiveCardInvokeAction): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const { verb } = action;
    const clicker = clickerOf(activity, this.deps.localDefaultUserId);
    const { requestId, stage, comment } = buttonData<'requestId' | 'stage' | 'comment'>(action);
    const decision = await decide({ verb, requestId, stage, comment, clicker }, this.deps.approvals);
    this.deps.logger.info(
      { requestId: decision.request?.id, verb, outcome: decision.outcome, from: activity.from.aadObjectId ?? activity.from.id },
      'approval card action',
    );
    trace.getActiveSpan()?.setAttributes({ 'card.verb': verb, 'card.outcome': decision.outcome });
    return cardAnswer(decision.card);
  }
}

/** Extend, Let it end and Refresh on the offer to extend a guest's access. */
export class ExtensionAnswerAction implements CardAction {
  readonly verbs = EXTENSION_VERBS;

  constructor(private readonly deps: ApprovalClickDependencies) {}

  async answerClick(context: TurnContext, action: AdaptiveCardInvokeAction): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const { verb } = action;
    const clicker = clickerOf(activity, this.deps.localDefaultUserId);
    const { requestId, offeredFor } = buttonData<'requestId' | 'offeredFor'>(action);
    const answer = await answerExtension({ verb, requestId, offeredFor, clicker }, this.deps.approvals);
    this.deps.logger.info(
      { requestId: typeof requestId === 'string' ? requestId : undefined, verb, outcome: answer.outcome, from: activity.from.aadObjectId ?? activity.from.id },
      'extension card action',
    );
    trace.getActiveSpan()?.setAttributes({ 'card.verb': verb, 'card.outcome': answer.outcome });
    return cardAnswer(answer.card);
  }
}

/** Who clicked, from the channel's identity. */
function clickerOf(activity: Activity, localDefaultUserId: string | undefined): Clicker {
  return {
    userId: directoryUserIdOf(activity, localDefaultUserId),
    channelUserId: activity.from.id,
    displayName: activity.from.name ?? '',
    locale: activity.locale ?? 'en',
    conversationId: activity.conversation.id,
  };
}
