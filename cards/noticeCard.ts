/**
 * A card that says only one thing, for someone who must not see a request's details: an
 * unknown request id, or a click by someone other than the sponsor.
 */
import { Template } from 'adaptivecards-templating';
import type { AdaptiveCardJson } from './approvalCard';
import template from './notice.json';

export interface NoticeCardData {
  title: string;
  text: string;
}

export function noticeCard(data: NoticeCardData): AdaptiveCardJson {
  return new Template(template).expand({ $root: data }) as AdaptiveCardJson;
}
