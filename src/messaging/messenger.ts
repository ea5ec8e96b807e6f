/**
 * The Messenger port: how jobs write to people in Teams after the turn that started the work
 * has ended. The bot's implementation is BotMessenger; tests may use the same over a fake channel.
 */
import type { Activity, ConversationReference } from 'botbuilder';

export interface PersonalConversation {
  conversationId: string;
  /** The user's Teams id (`29:…`) when the bot has seen it. */
  userChannelId?: string;
}

export interface Messenger {
  /** Posts to a conversation the bot has a reference for; returns the new activity's id. */
  post(conversationId: string, activity: Partial<Activity>): Promise<string>;
  /** Replaces an activity the bot posted earlier, such as a card whose request moved on. */
  update(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void>;
  /**
   * The user's 1:1 conversation with the bot: one they already have, or a new one created in
   * Teams next to `via` (a conversation in the same tenant: its id, when the bot keeps its
   * reference, or the reference of the turn in hand). Throws DeliveryError with `unreachable` when
   * there is none to be had (no app for them, or a channel that cannot).
   */
  personalConversationWith(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation>;
}

/**
 * personalConversationWith in its two halves: a chat the bot keeps asks Teams nothing, opening a
 * new one is a request to Teams (PacedMessenger paces just that).
 */
export interface OpensPersonalConversations extends Messenger {
  /** The user's 1:1 conversation as the bot keeps it; undefined when it has none yet. */
  knownPersonalConversation(userId: string): Promise<PersonalConversation | undefined>;
  /** A new 1:1 conversation, created in Teams next to `via` (see personalConversationWith). */
  openPersonalConversation(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation>;
}

interface DeliveryErrorDetails {
  /** Worth trying again later (throttling, an outage). */
  transient: boolean;
  /** The person cannot be reached at all yet (no chat with the bot): retrying will not help. */
  unreachable?: boolean;
  /** The channel's HTTP status, when it answered. */
  status?: number;
  /** How long the channel asked us to wait (`Retry-After` on a 429): a throttled message waits, then goes. */
  retryAfterMs?: number;
}

/** A failure to deliver. `transient` ones are worth retrying; `unreachable` means no way to this person. */
export class DeliveryError extends Error {
  readonly transient: boolean;
  readonly unreachable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, details: DeliveryErrorDetails) {
    super(message);
    this.name = 'DeliveryError';
    this.transient = details.transient;
    this.unreachable = details.unreachable ?? false;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True when the person has no chat with the bot to be had; throttling and outages are not this. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof DeliveryError && error.unreachable;
}
