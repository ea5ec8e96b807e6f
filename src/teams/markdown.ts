/**
 * Teams renders a subset of markdown in messages and in Adaptive Card text. What a person typed
 * (a justification, a comment, a name) must show as typed, not turn into links, emphasis or
 * lists. Only what markdown would act on is escaped, so addresses and sentences stay readable
 * in clients that show escapes literally.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>])/g, '\\$1')
    .replace(/^(\s*)([#>+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.');
}
