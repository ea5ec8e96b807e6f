/**
 * `end GA-…` (`terminar GA-…`) on a request for several guests, none named: the sponsor ends the
 * access of every guest of it who has access now (useCases/endEveryGuest), after confirming, as
 * for one guest (dialogs/sponsorActionDialog), because it cannot be undone. The confirmation names
 * the guests it ends, and how to end one only; each guest's end is then told by its job.
 */
import { ComponentDialog, type DialogContext, type DialogTurnResult, TextPrompt, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { guestTarget } from '../cards/guestTarget';
import { plainText } from '../cards/plainText';
import { senderOf } from '../src/http/identity';
import { commandOf, translatorFor } from '../src/i18n';
import { askToEndEveryGuest, type EveryGuestEnd } from '../src/useCases/endEveryGuest';
import { guestAddresses, guestsWithStates } from './guestNames';
import type { ReinviteDependencies } from './reinviteCommands';
import { answerOf, isYesOrNo, yesNoQuestion } from './yesNo';

export const END_EVERY_GUEST_DIALOG = 'endEveryGuestDialog';
const STEPS = 'endEveryGuestSteps';
const CONFIRM_PROMPT = 'endEveryGuestConfirm';

export interface EndEveryGuestOptions {
  /** The request's id. */
  requestId: string;
}

export class EndEveryGuestDialog extends ComponentDialog {
  private readonly deps: ReinviteDependencies & { clock: () => Date };

  constructor(deps: ReinviteDependencies & { clock?: () => Date }) {
    super(END_EVERY_GUEST_DIALOG);
    this.deps = { ...deps, clock: deps.clock ?? (() => new Date()) };
    this.addDialog(new TextPrompt(CONFIRM_PROMPT, isYesOrNo)).addDialog(new WaterfallDialog(STEPS, [(step) => this.ask(step), (step) => this.act(step)]));
    this.initialDialogId = STEPS;
  }

  /** `cancel` while the question is open leaves everything as it is, like `no`. */
  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    if (commandOf(innerDc.context.activity.text, ['cancel'])) {
      await innerDc.context.sendActivity(translatorFor(innerDc.context.activity.locale)('endAccess.cancelled'));
      return innerDc.cancelAllDialogs();
    }
    return super.onContinueDialog(innerDc);
  }

  private async ask(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { locale } = step.context.activity;
    const t = translatorFor(locale);
    const ask = await this.check(step);
    if (ask.outcome !== 'mayAsk') return this.say(step, this.refusal(step, ask));
    const [first] = ask.guests;
    const names = {
      id: first.requestId,
      guests: guestAddresses(locale, ask.granted),
      requester: plainText(first.requester.displayName),
      command: t('endAccess.command', { id: guestTarget(ask.granted[0], true) }),
    };
    return step.prompt(CONFIRM_PROMPT, {
      prompt: yesNoQuestion(t, t('severalGuests.endEvery.confirm', names)),
      retryPrompt: yesNoQuestion(t, t('severalGuests.endEvery.confirmRetry', names)),
    });
  }

  private async act(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { locale } = step.context.activity;
    const t = translatorFor(locale);
    // Checked again: the guests may have moved on while the sponsor was deciding.
    const ask = await this.check(step);
    if (ask.outcome === 'notFound' || ask.outcome === 'sponsorOnly') return step.endDialog();
    if (!answerOf(step.result as string)) return this.say(step, t('severalGuests.endEvery.kept', { guests: guestAddresses(locale, ask.guests) }));
    if (ask.outcome === 'noneGranted') return this.say(step, this.refusal(step, ask));
    // Said before the asks are recorded: their jobs may answer within milliseconds, and must come second.
    await step.context.sendActivity(t('severalGuests.endEvery.queued', { id: ask.guests[0].requestId, guests: guestAddresses(locale, ask.granted) }));
    const { notGranted } = await ask.record();
    // Ended another way in the moment between: say so rather than nothing.
    if (notGranted.length > 0) await step.context.sendActivity(t('severalGuests.endEvery.alreadyOver', { guests: guestsWithStates(t, notGranted) }));
    return step.endDialog();
  }

  /** Why nothing can be ended: no such request of theirs, only the sponsor may, or no guest of it has access. */
  private refusal(step: WaterfallStepContext, ask: Exclude<EveryGuestEnd, { outcome: 'mayAsk' }>): string {
    const { locale } = step.context.activity;
    const t = translatorFor(locale);
    if (ask.outcome === 'notFound') return t('reinvite.notFound', { id: (step.options as EndEveryGuestOptions).requestId });
    const [first] = ask.guests;
    if (ask.outcome === 'sponsorOnly') {
      return t('endAccess.sponsorOnly', { id: first.requestId, sponsor: plainText(first.sponsor.displayName), guest: guestAddresses(locale, ask.guests) });
    }
    return t('severalGuests.endEvery.noneGranted', { id: first.requestId, guests: guestsWithStates(t, ask.guests) });
  }

  private check(step: WaterfallStepContext): Promise<EveryGuestEnd> {
    const { activity } = step.context;
    return askToEndEveryGuest(
      this.deps,
      (step.options as EndEveryGuestOptions).requestId,
      senderOf(activity, this.deps.localDefaultUserId),
      activity.from.name ?? '',
    );
  }

  private async say(step: WaterfallStepContext, text: string): Promise<DialogTurnResult> {
    await step.context.sendActivity(text);
    return step.endDialog();
  }
}
