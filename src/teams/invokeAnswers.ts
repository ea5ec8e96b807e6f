/**
 * How the bot answers an invoke (a card click): with the card, updated in place; or, when it has
 * no card to show, with a message-type answer, which Teams shows as a short notice; or with an
 * error-type answer, for callers that sent something the bot does not handle. The message
 * extension's own answers (a task module) are built in teams/requestFromMessage.
 */
import type { AdaptiveCardInvokeResponse, InvokeResponse, TurnContext } from 'botbuilder';
import { isMessageExtensionInvoke, messageExtensionNotice } from './requestFromMessage/messageExtensionInvokes';

/** The card that takes the clicked one's place. */
export function cardAnswer(card: Record<string, unknown>): AdaptiveCardInvokeResponse {
  return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card };
}

/** `text`, shown to the clicker as a notice; the card stays as it was. */
export function noticeAnswer(text: string): AdaptiveCardInvokeResponse {
  // The schema types `value` as an object; Teams takes a message-type answer's text as it is.
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

/** A 400 in the Adaptive Card invoke error shape, for a click the bot cannot take. */
export function badCardAction(code: string, message: string): AdaptiveCardInvokeResponse {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code, message } };
}

/** The same 400, for an invoke the bot cannot take, answered before the SDK reads it. */
export function badInvoke(code: string, message: string): InvokeResponse {
  return { status: 400, body: badCardAction(code, message) };
}

/** Answers the invoke in flight with `text` as a notice, from wherever the turn stopped, in the shape its kind of invoke shows. */
export async function answerInvokeWith(context: TurnContext, text: string): Promise<void> {
  const body = isMessageExtensionInvoke(context.activity) ? messageExtensionNotice(context.activity, text) : noticeAnswer(text);
  await context.sendActivity({ type: 'invokeResponse', value: { status: 200, body } });
}
