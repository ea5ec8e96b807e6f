/**
 * Dates as people read them, in the conventions of a locale (i18n/index's formatDate picks the
 * one of the language someone's texts are in). A moment less than two days away also shows its
 * time (UTC): close deadlines need it, and under TIME_SCALE every deadline is that close.
 */

const TWO_DAYS_MS = 2 * 86_400_000;

export function formatDateIn(dateLocale: string, iso: string, now: Date): string {
  const date = new Date(iso);
  const close = Math.abs(date.getTime() - now.getTime()) < TWO_DAYS_MS;
  const formatted = formatter(dateLocale, close).format(date);
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
