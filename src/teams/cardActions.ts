/**
 * Which card action answers a click: the verb the button carries picks the family (a command
 * button, teams/cardCommand; a decision or an answer to an offer, teams/approvalClicks). A verb no
 * card offers changes nothing and is answered with a notice. The bot offers nothing but these;
 * every other invoke is refused before the SDK reads it.
 */
import { trace } from '@opentelemetry/api';
import type { Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, InvokeResponse, TurnContext } from 'botbuilder';
import { noticeCard } from '../../cards/noticeCard';
import { translatorFor } from '../i18n';
import { type ApprovalClickDependencies, approvalClicks } from './approvalClicks';
import type { CardAction } from './cardClick';
import { CommandAction } from './cardCommand';
import { badInvoke, cardAnswer } from './invokeAnswers';

interface CardActionDependencies extends ApprovalClickDependencies {
  /** Runs the dialogs on a command button's text, as on a typed message. */
  runDialog: (context: TurnContext) => Promise<void>;
}

/**
 * Any invoke but an Adaptive Card action, or a card action without an action object, is the
 * caller's mistake: 400 with a reason, never the SDK's 501 for names it does not know or a 500
 * from reading a value that is not there.
 */
export function invokeNotOffered(activity: Pick<Activity, 'name' | 'value'>): InvokeResponse | undefined {
  const { name, value } = activity;
  if (name !== 'adaptiveCard/action') return badInvoke('NotSupported', `This bot does not handle the invoke ${JSON.stringify(name ?? null)}.`);
  const action = (value as { action?: unknown } | null | undefined)?.action;
  if (typeof action !== 'object' || action === null) return badInvoke('BadRequest', 'An adaptiveCard/action invoke needs value.action.');
  return undefined;
}

export class CardActions {
  /** A Map rather than an object, so that a verb such as `constructor` finds nothing. */
  private readonly byVerb: ReadonlyMap<string, CardAction>;

  constructor(private readonly deps: CardActionDependencies) {
    const families = [new CommandAction(deps.runDialog), ...approvalClicks(deps)];
    this.byVerb = new Map(families.flatMap((family) => family.verbs.map((verb): [string, CardAction] => [verb, family])));
  }

  async answer(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const cardAction = this.byVerb.get(invokeValue.action.verb);
    if (!cardAction) return this.unknownVerb(context, invokeValue.action.verb);
    return cardAction.answerClick(context, invokeValue.action);
  }

  /** A 200 that changes nothing: an old or foreign card's button, or a forged click. */
  private unknownVerb(context: TurnContext, verb: unknown): AdaptiveCardInvokeResponse {
    const { activity } = context;
    this.deps.logger.info({ verb, outcome: 'unknownVerb', from: activity.from.aadObjectId ?? activity.from.id }, 'approval card action');
    trace.getActiveSpan()?.setAttributes({ 'card.verb': String(verb), 'card.outcome': 'unknownVerb' });
    const t = translatorFor(activity.locale);
    return cardAnswer(noticeCard({ title: t('approvalCard.title'), text: t('approvalCard.unknownAction') }));
  }
}
