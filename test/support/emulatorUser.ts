/**
 * The one user of the Bot Framework Emulator and the Agents Playground, as those tools send them:
 * an id of the tool's own, the name "User" and no Entra id, so the bot takes them for the
 * simulated directory's default user (Adele); and their chat, in the tool's own shape.
 */
import type { Activity } from 'botbuilder';
import type { TeamsClient, TeamsUser } from './fakeTeamsChannel';

/** The tool's user, whose client sends `locale`. */
export function emulatorUser(locale = 'en-US'): TeamsUser {
  return { id: 'emulator-user-1', name: 'User', locale };
}

/**
 * A conversation `id` of the Emulator with the bot, for `user`: channel `emulator`, no tenant and
 * no channelData, as the Emulator sends every activity. `bot.teams` is read at each post, so a
 * bot a mocha hook starts later will do.
 */
export class EmulatorChat {
  constructor(
    private readonly bot: { readonly teams: TeamsClient },
    readonly id: string,
    readonly user: TeamsUser = emulatorUser(),
  ) {}

  post(activity: Partial<Activity>): Promise<Response> {
    return this.bot.teams.post(
      this.user,
      {
        channelId: 'emulator',
        from: { id: this.user.id, name: this.user.name },
        conversation: { id: this.id, isGroup: false, conversationType: '', name: '' },
        channelData: undefined,
        locale: this.user.locale,
        ...activity,
      },
      this.id,
    );
  }

  /** The user opens the chat: the Emulator says they joined. */
  join(): Promise<Response> {
    return this.post({ type: 'conversationUpdate', membersAdded: [{ id: this.user.id, name: this.user.name }] });
  }

  say(text: string): Promise<Response> {
    return this.post({ type: 'message', text });
  }

  /** Clicks an Action.Execute button of a card in this chat. */
  click(verb: string, data: Record<string, unknown>): Promise<Response> {
    return this.post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });
  }
}
