/**
 * Proactive messaging through the real CloudAdapter: continueConversation for known
 * conversations, createConversation (Teams only) for people the bot has not talked to yet. Teams
 * refuses that (403) for someone who never opened the app; given an AppInstaller, the messenger
 * then installs the app for them and opens the chat again, for every job alike.
 */
import { type Activity, type ChannelAccount, type CloudAdapter, type ConversationParameters, type ConversationReference, TurnContext } from 'botbuilder';
import { AuthenticationConstants } from 'botframework-connector';
import type { ConversationReferenceStore } from '../storage/conversationReferenceStore';
import type { AppInstaller } from './appInstaller';
import { parseRetryAfterMs } from '../http/retryAfter';
import { DeliveryError, type OpensPersonalConversations, type PersonalConversation } from './messenger';

/** Teams creates 1:1 conversations from an Entra object id; other channels (the Emulator) cannot. */
const CHANNELS_THAT_CREATE_CONVERSATIONS = ['msteams'];

export class BotMessenger implements OpensPersonalConversations {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly references: ConversationReferenceStore,
    /** Absent where the bot cannot install its app (no manifest id, or no Graph to ask). */
    private readonly installer?: AppInstaller,
  ) {}

  async post(conversationId: string, activity: Partial<Activity>): Promise<string> {
    let id = '';
    await this.continueConversation(conversationId, async (context) => {
      id = (await context.sendActivity(activity))?.id ?? '';
    });
    return id;
  }

  async update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.continueConversation(conversationId, async (context) => {
      await context.updateActivity({ ...activity, id: activityId, conversation: context.activity.conversation });
    });
  }

  async knownPersonalConversation(userId: string): Promise<PersonalConversation | undefined> {
    const known = await this.references.personalConversationOf(userId);
    return known?.conversation?.id ? { conversationId: known.conversation.id, userChannelId: known.user?.id } : undefined;
  }

  async personalConversationWith(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation> {
    return (await this.knownPersonalConversation(user.id)) ?? this.openPersonalConversation(user, via);
  }

  async openPersonalConversation(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation> {
    const origin = typeof via === 'string' ? await this.referenceOf(via) : via;
    if (!origin.channelId || !CHANNELS_THAT_CREATE_CONVERSATIONS.includes(origin.channelId) || !origin.serviceUrl) {
      throw new DeliveryError(`The ${origin.channelId} channel cannot open a conversation with a user the bot has not met.`, {
        transient: false,
        unreachable: true,
      });
    }
    const created = await this.createPersonalConversation(origin, user);
    // Teams does not say the new member's channel id here; the Entra id is what we know them by.
    created.user = { id: user.id, name: '', aadObjectId: user.id };
    await this.references.save(created, user.id);
    return { conversationId: created.conversation?.id as string };
  }

  /** createConversation; on Teams' 403 for someone without the app, installs it for them and tries once more. */
  private async createPersonalConversation(
    origin: Partial<ConversationReference>,
    user: { id: string; tenantId: string },
  ): Promise<Partial<ConversationReference>> {
    let justInstalled: boolean;
    try {
      return await this.createConversation(origin, user);
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.status !== 403 || !this.installer) throw error;
      const install = await this.installer.installFor(user.id);
      if (!install.installed) throw error;
      justInstalled = !install.already;
    }
    try {
      return await this.createConversation(origin, user);
    } catch (error) {
      // Installed just now, yet Teams has not put the bot in their roster: that takes a moment, so
      // try again later. Installed before (Graph's 409) and still refused: Teams will not let the
      // bot reach them, and the refusal stands as it came (unreachable).
      if (justInstalled && error instanceof DeliveryError && error.status === 403) {
        throw new DeliveryError(`${error.message} (the app was installed for them just now)`, { transient: true, status: 403 });
      }
      throw error;
    }
  }

  private async createConversation(origin: Partial<ConversationReference>, user: { id: string; tenantId: string }): Promise<Partial<ConversationReference>> {
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: origin.bot as ChannelAccount,
      members: [{ id: user.id, name: '' }],
      tenantId: user.tenantId,
      channelData: { tenant: { id: user.tenantId } },
    };
    let created: Partial<ConversationReference> | undefined;
    await this.deliver(() =>
      this.adapter.createConversationAsync(
        this.appId,
        origin.channelId as string,
        origin.serviceUrl as string,
        AuthenticationConstants.ToChannelFromBotOAuthScope,
        parameters,
        async (context) => {
          created = TurnContext.getConversationReference(context.activity);
        },
      ),
    );
    if (!created?.conversation?.id) throw new DeliveryError('The channel created no conversation.', { transient: true });
    return created;
  }

  /**
   * A turn of the bot's own in a conversation it has a reference for, as if the person had written
   * (the message extension runs the request dialog in the employee's chat this way). What the turn
   * itself throws comes out as it was thrown, so a fault of the bot's is not taken for the channel's;
   * the channel refusing the turn is a DeliveryError, as for `post`.
   */
  async turnIn(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const failure = await this.proactiveTurn(conversationId, logic);
    if (failure !== undefined) throw failure;
  }

  /**
   * The adapter hands errors thrown inside a proactive turn to onTurnError and returns as if all
   * went well; catching them here lets the job see the failure and retry or fall back.
   */
  private async continueConversation(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const failure = await this.proactiveTurn(conversationId, logic);
    if (failure !== undefined) await this.deliver(() => Promise.reject(failure));
  }

  /** A proactive turn, the channel's refusal thrown as a DeliveryError; what the turn itself threw, returned. */
  private async proactiveTurn(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<unknown> {
    const reference = await this.referenceOf(conversationId);
    let failure: unknown;
    await this.deliver(() =>
      this.adapter.continueConversationAsync(this.appId, reference, async (context) => {
        try {
          await logic(context);
        } catch (error) {
          failure = error;
        }
      }),
    );
    return failure;
  }

  private async referenceOf(conversationId: string): Promise<Partial<ConversationReference>> {
    const reference = await this.references.byConversation(conversationId);
    if (!reference) throw new DeliveryError(`No conversation reference is stored for conversation ${conversationId}.`, { transient: false, unreachable: true });
    return reference;
  }

  /** Runs a call to the channel and turns its failures into DeliveryErrors a job can act on. */
  private async deliver(call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (error instanceof DeliveryError) throw error;
      const { status, code, retryAfter } = answerOf(error);
      const message = `The channel refused the message${status ? ` (HTTP ${status}${code ? ` ${code}` : ''})` : ''}: ${(error as Error).message}`;
      // 403/404 from Teams: the bot is not installed for the user or the conversation is gone.
      // 500 UserNotFound: the Agents Playground's answer for anyone but its one user.
      if (status === 403 || status === 404 || code === 'UserNotFound') throw new DeliveryError(message, { transient: false, unreachable: true, status });
      // A 429 (after the connector's own retries) is throttling, never "unreachable": the message waits, then goes.
      const transient = status === undefined || status === 408 || status === 429 || status >= 500;
      throw new DeliveryError(message, { transient, status, retryAfterMs: parseRetryAfterMs(retryAfter) });
    }
  }
}

/** What the Bot Connector answered, as its client's RestError carries it. */
function answerOf(error: unknown): { status?: number; code?: string; retryAfter?: string } {
  type Answer = { status?: unknown; headers?: { get?: (name: string) => string | undefined } };
  const candidate = error as { statusCode?: unknown; code?: unknown; response?: Answer };
  const status = candidate.statusCode ?? candidate.response?.status;
  return {
    status: typeof status === 'number' ? status : undefined,
    code: typeof candidate.code === 'string' ? candidate.code : undefined,
    retryAfter: candidate.response?.headers?.get?.('retry-after') ?? undefined,
  };
}
