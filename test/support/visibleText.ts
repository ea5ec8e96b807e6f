/**
 * What a person reads in a message: its text, and the text of its Adaptive Cards (text blocks,
 * facts as "title: value", and button titles in brackets), in order. Tests read replies this way
 * whether the bot answered with text or with a card.
 */
import type { Activity } from 'botbuilder';

export function visibleText(activity: Partial<Activity> | undefined): string {
  if (!activity) return '';
  const parts: string[] = activity.text ? [activity.text] : [];
  for (const attachment of activity.attachments ?? []) {
    if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') collect(attachment.content, parts);
  }
  return parts.join('\n');
}

function collect(node: unknown, parts: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, parts);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const element = node as Record<string, unknown>;
  if (element.type === 'TextBlock' && typeof element.text === 'string') parts.push(element.text);
  if (element.type === 'FactSet' && Array.isArray(element.facts)) {
    for (const fact of element.facts as Array<{ title?: string; value?: string }>) parts.push(`${fact.title ?? ''}: ${fact.value ?? ''}`);
  }
  if (typeof element.type === 'string' && element.type.startsWith('Action.') && typeof element.title === 'string') parts.push(`[${element.title}]`);
  for (const key of ['body', 'items', 'columns', 'actions', 'card']) if (key in element) collect(element[key], parts);
}

/** The commands a message's card buttons send (`Action.Execute`, verb `command`), in order. */
export function buttonCommands(activity: Partial<Activity> | undefined): string[] {
  const commands: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== 'object' || node === null) return;
    const element = node as Record<string, unknown>;
    const data = element.data as { command?: unknown } | undefined;
    if (element.type === 'Action.Execute' && element.verb === 'command' && typeof data?.command === 'string') commands.push(data.command);
    for (const key of ['body', 'items', 'columns', 'actions', 'card']) if (key in element) walk(element[key]);
  };
  for (const attachment of activity?.attachments ?? []) walk(attachment.content);
  return commands;
}
