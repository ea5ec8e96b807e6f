/**
 * `reset GA-…` (`restablecer GA-…`): the sponsor makes a guest accept again, when the guest lost
 * access to the account they accepted with or accepted with the wrong one. Only the sponsor may
 * (they answer for the guest); they confirm first, because every earlier link stops working. The
 * ask is audited under the sponsor's name, and the reset itself runs as a job
 * (provisioning/reinviteGuest) that sends the requester the new link.
 */
import {
  ComponentDialog,
  type DialogContext,
  type DialogTurnResult,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { commandOf, translatorFor } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { RequestState } from '../src/requests/lifecycle';
import { plainText } from '../src/teams/plainText';
import { askerOf, type ReinviteDependencies } from './reinviteCommands';
import { answerOf, isYesOrNo, yesNoQuestion } from './yesNo';

export const RESET_REDEMPTION_DIALOG = 'resetRedemptionDialog';
const STEPS = 'resetRedemptionSteps';
const CONFIRM_PROMPT = 'resetRedemptionConfirm';

/** A guest who is invited or has accepted has a redemption to reset. */
const RESETTABLE: readonly RequestState[] = ['invited', 'accepted'];

export interface ResetRedemptionOptions {
  requestId: string;
}

export class ResetRedemptionDialog extends ComponentDialog {
  constructor(private readonly deps: ReinviteDependencies) {
    super(RESET_REDEMPTION_DIALOG);
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, isYesOrNo)).addDialog(new WaterfallDialog(STEPS, [(step) => this.ask(step), (step) => this.reset(step)]));
    this.initialDialogId = STEPS;
  }

  /** `cancel` while the question is open leaves everything as it is, like `no`. */
  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (commandOf(innerDc.context.activity.text, ['cancel'])) {
      await innerDc.context.sendActivity(translatorFor(innerDc.context.activity.locale)('resetRedemption.cancelled'));
      return innerDc.cancelAllDialogs();
    }
    return super.onContinueDialog(innerDc);
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const { requestId } = step.options as ResetRedemptionOptions;
    const request = await this.deps.requests.get(requestId);
    const asker = askerOf(context, request, this.deps);
    if (!request || !asker) {
      await context.sendActivity(t('reinvite.notFound', { id: requestId }));
      return step.endDialog();
    }
    const names = namesOf(request);
    if (!asker.actsAsSponsor) {
      await context.sendActivity(t('resetRedemption.sponsorOnly', names));
      return step.endDialog();
    }
    if (!RESETTABLE.includes(request.state)) return this.nothingToReset(step, request);
    return step.prompt(CONFIRM_PROMPT, {
      prompt: yesNoQuestion(t, t('resetRedemption.confirm', names)),
      retryPrompt: yesNoQuestion(t, t('resetRedemption.confirmRetry', names)),
    });
  }

  private async reset(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const { requestId } = step.options as ResetRedemptionOptions;
    // Read again: the request may have changed while the sponsor was deciding.
    const request = await this.deps.requests.get(requestId);
    const asker = askerOf(context, request, this.deps);
    if (!request || !asker?.actsAsSponsor) return step.endDialog();
    const names = namesOf(request);
    if (!answerOf(step.result as string)) {
      await context.sendActivity(t('resetRedemption.kept', names));
      return step.endDialog();
    }
    if (!RESETTABLE.includes(request.state)) return this.nothingToReset(step, request);
    // Said before the job is queued: the job may answer within milliseconds, and must come second.
    await context.sendActivity(t('resetRedemption.queued', names));
    const asked = await this.deps.requests.recordAsk({
      id: request.id,
      states: RESETTABLE,
      actor: asker.actor,
      action: 'redemptionResetAsked',
      jobs: [{ kind: 'resetRedemption', requestId: request.id, notice: 'sponsor' }],
    });
    // Ended in the moment between: say how it stands now.
    if (!asked) return this.nothingToReset(step, (await this.deps.requests.get(request.id)) ?? request);
    return step.endDialog();
  }

  private async nothingToReset(step: WaterfallStepContext, request: AccessRequest): Promise<DialogTurnResult> {
    const t = translatorFor(step.context.activity.locale);
    await step.context.sendActivity(t('resetRedemption.notInvited', { ...namesOf(request), state: t(`requestState.${request.state}`) }));
    return step.endDialog();
  }
}

function namesOf(request: AccessRequest) {
  return { id: request.id, guest: plainText(request.guestEmail), sponsor: plainText(request.sponsor.displayName), requester: plainText(request.requester.displayName) };
}
