/**
 * The Teams activity handler: messages go to the dialogs, card clicks to the card actions, the
 * message extension's invokes to teams/requestFromMessage, and a new conversation is greeted. Each
 * turn is first admitted (tenant, channel, personal chat) and counted against the turn limit.
 */
import {
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type ConversationState,
  type InvokeResponse,
  TeamsActivityHandler,
  TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { GREETED_THIS_TURN, type MainDialog } from '../dialogs/mainDialog';
import type { Directory } from './directory/directory';
import type { ResourceCatalog } from './requests/catalog';
import type { ExtensionSettings } from './requests/extensionPlan';
import type { FollowUpSettings } from './requests/followUp';
import type { RequestRepository } from './requests/requestRepository';
import type { TenantPolicy } from './requests/tenantPolicy';
import type { ConversationReferenceStore } from './storage/conversationReferenceStore';
import type { JobQueue } from './storage/jobQueue';
import type { AdmissionPolicy } from './teams/admission';
import { CardActions, invokeNotOffered } from './teams/cardActions';
import { readSubmittedCommand } from './teams/cardCommand';
import { type ConversationLanguage, useClientLocale } from './teams/conversationLanguage';
import { DialogTurn } from './teams/dialogTurn';
import type { PersonalChats } from './teams/requestFromMessage/draftInChat';
import { isMessageExtensionInvoke } from './teams/requestFromMessage/messageExtensionInvokes';
import { RequestFromMessage } from './teams/requestFromMessage/requestFromMessage';
import type { TurnRateLimit } from './teams/turnRateLimit';
import { isSentByPerson, isServed } from './teams/turnGate';
import { inTurnSpan } from './teams/turnSpan';
import { welcome } from './teams/welcome';

interface BotDependencies {
  conversationState: ConversationState;
  mainDialog: MainDialog;
  references: ConversationReferenceStore;
  requests: RequestRepository;
  queue: JobQueue;
  catalog: ResourceCatalog;
  /** The message extension's form checks what the request dialog checks, with what it checks with. */
  directory: Directory;
  tenantPolicy: Pick<TenantPolicy, 'check'>;
  maxOpenRequests: number;
  /** The employees' chats with the bot, where a request from the message extension is confirmed. */
  chats: PersonalChats;
  /** Whom the bot serves: its tenant, in personal chats, through Teams once authenticated. */
  admission: AdmissionPolicy;
  turnLimit: TurnRateLimit;
  /** A request dialog untouched this long is forgotten, with a note, when the person next writes. */
  dialogTimeoutMs: number;
  /** Which language to answer in (see ConversationLanguage). */
  language: ConversationLanguage;
  /** Unauthenticated runs only; see approvals/roles and directoryUserIdOf(). */
  localTestsAllowed: boolean;
  localDefaultUserId?: string;
  /** What a decision on an approval card is planned with: the work that follows it (requests/followUp). */
  followUp: FollowUpSettings;
  /** For the offer to extend access: the default period, today's guest policy, and now. */
  timing: ExtensionSettings['timing'];
  guestPolicy: ExtensionSettings['guestPolicy'];
  /** INACTIVE_GUEST_DAYS, as set: the card about an idle guest says it. */
  inactiveGuestDays: number;
  clock: () => Date;
  logger: Logger;
}

export class GuestAccessBot extends TeamsActivityHandler {
  private readonly dialogTurn: DialogTurn;
  private readonly cardActions: CardActions;
  private readonly requestFromMessage: RequestFromMessage;

  constructor(private readonly deps: BotDependencies) {
    super();
    if (
      !deps?.conversationState ||
      !deps.mainDialog ||
      !deps.references ||
      !deps.requests ||
      !deps.queue ||
      !deps.admission?.tenantId ||
      !deps.turnLimit ||
      !deps.language ||
      !deps.logger
    ) {
      throw new Error(
        'GuestAccessBot needs conversation state, the main dialog, stores, the job queue, an admission policy with a tenant, a turn limit, the conversation language and a logger.',
      );
    }
    const { requests, catalog, timing, guestPolicy, localTestsAllowed, clock, followUp, localDefaultUserId, logger } = deps;
    this.dialogTurn = new DialogTurn(deps.conversationState, deps.mainDialog, deps.dialogTimeoutMs, clock);
    this.cardActions = new CardActions({
      approvals: { requests, catalog, timing, guestPolicy, localTestsAllowed, clock, followUp },
      inactiveGuestDays: deps.inactiveGuestDays,
      localDefaultUserId,
      runDialog: (context) => this.dialogTurn.run(context),
      logger,
    });
    this.requestFromMessage = new RequestFromMessage({
      ...deps,
      tenantId: deps.admission.tenantId,
      // The bot's own turn in the employee's chat: the form's language becomes the chat's, then the dialogs run as on a message.
      runDraftTurn: async (context) => {
        await deps.language.choose(context);
        await this.dialogTurn.run(context);
        await deps.conversationState.saveChanges(context, false);
      },
    });

    this.onMessage(async (context, next) => {
      readSubmittedCommand(context);
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

  async run(context: TurnContext): Promise<void> {
    return inTurnSpan(context.activity, () => this.runTurn(context));
  }

  private async runTurn(context: TurnContext): Promise<void> {
    useClientLocale(context);
    if (!(await isServed(context, this.deps))) return;
    // The extension's invokes may come from a channel or someone else's chat, where the bot keeps
    // no state: they are answered in the language of the person's Teams.
    if (isSentByPerson(context) && !isMessageExtensionInvoke(context.activity)) await this.deps.language.apply(context);
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

  protected async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    if (isMessageExtensionInvoke(context.activity)) return this.requestFromMessage.answer(context);
    return invokeNotOffered(context.activity) ?? super.onInvokeActivity(context);
  }

  protected async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    return this.cardActions.answer(context, invokeValue);
  }
}
