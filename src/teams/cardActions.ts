/**
 * Which card action answers a click: the verb the button carries picks the family, one entry per
 * family. The bot offers nothing but these; every other invoke is refused before the SDK reads it.
 */
import type { Activity, AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, InvokeResponse, TurnContext } from 'botbuilder';
import { type ApprovalClickDependencies, ApprovalDecisionAction, ExtensionAnswerAction } from './approvalClicks';
import type { CardAction } from './cardClick';
import { CommandAction } from './cardCommand';
import { badInvoke } from './invokeAnswers';

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
  /** The approval card's decision takes every verb not listed (see ApprovalDecisionAction). */
  private readonly otherwise: CardAction;

  constructor(deps: CardActionDependencies) {
    const families = [new CommandAction(deps.runDialog), new ExtensionAnswerAction(deps)];
    this.byVerb = new Map(families.flatMap((family) => family.verbs.map((verb): [string, CardAction] => [verb, family])));
    this.otherwise = new ApprovalDecisionAction(deps);
  }

  answer(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const cardAction = this.byVerb.get(invokeValue.action.verb) ?? this.otherwise;
    return cardAction.answerClick(context, invokeValue.action);
  }
}
