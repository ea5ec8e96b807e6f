/**
 * The router: what a message means when no question is pending. `request` starts the request
 * dialog and `reset GA-…` the reset of a guest's redemption; `help`, `cancel`, `cancel GA-…`,
 * `link GA-…`, `email GA-…`, `status` and `pending` answer here; anything else gets a pointer to
 * what works.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogState,
  DialogSet,
  DialogTurnStatus,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { commandOf, translatorFor } from '../src/i18n';
import { plainText } from '../src/teams/plainText';
import { type AuditSummaryDependencies, showAuditSummary } from './auditSummary';
import { type CancelRequestDependencies, cancelRequest, requestIdIn } from './cancelRequest';
import { askToReinvite, type ReinviteDependencies } from './reinviteCommands';
import { type RequestListsDependencies, showPendingApprovals, showStatus } from './requestLists';
import { REQUEST_ACCESS_DIALOG, type RequestAccessDialog } from './requestAccessDialog';
import { type RequestAgainDependencies, requestAgain } from './requestAgain';
import { END_ACCESS, RESET_REDEMPTION, SponsorActionDialog, type SponsorActionOptions } from './sponsorActionDialog';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'mainRoute';

/** Set on the turn state when the bot has just greeted, so the same turn says nothing more. */
export const GREETED_THIS_TURN = Symbol('greetedThisTurn');

export class MainDialog extends ComponentDialog {
  constructor(
    requestAccessDialog: RequestAccessDialog,
    private readonly deps: CancelRequestDependencies & ReinviteDependencies & RequestListsDependencies & RequestAgainDependencies & AuditSummaryDependencies,
  ) {
    super(MAIN_DIALOG);
    if (!requestAccessDialog || !deps?.requests) throw new Error('MainDialog needs the request dialog and the requests.');
    this.addDialog(requestAccessDialog)
      .addDialog(new SponsorActionDialog(RESET_REDEMPTION, deps))
      .addDialog(new SponsorActionDialog(END_ACCESS, deps))
      .addDialog(new WaterfallDialog(ROUTE, [(step) => this.route(step)]));
    this.initialDialogId = ROUTE;
  }

  /** Continues whatever is pending in this conversation, or routes the message afresh. */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogs = new DialogSet(accessor);
    dialogs.add(this);
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  private async route(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const text = (context.activity.text ?? '').trim();
    const namedRequest = requestIdIn(text);
    if (namedRequest) {
      switch (commandOf(text.split(/\s+/)[0], ['cancel', 'link', 'email', 'reset', 'end', 'request'])) {
        case 'cancel':
          await cancelRequest(context, namedRequest, this.deps);
          return step.endDialog();
        case 'link':
          await askToReinvite(context, namedRequest, 'sendFreshLink', this.deps);
          return step.endDialog();
        case 'email':
          await askToReinvite(context, namedRequest, 'sendInvitationEmail', this.deps);
          return step.endDialog();
        case 'reset':
          return step.replaceDialog(RESET_REDEMPTION.dialogId, { requestId: namedRequest } satisfies SponsorActionOptions);
        case 'end':
          return step.replaceDialog(END_ACCESS.dialogId, { requestId: namedRequest } satisfies SponsorActionOptions);
        case 'request':
          await requestAgain(context, namedRequest, this.deps);
          return step.endDialog();
      }
    }
    switch (commandOf(text, ['request', 'help', 'cancel', 'status', 'pending', 'audit'])) {
      case 'request':
        return step.beginDialog(REQUEST_ACCESS_DIALOG);
      case 'status':
        await showStatus(context, this.deps);
        break;
      case 'pending':
        await showPendingApprovals(context, this.deps);
        break;
      case 'audit':
        await showAuditSummary(context, this.deps);
        break;
      case 'help':
        await context.sendActivity(t('help.general'));
        break;
      case 'cancel':
        await context.sendActivity(t('dialog.nothingToCancel'));
        break;
      default:
        if (!context.turnState.get(GREETED_THIS_TURN)) {
          await context.sendActivity(text ? t('dialog.notUnderstood', { text: plainText(text.slice(0, 100)) }) : t('help.general'));
        }
    }
    return step.endDialog();
  }
}
