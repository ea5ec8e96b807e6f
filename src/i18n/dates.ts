/**
 * Dates as people read them, in their language. A moment less than two days away also shows its
 * time (UTC): close deadlines need it, and under TIME_SCALE every deadline is that close.
 */
import { languageOf } from './index';

const TWO_DAYS_MS = 2 * 86_400_000;

export function formatDate(iso: string, locale: string | undefined, now: Date = new Date()): string {
  const date = new Date(iso);
  const close = Math.abs(date.getTime() - now.getTime()) < TWO_DAYS_MS;
  const language = languageOf(locale);
  const formatted = formatter(language === 'es' ? 'es-ES' : 'en-GB', close).format(date);
  return close ? `${formatted} UTC` : formatted;
}

// Building an Intl.DateTimeFormat costs far more than using one: one per language and style.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale} ${withTime}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'UTC' });
    formatters.set(key, made);
  }
  return made;
}
