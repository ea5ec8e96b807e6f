/**
 * A yes-or-no question: typed in either language, or answered with its buttons. The question is a
 * small card whose buttons send what typing would: a message with suggested actions shows its
 * markdown unrendered in some clients (the Agents Playground).
 */
import type { Activity } from 'botbuilder';
import type { PromptValidatorContext } from 'botbuilder-dialogs';
import { commandCardAttachment } from '../cards/commandCard';
import { yesNoButtons } from '../cards/summaryCard';
import { commandOf, type Translate } from '../src/i18n';

export function yesNoQuestion(t: Translate, text: string): Partial<Activity> {
  return { type: 'message', attachments: [commandCardAttachment(text, yesNoButtons(t))] };
}

/** true for yes, false for no, undefined for anything else (the question is asked again). */
export function answerOf(text: string | undefined): boolean | undefined {
  const answer = commandOf(text, ['yes', 'no']);
  return answer === undefined ? undefined : answer === 'yes';
}

/** A TextPrompt validator that takes only a yes or a no. */
export async function isYesOrNo(prompt: PromptValidatorContext<string>): Promise<boolean> {
  return answerOf(prompt.recognized.value) !== undefined;
}
