/**
 * `reset GA-…` (`restablecer GA-…`) and `end GA-…` (`terminar GA-…`): what only a sponsor may ask
 * for a guest's access (useCases/askAsSponsor), after confirming, because it cannot be undone. This
 * dialog asks, and says what happened:
 * - a reset: the guest must accept again; every earlier link stops working, and the requester (or
 *   the sponsor) gets the new link from the job;
 * - an end: the access ends now rather than on its end date, and the requester is told by the job.
 */
import { ComponentDialog, type DialogContext, type DialogTurnResult, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { commandOf, translatorFor } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { senderOf } from '../src/http/identity';
import { askAsSponsor, type SponsorAsk, type SponsorOnlyAction } from '../src/useCases/askAsSponsor';
import { plainText } from '../cards/plainText';
import type { ReinviteDependencies } from './reinviteCommands';
import { answerOf, isYesOrNo, yesNoQuestion } from './yesNo';

const RESET_REDEMPTION_DIALOG = 'resetRedemptionDialog';
const END_ACCESS_DIALOG = 'endAccessDialog';

export interface SponsorActionOptions {
  /** The guest's row: the request's id for its first (or only) guest (see useCases/findGuest). */
  requestId: string;
}

/** One sponsor action: the dialog that asks for it, and its texts. */
interface SponsorAction {
  dialogId: typeof RESET_REDEMPTION_DIALOG | typeof END_ACCESS_DIALOG;
  /** What the sponsor asks for (useCases/askAsSponsor), and where its texts are in the i18n files. */
  name: SponsorOnlyAction;
  /**
   * The texts for this request, when they depend on it: a reset's new link goes to the sponsor
   * rather than the requester when the request did not create the guest's account.
   */
  textsFor?(request: AccessRequest): {
    confirm: `resetRedemption.${'confirm' | 'confirmLinkToSponsor'}`;
    queued: `resetRedemption.${'queued' | 'queuedLinkToSponsor'}`;
  };
}

export const RESET_REDEMPTION: SponsorAction = {
  dialogId: RESET_REDEMPTION_DIALOG,
  name: 'resetRedemption',
  textsFor: (request) =>
    request.createdGuestAccount === true
      ? { confirm: 'resetRedemption.confirm', queued: 'resetRedemption.queued' }
      : { confirm: 'resetRedemption.confirmLinkToSponsor', queued: 'resetRedemption.queuedLinkToSponsor' },
};

export const END_ACCESS: SponsorAction = { dialogId: END_ACCESS_DIALOG, name: 'endAccess' };

export class SponsorActionDialog extends ComponentDialog {
  private readonly steps: string;
  private readonly confirmPrompt: string;
  private readonly deps: ReinviteDependencies & { clock: () => Date };

  constructor(
    private readonly action: SponsorAction,
    deps: ReinviteDependencies & { clock?: () => Date },
  ) {
    super(action.dialogId);
    this.deps = { ...deps, clock: deps.clock ?? (() => new Date()) };
    this.steps = `${action.dialogId}Steps`;
    this.confirmPrompt = `${action.dialogId}Confirm`;
    this.addDialog(new TextPrompt(this.confirmPrompt, isYesOrNo)).addDialog(
      new WaterfallDialog(this.steps, [(step) => this.ask(step), (step) => this.act(step)]),
    );
    this.initialDialogId = this.steps;
  }

  /** `cancel` while the question is open leaves everything as it is, like `no`. */
  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (commandOf(innerDc.context.activity.text, ['cancel'])) {
      await innerDc.context.sendActivity(translatorFor(innerDc.context.activity.locale)(`${this.action.name}.cancelled`));
      return innerDc.cancelAllDialogs();
    }
    return super.onContinueDialog(innerDc);
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = translatorFor(step.context.activity.locale);
    const ask = await this.check(step);
    if (ask.outcome === 'notFound') return this.say(step, t('reinvite.notFound', { id: (step.options as SponsorActionOptions).requestId }));
    if (ask.outcome === 'sponsorOnly') return this.say(step, t(`${this.action.name}.sponsorOnly`, namesOf(ask.request)));
    if (ask.outcome === 'notGranted') return this.nothingToDo(step, ask.request);
    const names = namesOf(ask.request);
    return step.prompt(this.confirmPrompt, {
      prompt: yesNoQuestion(t, t(this.action.textsFor?.(ask.request).confirm ?? `${this.action.name}.confirm`, names)),
      retryPrompt: yesNoQuestion(t, t(`${this.action.name}.confirmRetry`, names)),
    });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const t = translatorFor(step.context.activity.locale);
    // Checked again: the request may have changed while the sponsor was deciding.
    const ask = await this.check(step);
    if (ask.outcome === 'notFound' || ask.outcome === 'sponsorOnly') return step.endDialog();
    if (!answerOf(step.result as string)) return this.say(step, t(`${this.action.name}.kept`, namesOf(ask.request)));
    if (ask.outcome === 'notGranted') return this.nothingToDo(step, ask.request);
    // Said before the ask is recorded: its job may answer within milliseconds, and must come second.
    await step.context.sendActivity(t(this.action.textsFor?.(ask.request).queued ?? `${this.action.name}.queued`, namesOf(ask.request)));
    const recorded = await ask.record();
    // Ended in the moment between: say how it stands now.
    return recorded.outcome === 'notGranted' ? this.nothingToDo(step, recorded.request) : step.endDialog();
  }

  /** What the sender may ask of the request now. */
  private check(step: WaterfallStepContext): Promise<SponsorAsk> {
    const { activity } = step.context;
    const sender = senderOf(activity, this.deps.localDefaultUserId);
    return askAsSponsor(this.deps, this.action.name, (step.options as SponsorActionOptions).requestId, sender, activity.from.name ?? '');
  }

  private nothingToDo(step: WaterfallStepContext, request: AccessRequest): Promise<DialogTurnResult> {
    const t = translatorFor(step.context.activity.locale);
    return this.say(step, t(`${this.action.name}.notInvited`, { ...namesOf(request), state: t(`requestState.${request.state}`) }));
  }

  private async say(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(text);
    return step.endDialog();
  }
}

/** The request as people quote it: a guest of several is named by address beside it. */
function namesOf(request: AccessRequest) {
  return {
    id: request.requestId,
    guest: plainText(request.guestEmail),
    sponsor: plainText(request.sponsor.displayName),
    requester: plainText(request.requester.displayName),
  };
}
