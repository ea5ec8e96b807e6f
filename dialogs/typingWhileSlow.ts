/**
 * The typing indicator, only when the person would otherwise wait: a look-up that answers within
 * TYPING_AFTER_MS (the directory usually does) sends nothing, one that takes longer shows the bot
 * is working. An indicator sent on every look-up cost an outbound Bot Connector call each, three or
 * four a request, for a dot that nobody sees when the answer follows at once.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';

/** About when a pause starts to feel like no answer: shorter waits go without the indicator. */
export const TYPING_AFTER_MS = 300;

/** Runs `work`; if it is still running after TYPING_AFTER_MS, the person sees the bot typing. */
export async function typingWhileSlow<T>(context: TurnContext, work: () => Promise<T>): Promise<T> {
  let typing: Promise<unknown> | undefined;
  const timer = setTimeout(() => {
    // Only a courtesy: a failed indicator must not fail the turn (its answer is sent next anyway).
    typing = context.sendActivity({ type: ActivityTypes.Typing }).catch(() => undefined);
  }, TYPING_AFTER_MS);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
    // The indicator goes out before the answer that follows, and never after the turn has ended.
    await typing;
  }
}
