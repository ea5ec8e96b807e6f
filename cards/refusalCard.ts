/**
 * The one answer for a click by anyone who may not act on a request: the same card, word for word,
 * whether the id exists or not, whichever card (approval, owner stage, offer to extend) the click
 * claims to come from. Nothing in it depends on the request, so it tells a forger nothing: not
 * whether the id exists, not its resources, not where it stands.
 */
import type { AdaptiveCardJson } from './approvalCard';
import { noticeCard } from './noticeCard';
import { translatorFor } from '../src/i18n';

export function refusalCard(locale: string): AdaptiveCardJson {
  const t = translatorFor(locale);
  return noticeCard({ title: t('approvalCard.title'), text: t('approvalCard.nothingToDo') });
}
