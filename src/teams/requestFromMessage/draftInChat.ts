/**
 * A checked form taken to the employee's 1:1 chat with the bot, where the request dialog shows its
 * summary and asks Yes or No: from there on it is a typed request's path (the filing, the sponsor's
 * card, the notices in that chat). The chat is the one they have, or one Teams opens next to the
 * conversation the form came from; the dialog runs there on a turn of the bot's own making, as if
 * they had written. The draft travels on that turn's state, which only the bot's own code sets: an
 * activity carrying it could be posted by anyone who can post to the bot.
 */
import { type ConversationReference, TurnContext } from 'botbuilder';
import { REQUEST_DRAFT } from '../../../dialogs/mainDialog';
import type { PersonalConversation } from '../../messaging/messenger';
import type { RequestDraft } from '../../../dialogs/requestAccessDialog';

/** What taking a draft to the chat needs of the channel (BotMessenger offers both). */
export interface PersonalChats {
  personalConversationWith(user: { id: string; tenantId: string }, via: string | Partial<ConversationReference>): Promise<PersonalConversation>;
  turnIn(conversationId: string, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface DraftInChatDependencies {
  chats: PersonalChats;
  /** The tenant the bot serves: a chat is opened in it. */
  tenantId: string;
  /** Runs the conversation's dialogs on a turn and keeps their state (GuestAccessBot). */
  runDraftTurn: (context: TurnContext) => Promise<void>;
}

/** The name the bot's own turn carries, for logs and traces; what it brings is on its turn state. */
export const REQUEST_DRAFT_EVENT = 'requestDraft';

/** Throws DeliveryError (see Messenger) when the chat cannot be had or written to. */
export async function takeDraftToChat(formTurn: TurnContext, requesterId: string, draft: RequestDraft, deps: DraftInChatDependencies): Promise<void> {
  const origin = TurnContext.getConversationReference(formTurn.activity);
  const chat = await deps.chats.personalConversationWith({ id: requesterId, tenantId: deps.tenantId }, origin);
  const { locale } = formTurn.activity;
  await deps.chats.turnIn(chat.conversationId, async (turn) => {
    turn.activity.name = REQUEST_DRAFT_EVENT;
    // The summary is in the form's language, and the chat goes on in it.
    turn.activity.locale = locale;
    turn.turnState.set(REQUEST_DRAFT, draft);
    await deps.runDraftTurn(turn);
  });
}
