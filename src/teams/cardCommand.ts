/**
 * Buttons that stand for a typed command (OK, Yes, New link, Send Microsoft's email, Reset
 * redemption, Cancel request): the turn runs exactly as if the command had been typed, so the
 * same checks apply.
 */
import { ActivityTypes, type AdaptiveCardInvokeAction, type AdaptiveCardInvokeResponse, type TurnContext } from 'botbuilder';
import { translatorFor } from '../i18n';
import { buttonData, type CardAction } from './cardClick';
import { badCardAction, noticeAnswer } from './invokeAnswers';

/** Button data comes from the client; a command is a word or two and a request id, so more is cut. */
const COMMAND_LENGTH_LIMIT = 200;

/**
 * The `Action.Execute` button with verb `command` and the command in `data.command`: the dialogs
 * run on it as the message, and the click itself is answered with a pointer to the reply in the
 * chat. These are `Action.Execute` rather than `Action.Submit` because the Agents Playground acts
 * only on the former, and Teams on both.
 */
export class CommandAction implements CardAction {
  readonly verbs = ['command'] as const;

  constructor(private readonly runDialog: (context: TurnContext) => Promise<void>) {}

  async answerClick(context: TurnContext, action: AdaptiveCardInvokeAction): Promise<AdaptiveCardInvokeResponse> {
    const t = translatorFor(context.activity.locale);
    const { command } = buttonData<'command'>(action);
    if (typeof command !== 'string' || command.trim() === '') return badCardAction('BadRequest', 'A command button needs data.command.');
    const { activity } = context;
    activity.text = command.slice(0, COMMAND_LENGTH_LIMIT);
    // Prompts take only messages (a click would leave the question unanswered), so for the dialog
    // the click is the message it stands for; the adapter still answers it as the invoke it is.
    activity.type = ActivityTypes.Message;
    try {
      await this.runDialog(context);
    } finally {
      activity.type = ActivityTypes.Invoke;
    }
    return noticeAnswer(t('cardCommand.answered'));
  }
}

/**
 * Status cards posted before their buttons became `Action.Execute` are still in people's chats:
 * their `Action.Submit` arrives as the command's text in Teams (`imBack`), and from other clients
 * as the button's data only. Either way it reads as typed.
 */
export function readSubmittedCommand(context: TurnContext): void {
  const { activity } = context;
  const command = (activity.value as { command?: unknown } | undefined)?.command;
  if (!activity.text && typeof command === 'string') activity.text = command.slice(0, COMMAND_LENGTH_LIMIT);
}
