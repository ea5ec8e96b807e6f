/**
 * How long access lasts: the requester's answer (a number of days, an end date, or the default),
 * capped by the shortest `maxDays` of the resources asked for.
 */

type AccessPeriodAnswer =
  | { ok: true; days: number; /** The answer asked for more than the resources allow. */ cappedFrom?: number }
  | { ok: false; problem: 'notUnderstood' | 'notInFuture' };

const MAX_DAYS = 3650;
const DAY_MS = 86_400_000;

/**
 * Reads `30`, `30 days`, `30 días`, `2027-03-01`, or a day such as `1/3/2027` (month first for
 * en-US, day first elsewhere). `isDefault` says whether the answer keeps the default (`ok`).
 * Dates are counted in whole calendar days from `today` (UTC).
 */
export function readAccessPeriod(
  answer: string,
  options: { defaultDays: number; maxDays?: number; locale: string; today: Date; isDefault: (text: string) => boolean },
): AccessPeriodAnswer {
  const text = answer.trim().toLowerCase();
  let days: number | undefined;
  if (options.isDefault(text)) days = options.defaultDays;
  else if (/^\d{1,4}(\s*(d|days?|d[ií]as?))?$/.test(text)) days = Number.parseInt(text, 10);
  else {
    const date = dateOf(text, options.locale);
    if (!date) return { ok: false, problem: 'notUnderstood' };
    days = Math.round((date.getTime() - startOfDay(options.today).getTime()) / DAY_MS);
  }
  if (!(days >= 1)) return { ok: false, problem: 'notInFuture' };
  const limit = Math.min(options.maxDays ?? MAX_DAYS, MAX_DAYS);
  return days > limit ? { ok: true, days: limit, cappedFrom: days } : { ok: true, days };
}

function dateOf(text: string, locale: string): Date | undefined {
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const slashed = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(text);
  if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (slashed) {
    const monthFirst = locale.toLowerCase() === 'en-us';
    [year, month, day] = [Number(slashed[3]), Number(slashed[monthFirst ? 1 : 2]), Number(slashed[monthFirst ? 2 : 1])];
  } else return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  // 31/02 rolls over into March: not a date anyone meant.
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : undefined;
}

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}
