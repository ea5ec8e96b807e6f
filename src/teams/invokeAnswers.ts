/**
 * How the bot answers an invoke (a card click) when it has no card to show: Teams shows a
 * message-type answer as a short notice; an error-type answer is for callers that sent
 * something the bot does not handle.
 */
import type { InvokeResponse, TurnContext } from 'botbuilder';

/** Answers the invoke in flight with `text`, shown to the clicker as a notice. */
export async function answerInvokeWith(context: TurnContext, text: string): Promise<void> {
  await context.sendActivity({
    type: 'invokeResponse',
    value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
  });
}

/** A 400 in the Adaptive Card invoke error shape, for an invoke the bot cannot take. */
export function badInvoke(code: string, message: string): InvokeResponse {
  return { status: 400, body: { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code, message } } };
}
