/**
 * The Teams activity handler: messages go to the dialogs, card clicks to approvals. It also
 * greets people once per conversation and remembers where it can write to them later.
 */
import {
  ActivityTypes,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationState,
  type InvokeResponse,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { GREETED_THIS_TURN, type MainDialog } from '../dialogs/mainDialog';
import { decide } from './approvals/decide';
import { answerExtension, EXTENSION_VERBS, type ExtensionContext } from './approvals/extension';
import { translatorFor } from './i18n';
import type { ResourceCatalog } from './requests/catalog';
import type { RequestRepository } from './requests/requestRepository';
import type { ConversationReferenceStore } from './storage/conversationReferenceStore';
import type { JobQueue } from './storage/jobQueue';
import { badInvoke } from './teams/invokeAnswers';
import { type AdmissionPolicy, refusalOf } from './teams/admission';
import { type ConversationLanguage, useClientLocale } from './teams/conversationLanguage';
import { DialogTurn } from './teams/dialogTurn';
import { directoryUserIdOf } from './teams/identity';
import type { TurnRateLimit } from './teams/turnRateLimit';
import { refuseTurn, slowDown } from './teams/unservedTurns';
import { welcome } from './teams/welcome';

export interface BotDependencies {
  conversationState: ConversationState;
  mainDialog: MainDialog;
  references: ConversationReferenceStore;
  requests: RequestRepository;
  queue: JobQueue;
  catalog: ResourceCatalog;
  /** Whom the bot serves: its tenant, in personal chats, through Teams once authenticated. */
  admission: AdmissionPolicy;
  turnLimit: TurnRateLimit;
  /** A request dialog untouched this long is forgotten, with a note, when the person next writes. */
  dialogTimeoutMs: number;
  /** Which language to answer in (see ConversationLanguage). */
  language: ConversationLanguage;
  /** Unauthenticated runs only; see decide() and directoryUserIdOf(). */
  localTestsAllowed: boolean;
  localDefaultUserId?: string;
  /** For the offer to extend access: the default period, today's guest policy, and now. */
  timing: ExtensionContext['timing'];
  guestPolicy: ExtensionContext['guestPolicy'];
  clock: () => Date;
  logger: Logger;
}

const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
const tracer = trace.getTracer('guest-access-bot');

export class GuestAccessBot extends TeamsActivityHandler {
  private readonly dialogTurn: DialogTurn;

  constructor(private readonly deps: BotDependencies) {
    super();
    if (!deps?.conversationState || !deps.mainDialog || !deps.references || !deps.requests || !deps.queue || !deps.admission?.tenantId || !deps.turnLimit || !deps.language || !deps.logger) {
      throw new Error('GuestAccessBot needs conversation state, the main dialog, stores, the job queue, an admission policy with a tenant, a turn limit, the conversation language and a logger.');
    }
    this.dialogTurn = new DialogTurn(deps.conversationState, deps.mainDialog, deps.dialogTimeoutMs, deps.clock);

    this.onMessage(async (context, next) => {
      useCardCommand(context);
      if (typeof context.activity.text === 'string') TurnContext.removeRecipientMention(context.activity);
      // A greeting answers the turn: the router then adds no "I did not understand" to it.
      if (await welcome(context, deps)) context.turnState.set(GREETED_THIS_TURN, true);
      await this.dialogTurn.run(context);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      // Teams sends this when the app is installed for the user; the Emulator when a chat opens.
      if (!context.activity.conversation.isGroup) await welcome(context, deps);
      await next();
    });
  }

  /** Each turn is a span (a no-op without telemetry): what kind of activity, never who or what they typed. */
  async run(context: TurnContext): Promise<void> {
    const { activity } = context;
    const attributes = { 'activity.type': String(activity.type), 'activity.channel': String(activity.channelId), ...(activity.name ? { 'activity.name': String(activity.name) } : {}) };
    return tracer.startActiveSpan(activity.type === 'invoke' ? 'card click' : `turn ${String(activity.type)}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
      try {
        await this.runTurn(context);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
        throw error;
      } finally {
        span.end();
      }
    });
  }

  private async runTurn(context: TurnContext): Promise<void> {
    useClientLocale(context);
    const refusal = refusalOf(context.activity, this.deps.admission);
    if (refusal) return refuseTurn(context, refusal, this.deps.logger);
    if (context.activity.type === 'message' || context.activity.type === 'invoke') {
      const verdict = await this.deps.turnLimit.take(directoryUserIdOf(context.activity, this.deps.localDefaultUserId) ?? context.activity.from.id);
      if (verdict !== 'allowed') return slowDown(context, verdict, this.deps.logger);
      await this.deps.language.apply(context);
    }
    await super.run(context);
    await this.deps.conversationState.saveChanges(context, false);
  }

  /**
   * Someone edited or deleted a message they sent: the bot keeps no copy of what was said, so
   * there is nothing to change. (Teams' own handler reads `channelData.eventType` unchecked, and a
   * malformed update would otherwise fail the turn.)
   */
  protected async onMessageUpdateActivity(): Promise<void> {}

  protected async onMessageDeleteActivity(): Promise<void> {}

  /**
   * The bot offers nothing but Adaptive Card actions. Any other invoke, or a card action without
   * an action object, is the caller's mistake: 400 with a reason, never the SDK's 501 for names
   * it does not know or a 500 from reading a value that is not there.
   */
  protected async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const { name, value } = context.activity;
    if (name !== 'adaptiveCard/action') return badInvoke('NotSupported', `This bot does not handle the invoke ${JSON.stringify(name ?? null)}.`);
    const action = (value as { action?: unknown } | null | undefined)?.action;
    if (typeof action !== 'object' || action === null) return badInvoke('BadRequest', 'An adaptiveCard/action invoke needs value.action.');
    return super.onInvokeActivity(context);
  }

  protected async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const { activity } = context;
    const data = (invokeValue.action.data ?? {}) as { requestId?: unknown; stage?: unknown; comment?: unknown; command?: unknown; offeredFor?: unknown };
    const { verb } = invokeValue.action;
    if (verb === 'command') return this.runCardCommand(context, data.command);
    const clicker = {
      userId: directoryUserIdOf(activity, this.deps.localDefaultUserId),
      channelUserId: activity.from.id,
      displayName: activity.from.name ?? '',
      locale: activity.locale ?? 'en',
      conversationId: activity.conversation.id,
    };
    if ((EXTENSION_VERBS as readonly string[]).includes(verb)) {
      const answer = await answerExtension(
        { verb, requestId: data.requestId, offeredFor: data.offeredFor, clicker },
        { requests: this.deps.requests, catalog: this.deps.catalog, timing: this.deps.timing, guestPolicy: this.deps.guestPolicy, localTestsAllowed: this.deps.localTestsAllowed, clock: this.deps.clock },
      );
      this.deps.logger.info({ requestId: typeof data.requestId === 'string' ? data.requestId : undefined, verb, outcome: answer.outcome, from: activity.from.aadObjectId ?? activity.from.id }, 'extension card action');
      trace.getActiveSpan()?.setAttributes({ 'card.verb': verb, 'card.outcome': answer.outcome });
      return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: answer.card };
    }
    const decision = await decide(
      { verb, requestId: data.requestId, stage: data.stage, comment: data.comment, clicker },
      { requests: this.deps.requests, catalog: this.deps.catalog, localTestsAllowed: this.deps.localTestsAllowed, timing: this.deps.timing, clock: this.deps.clock },
    );
    this.deps.logger.info(
      { requestId: decision.request?.id, verb: invokeValue.action.verb, outcome: decision.outcome, from: activity.from.aadObjectId ?? activity.from.id },
      'approval card action',
    );
    trace.getActiveSpan()?.setAttributes({ 'card.verb': verb, 'card.outcome': decision.outcome });
    return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: decision.card };
  }

  /**
   * A button that stands for a typed command (New link, Send Microsoft's email, Reset redemption,
   * Cancel request): the turn runs exactly as if the command had been typed, so the same checks
   * apply, and the click itself is answered with a pointer to the reply in the chat. These are
   * `Action.Execute` rather than `Action.Submit` because the Agents Playground acts only on the
   * former, and Teams on both.
   */
  private async runCardCommand(context: TurnContext, command: unknown): Promise<AdaptiveCardInvokeResponse> {
    const t = translatorFor(context.activity.locale);
    if (typeof command !== 'string' || command.trim() === '') {
      return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'A command button needs data.command.' } };
    }
    const { activity } = context;
    activity.text = command.slice(0, 200);
    // Prompts take only messages (a click would leave the question unanswered), so for the dialog
    // the click is the message it stands for; the adapter still answers it as the invoke it is.
    activity.type = ActivityTypes.Message;
    try {
      await this.dialogTurn.run(context);
    } finally {
      activity.type = ActivityTypes.Invoke;
    }
    return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: t('cardCommand.answered') as unknown as Record<string, unknown> };
  }
}

/**
 * Status cards posted before their buttons became `Action.Execute` (see runCardCommand) are still
 * in people's chats: their `Action.Submit` arrives as the command's text in Teams (`imBack`), and
 * from other clients as the button's data only. Either way it reads as typed.
 */
function useCardCommand(context: TurnContext): void {
  const { activity } = context;
  const command = (activity.value as { command?: unknown } | undefined)?.command;
  if (!activity.text && typeof command === 'string') activity.text = command.slice(0, 200);
}
