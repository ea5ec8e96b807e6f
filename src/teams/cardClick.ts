/**
 * A click on an Adaptive Card button (`Action.Execute`) carries a verb and data, which a client
 * can forge: each card action reads the data its own buttons carry, and takes who clicked from
 * the channel, never from the data.
 */
import type { AdaptiveCardInvokeAction, AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';

/** One family of verbs: how a click on one of its buttons is answered. */
export interface CardAction {
  /** The verbs its buttons carry. */
  readonly verbs: readonly string[];
  answerClick(context: TurnContext, action: AdaptiveCardInvokeAction): Promise<AdaptiveCardInvokeResponse>;
}

/** The button's `data` as a family expects it: every field unknown until its decision checks it. */
export function buttonData<Fields extends string>(action: AdaptiveCardInvokeAction): Partial<Record<Fields, unknown>> {
  return (action.data ?? {}) as Partial<Record<Fields, unknown>>;
}
