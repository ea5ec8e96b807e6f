/**
 * The buttons a use case answers: Approve, Reject and Refresh on the approval card, the sponsor's
 * and each owner stage's (useCases/decide); Extend, Let it end and Refresh on the offer to extend
 * (useCases/answerExtension); End access now, Keep and Refresh on the card about a guest who has
 * not signed in (useCases/answerInactiveGuest). Each family reads its button's data and who
 * clicked, lets its use case authorize and apply the click, and draws the card that answers it
 * from what came of it; every click is logged and named on the turn's span (its verb and outcome).
 */
import { trace } from '@opentelemetry/api';
import type { Activity, AdaptiveCardInvokeAction, AdaptiveCardInvokeResponse, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { type AdaptiveCardJson, approvalCard } from '../../cards/approvalCard';
import { extensionCardFor } from '../../cards/extensionCard';
import { inactiveGuestCardFor } from '../../cards/inactiveGuestCard';
import { refusalCard } from '../../cards/refusalCard';
import { plainText } from '../../cards/plainText';
import { senderOf } from '../http/identity';
import { translatorFor, wordingFor } from '../i18n';
import { ANSWER_LIMITS } from '../requests/answerLimits';
import { resourcesByIds } from '../requests/catalog';
import { isGuestRowId } from '../requests/requestId';
import { answerExtension, type ExtensionAnswerContext, type ExtensionAnswerResult, EXTENSION_VERBS } from '../useCases/answerExtension';
import { answerInactiveGuest, type InactiveGuestAnswer, INACTIVE_GUEST_VERBS } from '../useCases/answerInactiveGuest';
import type { Clicker } from '../useCases/clicker';
import { type Decision, type DecisionContext, decide } from '../useCases/decide';
import { buttonData, type CardAction } from './cardClick';
import { cardAnswer } from './invokeAnswers';

/** A button's data: every field unknown until its use case checks it. */
type ButtonData = Partial<Record<string, unknown>>;

export const DECISION_VERBS = ['approve', 'reject', 'refresh'] as const;

export interface ApprovalClickDependencies {
  /** What the decisions and the answers to an offer read and change. */
  approvals: ExtensionAnswerContext & DecisionContext;
  /** INACTIVE_GUEST_DAYS, as set: the card about an idle guest says it. */
  inactiveGuestDays: number;
  /** Unauthenticated runs only; see directoryUserIdOf(). */
  localDefaultUserId?: string;
  logger: Logger;
}

/** A click as the use cases take it: its verb, its button's data, and who clicked. */
interface Click<Verb extends string> {
  verb: Verb;
  data: ButtonData;
  clicker: Clicker;
  locale: string;
}

/**
 * A family of buttons a use case answers: the click is read, the use case applies it (`apply`),
 * what came of it is logged, and the card `view` draws from that answers the click.
 */
class UseCaseClick<Verb extends string, Result extends { outcome: string }> implements CardAction {
  constructor(
    readonly verbs: readonly Verb[],
    /** Names the family's clicks in the log. */
    private readonly logMessage: string,
    private readonly apply: (click: Click<Verb>, deps: ApprovalClickDependencies) => Promise<Result>,
    private readonly view: (result: Result, click: Click<Verb>, deps: ApprovalClickDependencies) => AdaptiveCardJson,
    private readonly deps: ApprovalClickDependencies,
  ) {}

  async answerClick(context: TurnContext, action: AdaptiveCardInvokeAction): Promise<AdaptiveCardInvokeResponse> {
    const click = readClick<Verb>(context, action, this.deps);
    const result = await this.apply(click, this.deps);
    logClick(context, click, result.outcome, this.deps.logger, this.logMessage);
    return cardAnswer(this.view(result, click, this.deps));
  }
}

/** The families of buttons on the approval card, the offer to extend and the card about an idle guest. */
export function approvalClicks(deps: ApprovalClickDependencies): CardAction[] {
  return [
    // Approve, Reject and Refresh on the sponsor's approval card and on each owner stage's.
    new UseCaseClick(DECISION_VERBS, 'approval card action', applyDecision, decisionCard, deps),
    // Extend, Let it end and Refresh on the offer to extend a guest's access.
    new UseCaseClick(EXTENSION_VERBS, 'extension card action', applyExtensionAnswer, extensionAnswerCard, deps),
    // End access now, Keep until the end date and Refresh on the card about a guest who has not signed in.
    new UseCaseClick(INACTIVE_GUEST_VERBS, 'inactive guest card action', applyInactiveGuestAnswer, inactiveGuestAnswerCard, deps),
  ];
}

function applyDecision(click: Click<(typeof DECISION_VERBS)[number]>, deps: ApprovalClickDependencies): Promise<Decision> {
  const { requestId, stage, comment, guests } = click.data;
  return decide({ verb: click.verb, requestId, stage, comment, guests, clicker: click.clicker }, deps.approvals);
}

function applyExtensionAnswer({ verb, data, clicker }: Click<(typeof EXTENSION_VERBS)[number]>, deps: ApprovalClickDependencies) {
  return answerExtension({ verb, requestId: data.requestId, offeredFor: data.offeredFor, clicker }, deps.approvals);
}

function applyInactiveGuestAnswer({ verb, data, clicker }: Click<(typeof INACTIVE_GUEST_VERBS)[number]>, deps: ApprovalClickDependencies) {
  return answerInactiveGuest({ verb, requestId: data.requestId, askedAt: data.askedAt, clicker }, deps.approvals);
}

/** The card about an idle guest as the clicker may see it now. */
function inactiveGuestAnswerCard(answer: InactiveGuestAnswer, { locale, clicker }: Click<string>, deps: ApprovalClickDependencies): AdaptiveCardJson {
  if (answer.outcome === 'notFound' || answer.outcome === 'refused') return refusalCard(locale);
  const settings = { catalog: deps.approvals.catalog, inactiveGuestDays: deps.inactiveGuestDays, clock: deps.approvals.clock };
  if (answer.outcome === 'readOnly')
    return inactiveGuestCardFor(answer.request, settings, { locale, isSponsor: false, notice: translatorFor(locale)('inactivity.notSponsor') });
  return inactiveGuestCardFor(answer.request, settings, { locale, isSponsor: true, sponsorMri: answer.isTheirs ? clicker.channelUserId : undefined });
}

/** The registry (teams/cardActions) hands a family only the verbs it lists. */
function readClick<Verb extends string>(context: TurnContext, action: AdaptiveCardInvokeAction, deps: ApprovalClickDependencies): Click<Verb> {
  const { activity } = context;
  return {
    verb: action.verb as Verb,
    data: buttonData<string>(action),
    clicker: clickerOf(activity, deps.localDefaultUserId),
    locale: activity.locale ?? 'en',
  };
}

/** In the log and on the turn's span: the verb and what came of it, never the comment. */
function logClick(context: TurnContext, click: Click<string>, outcome: string, logger: Logger, message: string): void {
  const { from } = context.activity;
  const requestId = isGuestRowId(click.data.requestId) ? click.data.requestId : undefined;
  logger.info({ requestId, verb: click.verb, outcome, from: from.aadObjectId ?? from.id }, message);
  trace.getActiveSpan()?.setAttributes({ 'card.verb': click.verb, 'card.outcome': outcome });
}

/** The approval card as the clicker may see it now: with the buttons for who may decide, read-only with the reason for the others. */
function decisionCard(decision: Decision, { locale, clicker }: Click<string>, { approvals: ctx }: ApprovalClickDependencies): AdaptiveCardJson {
  const wording = wordingFor(locale);
  const { t } = wording;
  if (decision.outcome === 'notFound' || decision.outcome === 'refused') return refusalCard(locale);
  const { request, stage } = decision;
  const resources = resourcesByIds(ctx.catalog, request.resourceIds);
  const readOnly = decision.outcome === 'readOnly';
  const resourceName = () => plainText(resources.find((r) => r.id === stage?.resourceId)?.name ?? stage?.resourceId ?? '');
  const notice = readOnly
    ? stage
      ? t('approvalCard.notStageApprover', { resource: resourceName() })
      : t('approvalCard.notSponsor')
    : decision.outcome === 'commentTooLong'
      ? t('approvalCard.commentTooLong', { max: ANSWER_LIMITS.decisionComment })
      : decision.outcome === 'noGuestChosen'
        ? t('approvalCard.noGuestChosen')
        : undefined;
  const theirs = !readOnly && decision.isTheirs ? clicker.channelUserId : undefined;
  return approvalCard({
    request,
    guests: decision.guests,
    resources,
    stage,
    wording,
    viewerIsSponsor: !readOnly,
    notice,
    ...(stage ? { viewerMri: theirs } : { sponsorMri: theirs }),
  });
}

/** The offer to extend as the clicker may see it now. */
function extensionAnswerCard(
  answer: ExtensionAnswerResult,
  { locale, clicker }: Click<string>,
  { approvals: ctx }: ApprovalClickDependencies,
): AdaptiveCardJson {
  if (answer.outcome === 'notFound' || answer.outcome === 'refused') return refusalCard(locale);
  if (answer.outcome === 'readOnly')
    return extensionCardFor(answer.request, answer.offeredFor, ctx, { locale, isSponsor: false, notice: translatorFor(locale)('extension.notSponsor') });
  return extensionCardFor(answer.request, answer.offeredFor, ctx, { locale, isSponsor: true, sponsorMri: answer.isTheirs ? clicker.channelUserId : undefined });
}

/** Who clicked, from the channel's identity. */
function clickerOf(activity: Activity, localDefaultUserId: string | undefined): Clicker {
  return { ...senderOf(activity, localDefaultUserId), channelUserId: activity.from.id, displayName: activity.from.name ?? '' };
}
