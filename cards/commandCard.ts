/**
 * A line of text with buttons that stand for typed commands: each an `Action.Execute` with verb
 * `command` whose turn runs exactly as typing the command would (see GuestAccessBot).
 */
import { type Attachment, CardFactory } from 'botbuilder';
import template from './commandCard.json';
import { expandCard } from './expandCard';

export interface CommandButton {
  title: string;
  /** The text typing it would take, in the viewer's language. */
  command: string;
}

export function commandCardAttachment(text: string, buttons: readonly CommandButton[]): Attachment {
  return CardFactory.adaptiveCard(expandCard(template, { text, actions: buttons }));
}
