/**
 * The invokes of the message extension (its form's catalog search included): what admission lets
 * in from any conversation of the tenant, and how such an invoke is answered with a sentence.
 */
import type { Activity } from 'botbuilder';

const MESSAGE_EXTENSION_INVOKES: readonly string[] = ['composeExtension/fetchTask', 'composeExtension/submitAction', 'application/search'];

export function isMessageExtensionInvoke(activity: Partial<Pick<Activity, 'type' | 'name'>>): boolean {
  return activity.type === 'invoke' && typeof activity.name === 'string' && MESSAGE_EXTENSION_INVOKES.includes(activity.name);
}

/**
 * `text` where the extension's invoke shows it: a task module's message for the command's; for a
 * search, which shows no text, no results.
 */
export function messageExtensionNotice(activity: Partial<Pick<Activity, 'name'>>, text: string): Record<string, unknown> {
  if (activity.name === 'application/search') return { type: 'application/vnd.microsoft.search.searchResponse', value: { results: [] } };
  return { task: { type: 'message', value: text } };
}
