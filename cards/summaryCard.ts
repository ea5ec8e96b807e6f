/**
 * The request as the requester is asked to confirm it: what they answered, as a fact set, and
 * Yes and No buttons that send what typing `yes` or `no` would (typing keeps working everywhere).
 * A card rather than a message with suggested actions, which some clients (the Agents Playground)
 * show with its markdown unrendered.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import type { Translate } from '../src/i18n';
import type { CommandButton } from './commandCard';
import template from './summary.json';
import { expandCard } from './expandCard';

interface SummaryView {
  /** The guest, or every guest, one a line. */
  guest: string;
  /** More than one guest: the label says so. */
  several?: boolean;
  resources: string;
  until: string;
  why: string;
  sponsor: string;
  /** The question under the facts: send it to whom. */
  question: string;
}

export function yesNoButtons(t: Translate): CommandButton[] {
  return [
    { title: t('dialog.suggestYes'), command: t('dialog.suggestYes') },
    { title: t('dialog.suggestNo'), command: t('dialog.suggestNo') },
  ];
}

export function summaryCardAttachment(t: Translate, view: SummaryView): Attachment {
  return CardFactory.adaptiveCard(
    expandCard(template, {
      ...view,
      title: t('dialog.summaryTitle'),
      strings: {
        guest: view.several ? t('dialog.summaryGuests') : t('dialog.summaryGuest'),
        resources: t('approvalCard.resources'),
        until: t('approvalCard.endsAt'),
        why: t('dialog.summaryWhy'),
        sponsor: t('approvalCard.sponsor'),
      },
      actions: yesNoButtons(t),
    }),
  );
}
