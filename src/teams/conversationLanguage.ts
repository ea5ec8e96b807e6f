/**
 * Which language to answer a person in, chosen per conversation rather than by the client's
 * locale alone (the Agents Playground always sends en-US, and many people run Teams in English):
 * the language of the last command they typed (`solicitar` → Spanish, `help` → English), kept
 * for the rest of the conversation; else their `preferredLanguage` in the directory, asked once;
 * else the activity's locale. The choice is written into `activity.locale`, so everything after
 * (dialogs, cards, the language stored with a request) follows it.
 */
import type { ConversationState, StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Directory } from '../directory/directory';
import { type Language, languageOf, languageOfCommand } from '../i18n';
import { directoryUserIdOf } from '../http/identity';

interface LanguageChoice {
  /** Chosen by a command typed in it. */
  typed?: Language;
  /** The directory's `preferredLanguage`, once asked ('' when it has none). */
  preferred?: string;
}

export class ConversationLanguage {
  private readonly choice: StatePropertyAccessor<LanguageChoice>;

  constructor(
    conversationState: ConversationState,
    private readonly directory: Pick<Directory, 'getUser'>,
    private readonly localDefaultUserId?: string,
  ) {
    this.choice = conversationState.createProperty<LanguageChoice>('language');
  }

  /** Chooses this turn's language and sets `activity.locale` to it. */
  async apply(context: TurnContext): Promise<void> {
    const { activity } = context;
    const choice = await this.choice.get(context, {});
    const typed = activity.type === 'message' ? languageOfCommand(activity.text) : undefined;
    if (typed && typed !== choice.typed) {
      choice.typed = typed;
      await this.choice.set(context, choice);
    }
    let language: string | undefined = choice.typed;
    if (!language && activity.type === 'message') {
      if (choice.preferred === undefined) {
        choice.preferred = await this.preferredLanguage(context);
        if (choice.preferred !== undefined) await this.choice.set(context, choice);
      }
      language = choice.preferred || undefined;
    }
    if (language && languageOf(activity.locale) !== languageOf(language)) activity.locale = languageOf(language) === 'es' ? 'es-ES' : 'en-US';
  }

  /**
   * The turn's language (`activity.locale`) becomes the conversation's, as if a command had been
   * typed in it: a request started in a language (the message extension's form) goes on in it.
   */
  async choose(context: TurnContext): Promise<void> {
    const choice = await this.choice.get(context, {});
    choice.typed = languageOf(context.activity.locale);
    await this.choice.set(context, choice);
  }

  /** '' when the directory has none; undefined when it could not be asked just now (asked again next time). */
  private async preferredLanguage(context: TurnContext): Promise<string | undefined> {
    const userId = directoryUserIdOf(context.activity, this.localDefaultUserId);
    if (!userId) return '';
    try {
      return (await this.directory.getUser(userId))?.preferredLanguage ?? '';
    } catch {
      return undefined;
    }
  }
}

/**
 * Teams puts the client's language in a clientInfo entity when `locale` is missing. Read before
 * admission, so that even a refusal is said in it.
 */
export function useClientLocale(context: TurnContext): void {
  const { activity } = context;
  if (activity.locale) return;
  const clientInfo = activity.entities?.find((entity) => entity.type === 'clientInfo') as { locale?: unknown } | undefined;
  if (typeof clientInfo?.locale === 'string' && clientInfo.locale !== '') activity.locale = clientInfo.locale;
}
