/**
 * One turn of the conversation's dialogs, for a typed message or a button that stands for one:
 * the main dialog runs on the conversation's dialog state, and a request left half-answered too
 * long is let go first.
 */
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { translatorFor } from '../i18n';

/** The main dialog, as a turn runs it. */
interface ConversationDialog {
  run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void>;
}

export class DialogTurn {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly lastMessageAt: StatePropertyAccessor<string>;

  constructor(
    conversationState: ConversationState,
    private readonly dialog: ConversationDialog,
    /** A request dialog untouched this long is forgotten, with a note, when the person next writes. */
    private readonly timeoutMs: number,
    private readonly clock: () => Date,
  ) {
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.lastMessageAt = conversationState.createProperty<string>('lastMessageAt');
  }

  async run(context: TurnContext): Promise<void> {
    await this.forgetStaleDialog(context);
    await this.dialog.run(context, this.dialogState);
    await this.noteDialogTime(context);
  }

  /**
   * A request left half-answered for DIALOG_TIMEOUT_MINUTES is let go, and the person told, so an
   * answer typed days later is not taken for the old question.
   */
  private async forgetStaleDialog(context: TurnContext): Promise<void> {
    const last = await this.lastMessageAt.get(context);
    const state = await this.dialogState.get(context);
    if (!last || !state?.dialogStack?.length || this.clock().getTime() - Date.parse(last) < this.timeoutMs) return;
    await this.dialogState.set(context, { dialogStack: [] });
    await context.sendActivity(translatorFor(context.activity.locale)('dialog.forgotten', { minutes: Math.round(this.timeoutMs / 60_000) }));
  }

  /**
   * After the dialog ran: the time of this message while a question is pending, nothing otherwise.
   * A turn that leaves no dialog open (help, status, a card click) then changes no state, and
   * botbuilder writes none.
   */
  private async noteDialogTime(context: TurnContext): Promise<void> {
    const state = await this.dialogState.get(context);
    if (state?.dialogStack?.length) await this.lastMessageAt.set(context, this.clock().toISOString());
    else await this.lastMessageAt.delete(context);
  }
}
