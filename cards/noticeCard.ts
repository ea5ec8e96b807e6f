/**
 * A card that says only one thing, for someone who must not see a request's details: an
 * unknown request id, or a click by someone other than the sponsor.
 */
import type { AdaptiveCardJson } from './approvalCard';
import template from './notice.json';
import { expandCard } from './expandCard';

interface NoticeCardData {
  title: string;
  text: string;
}

export function noticeCard(data: NoticeCardData): AdaptiveCardJson {
  return expandCard<AdaptiveCardJson>(template, data);
}
