/**
 * Every user-facing text goes through here: i18next with English and Spanish, chosen by the
 * activity's locale and falling back to English.
 */
import i18next, { type TFunction } from 'i18next';
import en from './en.json';
import es from './es.json';
import { formatDateIn } from './dates';

declare module 'i18next' {
  interface CustomTypeOptions {
    // Keys are checked at compile time against the English resources.
    resources: { translation: typeof en };
    returnNull: false;
  }
}

const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
export type Translate = TFunction;

const i18n = i18next.createInstance();
void i18n.init({
  resources: { en: { translation: en }, es: { translation: es } },
  supportedLngs: [...LANGUAGES],
  nonExplicitSupportedLngs: true,
  fallbackLng: 'en',
  load: 'languageOnly',
  // Resources are bundled, so initialising synchronously is safe and keeps callers simple.
  initAsync: false,
  // Nothing here renders HTML; card and chat texts are escaped where they are built.
  interpolation: { escapeValue: false },
});

/** `es-MX` → `es`; anything not supported → `en`. */
export function languageOf(locale: string | undefined): Language {
  // Locales come from clients; a number or an object where a string belongs means English.
  const language = (typeof locale === 'string' ? locale : '').toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(language) ? (language as Language) : 'en';
}

/**
 * A text with no values to put in never changes, and cards and replies ask for dozens each:
 * looked up once per language, the rest from i18next each time.
 */
function rememberingTranslator(language: Language): Translate {
  const translate = i18n.getFixedT(language) as unknown as (key: unknown, options?: unknown) => string;
  const plain = new Map<string, string>();
  return ((key: unknown, options?: unknown) => {
    if (options !== undefined || typeof key !== 'string') return translate(key, options);
    let text = plain.get(key);
    if (text === undefined) {
      text = translate(key);
      plain.set(key, text);
    }
    return text;
  }) as unknown as Translate;
}

const TRANSLATORS: Record<Language, Translate> = { en: rememberingTranslator('en'), es: rememberingTranslator('es') };

export function translatorFor(locale: string | undefined): Translate {
  return TRANSLATORS[languageOf(locale)];
}

/** How each language writes a date: day before month in both. */
const DATE_LOCALES: Record<Language, string> = { en: 'en-GB', es: 'es-ES' };

/** A date as someone with `locale` reads it: as the language their texts are in writes it (i18n/dates). */
export function formatDate(iso: string, locale: string | undefined, now: Date = new Date()): string {
  return dateFormatFor(locale)(iso, now);
}

/** How someone with `locale` reads dates, resolved once for a card or a message that shows several. */
export function dateFormatFor(locale: string | undefined): (iso: string, now?: Date) => string {
  const dateLocale = DATE_LOCALES[languageOf(locale)];
  return (iso, now = new Date()) => formatDateIn(dateLocale, iso, now);
}

/** How someone reads a card or a message that shows several texts and dates: resolved once for them. */
export interface Wording {
  t: Translate;
  date: (iso: string, now?: Date) => string;
}

export function wordingFor(locale: string | undefined): Wording {
  return { t: translatorFor(locale), date: dateFormatFor(locale) };
}

export type CommandName = keyof typeof en.commands;

/** Each way of typing a command, normalized, with the commands and languages it is a word of: built once. */
const COMMAND_WORDS = new Map<string, Array<{ name: CommandName; language: Language }>>();
for (const language of LANGUAGES) {
  const commands = (language === 'en' ? en : es).commands as Record<CommandName, string[]>;
  for (const [name, words] of Object.entries(commands) as Array<[CommandName, string[]]>) {
    for (const word of words) {
      const typed = normalizeCommand(word);
      COMMAND_WORDS.set(typed, [...(COMMAND_WORDS.get(typed) ?? []), { name, language }]);
    }
  }
}

/**
 * Longer than any command with room for spaces and punctuation around it: a text this long is an
 * answer or a sentence, and is not normalized whole to find out (a message can hold 28 KB).
 */
const MAX_COMMAND_LENGTH = 64;

/**
 * What the user typed, as a command of either language: `solicitar` works in an English chat
 * and `request` in a Spanish one, because people switch.
 */
export function commandOf(text: string | undefined, names: readonly CommandName[]): CommandName | undefined {
  if (text && text.length > MAX_COMMAND_LENGTH) return undefined;
  const meanings = COMMAND_WORDS.get(normalizeCommand(text));
  return meanings && names.find((name) => meanings.some((meaning) => meaning.name === name));
}

/** Commands that start a conversation's business: typing one in a language is choosing it. */
const LANGUAGE_CHOOSING_COMMANDS: readonly CommandName[] = [
  'request',
  'help',
  'cancel',
  'status',
  'pending',
  'guests',
  'link',
  'email',
  'reset',
  'end',
  'extend',
  'audit',
];

/**
 * The language of a command typed (`solicitar`, `ayuda`, `cancelar GA-…`), when its words belong
 * to one language only; undefined for anything else (an answer, a name, `ok`).
 */
export function languageOfCommand(text: string | undefined): Language | undefined {
  const short = (text ?? '').length <= MAX_COMMAND_LENGTH;
  const words = normalizeCommand(short ? text : text?.slice(0, MAX_COMMAND_LENGTH)).split(/\s+/);
  // The whole text (`solicitar de nuevo`, `new request`), else its first word (`cancelar GA-…`).
  for (const typed of short ? [words.join(' '), words[0]] : [words[0]]) {
    if (!typed) continue;
    const meanings = (COMMAND_WORDS.get(typed) ?? []).filter((meaning) => LANGUAGE_CHOOSING_COMMANDS.includes(meaning.name));
    const languages = new Set(meanings.map((meaning) => meaning.language));
    if (languages.size === 1) return [...languages][0];
    if (languages.size > 1) return undefined;
  }
  return undefined;
}

/** Lowercase, trimmed, without accents or trailing punctuation: "¡Sí!" and "si" are the same answer. */
function normalizeCommand(text: string | undefined): string {
  return (text ?? '')
    .trim()
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/^[¡¿\s]+|[!.?\s]+$/g, '');
}
