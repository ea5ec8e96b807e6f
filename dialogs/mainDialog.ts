/**
 * The router: what a message means when no question is pending. `request` starts the request
 * dialog and `reset GA-…` the reset of a guest's redemption; `help`, `cancel`, `cancel GA-…`,
 * `link GA-…`, `email GA-…`, `extend GA-…`, `status`, `pending` and `guests` answer here;
 * anything else gets a pointer to what works. A command for one guest finds that guest first
 * (useCases/findGuest): a request for several needs the guest named, by address or row id.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  type DialogContext,
  type DialogState,
  DialogSet,
  type DialogTurnResult,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { commandOf, translatorFor } from '../src/i18n';
import { plainText } from '../cards/plainText';
import { senderOf } from '../src/http/identity';
import { findGuest, type NamedGuest } from '../src/useCases/findGuest';
import { type AuditSummaryDependencies, showAuditSummary } from './auditSummary';
import { type CancelRequestDependencies, cancelRequestCommand } from './cancelRequest';
import { extendAccessCommand, type ExtendAccessDependencies } from './extendAccess';
import { type GuestListDependencies, guestListPageIn, showGuests } from './guestList';
import { commandNamingRequest, guestAddressIn, requestIdIn } from './namedRequest';
import { type PerGuestCommand, sayWhichGuest } from './guestChoice';
import { END_EVERY_GUEST_DIALOG, EndEveryGuestDialog, type EndEveryGuestOptions } from './endEveryGuestDialog';
import { askToReinvite, type ReinviteDependencies } from './reinviteCommands';
import { type RequestListsDependencies, showPendingApprovals, showStatus } from './requestLists';
import { takeOverSponsorshipCommand, type TakeOverSponsorshipCommandDependencies } from './takeOverSponsorship';
import { REQUEST_ACCESS_DIALOG, type RequestAccessDialog, type RequestDraft } from './requestAccessDialog';
import { REQUEST_AGAIN_DIALOG, RequestAgainDialog, type RequestAgainDependencies, type RequestAgainOptions } from './requestAgain';
import { END_ACCESS, RESET_REDEMPTION, SponsorActionDialog, type SponsorActionOptions } from './sponsorActionDialog';

const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'mainRoute';

/** How much of a message that is no command the answer quotes back: enough to recognise it. */
const QUOTED_LENGTH = 100;

/** Set on the turn state when the bot has just greeted, so the same turn says nothing more. */
export const GREETED_THIS_TURN = Symbol('greetedThisTurn');

/**
 * Set on the turn state of a turn the bot makes itself in the employee's chat (the message
 * extension's, src/teams/requestFromMessage): a checked request to confirm. Never read from the
 * activity, which anyone who can post to the bot could write.
 */
export const REQUEST_DRAFT = Symbol('requestDraft');

/** A dialog a message starts, with its options. */
interface DialogToStart {
  dialogId: string;
  options?: object;
}

export class MainDialog extends ComponentDialog {
  constructor(
    requestAccessDialog: RequestAccessDialog,
    private readonly deps: CancelRequestDependencies &
      ReinviteDependencies &
      RequestListsDependencies &
      GuestListDependencies &
      ExtendAccessDependencies &
      RequestAgainDependencies &
      AuditSummaryDependencies &
      TakeOverSponsorshipCommandDependencies,
  ) {
    super(MAIN_DIALOG);
    if (!requestAccessDialog || !deps?.requests) throw new Error('MainDialog needs the request dialog and the requests.');
    this.addDialog(requestAccessDialog)
      .addDialog(new SponsorActionDialog(RESET_REDEMPTION, deps))
      .addDialog(new SponsorActionDialog(END_ACCESS, deps))
      .addDialog(new EndEveryGuestDialog(deps))
      .addDialog(new RequestAgainDialog(deps))
      .addDialog(new WaterfallDialog(ROUTE, [(step) => this.routeStep(step)]));
    this.initialDialogId = ROUTE;
  }

  /**
   * Continues whatever is pending in this conversation, or routes the message afresh. A message
   * that starts nothing (help, status, cancel GA-…) is answered without the dialog machinery,
   * which would otherwise be most of such a turn's work.
   */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const state = await accessor.get(context, { dialogStack: [] });
    const dialogs = () => new DialogSet(accessor).add(this).createContext(context);
    const draft = context.turnState.get(REQUEST_DRAFT) as RequestDraft | undefined;
    if (draft) {
      await this.confirmDraft(await dialogs(), draft);
      return;
    }
    if (state.dialogStack.length > 0) {
      await (await dialogs()).continueDialog();
      return;
    }
    const next = await this.route(context);
    if (next) await (await dialogs()).beginDialog(this.id, next);
  }

  /**
   * A request filled in elsewhere (the message extension's form) goes to its summary and Yes/No
   * question; whatever this chat was in the middle of is put aside, with a word, since the person
   * has just asked for this one.
   */
  private async confirmDraft(dc: DialogContext, draft: RequestDraft): Promise<void> {
    if (dc.stack.length > 0) {
      await dc.cancelAllDialogs();
      await dc.context.sendActivity(translatorFor(dc.context.activity.locale)('messageExtension.setAside'));
    }
    await dc.beginDialog(this.id, { dialogId: REQUEST_ACCESS_DIALOG, options: { draft } } satisfies DialogToStart);
  }

  /**
   * The dialog's first step: run() has routed the message already and names the dialog it starts;
   * begun by any other host (a test client), the message is routed here.
   */
  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const named = step.options as Partial<DialogToStart> | undefined;
    const next = named?.dialogId ? { dialogId: named.dialogId, options: named.options } : await this.route(step.context);
    return next ? step.replaceDialog(next.dialogId, next.options) : step.endDialog();
  }

  /**
   * A command for one guest: on the guest named (the request's only one, or one named by address
   * or row id); for a request with several and none named, `end` and `request again` act on every
   * guest they apply to, and the others say which guests there are, to name one.
   */
  private async actOnGuest(context: TurnContext, command: PerGuestCommand, named: NamedGuest): Promise<DialogToStart | undefined> {
    const t = translatorFor(context.activity.locale);
    const found = await findGuest(this.deps, named, senderOf(context.activity, this.deps.localDefaultUserId), context.activity.from.name ?? '');
    if (found.outcome === 'notFound') {
      await context.sendActivity(t(command === 'request' ? 'cancelRequest.notFound' : 'reinvite.notFound', { id: named.id }));
      return undefined;
    }
    if (found.outcome === 'whichGuest' && command === 'end') {
      return { dialogId: END_EVERY_GUEST_DIALOG, options: { requestId: found.guests[0].requestId } satisfies EndEveryGuestOptions };
    }
    if (found.outcome === 'whichGuest' && command === 'request') {
      return { dialogId: REQUEST_AGAIN_DIALOG, options: { requestId: found.guests[0].requestId } satisfies RequestAgainOptions };
    }
    if (found.outcome !== 'guest') {
      await sayWhichGuest(context, found, command);
      return undefined;
    }
    const { id } = found.guest;
    switch (command) {
      case 'link':
        await askToReinvite(context, id, 'sendFreshLink', this.deps);
        return undefined;
      case 'email':
        await askToReinvite(context, id, 'sendInvitationEmail', this.deps);
        return undefined;
      case 'extend':
        await extendAccessCommand(context, id, this.deps);
        return undefined;
      case 'reset':
        return { dialogId: RESET_REDEMPTION.dialogId, options: { requestId: id } satisfies SponsorActionOptions };
      case 'end':
        return { dialogId: END_ACCESS.dialogId, options: { requestId: id } satisfies SponsorActionOptions };
      case 'request':
        return { dialogId: REQUEST_AGAIN_DIALOG, options: { requestId: found.guest.requestId, guestId: id } satisfies RequestAgainOptions };
    }
  }

  /** Answers the message, or says which dialog it starts. */
  private async route(context: TurnContext): Promise<DialogToStart | undefined> {
    const t = translatorFor(context.activity.locale);
    const text = (context.activity.text ?? '').trim();
    const namedRequest = requestIdIn(text);
    if (namedRequest) {
      const named = { id: namedRequest, address: guestAddressIn(text, namedRequest) };
      const command = commandNamingRequest(text, namedRequest, ['cancel', 'link', 'email', 'reset', 'end', 'extend', 'request', 'sponsor']);
      switch (command) {
        case 'cancel':
          await cancelRequestCommand(context, named, this.deps);
          return undefined;
        case 'sponsor':
          await takeOverSponsorshipCommand(context, namedRequest, textAfter(text, namedRequest), this.deps);
          return undefined;
        case 'link':
        case 'email':
        case 'reset':
        case 'end':
        case 'extend':
        case 'request':
          return this.actOnGuest(context, command, named);
      }
    }
    // `guests`, or a page of it (`guests 2`): the page travels in the command.
    const guestsPage = guestListPageIn(text);
    if (guestsPage !== undefined) {
      await showGuests(context, guestsPage, this.deps);
      return undefined;
    }
    switch (commandOf(text, ['request', 'help', 'cancel', 'status', 'pending', 'audit'])) {
      case 'request':
        return { dialogId: REQUEST_ACCESS_DIALOG };
      case 'status':
        await showStatus(context, this.deps);
        return undefined;
      case 'pending':
        await showPendingApprovals(context, this.deps);
        return undefined;
      case 'audit':
        await showAuditSummary(context, this.deps);
        return undefined;
      case 'help':
        await context.sendActivity(t('help.general'));
        return undefined;
      case 'cancel':
        await context.sendActivity(t('dialog.nothingToCancel'));
        return undefined;
      default:
        if (!context.turnState.get(GREETED_THIS_TURN)) {
          await context.sendActivity(text ? t('dialog.notUnderstood', { text: plainText(text.slice(0, QUOTED_LENGTH)) }) : t('help.general'));
        }
        return undefined;
    }
  }
}

/** What follows the request id in a message (`sponsor GA-… someone@contoso.com`: the address). */
function textAfter(text: string, requestId: string): string {
  const at = text.toUpperCase().indexOf(requestId);
  return at < 0 ? '' : text.slice(at + requestId.length).trim();
}
