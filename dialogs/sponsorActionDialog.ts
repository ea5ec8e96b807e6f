/**
 * What only a sponsor may do to a guest's access (they answer for the guest), after confirming,
 * because it cannot be undone:
 * - `reset GA-…` (`restablecer GA-…`): the guest must accept again, when they lost access to the
 *   account they accepted with or accepted with the wrong one; every earlier link stops working.
 *   The reset runs as a job (access/reinviteGuest) that sends the requester the new link.
 * - `end GA-…` (`terminar GA-…`): the access ends now rather than on its end date; the end runs
 *   as a job (access/endAccess) that removes it and tells the requester.
 * The ask is audited under the sponsor's name.
 */
import { ComponentDialog, type DialogContext, type DialogTurnResult, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { commandOf, translatorFor } from '../src/i18n';
import type { AccessRequest, Actor } from '../src/requests/accessRequest';
import type { RequestState } from '../src/requests/lifecycle';
import type { RequestRepository } from '../src/requests/requestRepository';
import { plainText } from '../cards/plainText';
import { askerOf, type ReinviteDependencies } from './reinviteCommands';
import { answerOf, isYesOrNo, yesNoQuestion } from './yesNo';

const RESET_REDEMPTION_DIALOG = 'resetRedemptionDialog';
const END_ACCESS_DIALOG = 'endAccessDialog';

/** A guest who is invited or has accepted has access to reset or end. */
const GRANTED: readonly RequestState[] = ['invited', 'accepted'];

export interface SponsorActionOptions {
  requestId: string;
}

/** One sponsor action: its texts (under `texts` in the i18n files) and what confirming it records. */
interface SponsorAction {
  dialogId: typeof RESET_REDEMPTION_DIALOG | typeof END_ACCESS_DIALOG;
  texts: 'resetRedemption' | 'endAccess';
  /**
   * The texts for this request, when they depend on it: a reset's new link goes to the sponsor
   * rather than the requester when the request did not create the guest's account.
   */
  textsFor?(request: AccessRequest): {
    confirm: `resetRedemption.${'confirm' | 'confirmLinkToSponsor'}`;
    queued: `resetRedemption.${'queued' | 'queuedLinkToSponsor'}`;
  };
  /** Records the ask and queues its job while the request is still granted; undefined when it no longer is. */
  record(requests: RequestRepository, request: AccessRequest, actor: Actor, now: Date): Promise<AccessRequest | undefined>;
}

export const RESET_REDEMPTION: SponsorAction = {
  dialogId: RESET_REDEMPTION_DIALOG,
  texts: 'resetRedemption',
  textsFor: (request) =>
    request.createdGuestAccount === true
      ? { confirm: 'resetRedemption.confirm', queued: 'resetRedemption.queued' }
      : { confirm: 'resetRedemption.confirmLinkToSponsor', queued: 'resetRedemption.queuedLinkToSponsor' },
  record: (requests, request, actor) =>
    requests.recordAsk({
      id: request.id,
      states: GRANTED,
      actor,
      action: 'redemptionResetAsked',
      jobs: [{ kind: 'resetRedemption', requestId: request.id, notice: 'sponsor' }],
    }),
};

export const END_ACCESS: SponsorAction = {
  dialogId: END_ACCESS_DIALOG,
  texts: 'endAccess',
  // The end date becomes now, so the end of access runs as it would have on its date.
  record: (requests, request, actor, now) =>
    requests.changeIf({
      id: request.id,
      states: GRANTED,
      patch: { endsAt: now.toISOString(), endReason: 'sponsor' },
      actor,
      action: 'endAccessAsked',
      detail: { endsAtBefore: request.endsAt },
      jobs: [{ kind: 'endAccess', requestId: request.id }],
    }),
};

export class SponsorActionDialog extends ComponentDialog {
  private readonly steps: string;
  private readonly confirmPrompt: string;

  constructor(
    private readonly action: SponsorAction,
    private readonly deps: ReinviteDependencies & { clock?: () => Date },
  ) {
    super(action.dialogId);
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
      await innerDc.context.sendActivity(translatorFor(innerDc.context.activity.locale)(`${this.action.texts}.cancelled`));
      return innerDc.cancelAllDialogs();
    }
    return super.onContinueDialog(innerDc);
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const { requestId } = step.options as SponsorActionOptions;
    const request = await this.deps.requests.get(requestId);
    const asker = askerOf(context, request, this.deps);
    if (!request || !asker) {
      await context.sendActivity(t('reinvite.notFound', { id: requestId }));
      return step.endDialog();
    }
    const names = namesOf(request);
    const texts = this.action.texts;
    if (!asker.actsAsSponsor) {
      await context.sendActivity(t(`${texts}.sponsorOnly`, names));
      return step.endDialog();
    }
    if (!GRANTED.includes(request.state)) return this.nothingToDo(step, request);
    return step.prompt(this.confirmPrompt, {
      prompt: yesNoQuestion(t, t(this.action.textsFor?.(request).confirm ?? `${texts}.confirm`, names)),
      retryPrompt: yesNoQuestion(t, t(`${texts}.confirmRetry`, names)),
    });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const { requestId } = step.options as SponsorActionOptions;
    // Read again: the request may have changed while the sponsor was deciding.
    const request = await this.deps.requests.get(requestId);
    const asker = askerOf(context, request, this.deps);
    if (!request || !asker?.actsAsSponsor) return step.endDialog();
    const names = namesOf(request);
    const texts = this.action.texts;
    if (!answerOf(step.result as string)) {
      await context.sendActivity(t(`${texts}.kept`, names));
      return step.endDialog();
    }
    if (!GRANTED.includes(request.state)) return this.nothingToDo(step, request);
    // Said before the job is queued: the job may answer within milliseconds, and must come second.
    await context.sendActivity(t(this.action.textsFor?.(request).queued ?? `${texts}.queued`, names));
    const asked = await this.action.record(this.deps.requests, request, asker.actor, (this.deps.clock ?? (() => new Date()))());
    // Ended in the moment between: say how it stands now.
    if (!asked) return this.nothingToDo(step, (await this.deps.requests.get(request.id)) ?? request);
    return step.endDialog();
  }

  private async nothingToDo(step: WaterfallStepContext, request: AccessRequest): Promise<DialogTurnResult> {
    const t = translatorFor(step.context.activity.locale);
    await step.context.sendActivity(t(`${this.action.texts}.notInvited`, { ...namesOf(request), state: t(`requestState.${request.state}`) }));
    return step.endDialog();
  }
}

function namesOf(request: AccessRequest) {
  return {
    id: request.id,
    guest: plainText(request.guestEmail),
    sponsor: plainText(request.sponsor.displayName),
    requester: plainText(request.requester.displayName),
  };
}
