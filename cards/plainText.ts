/**
 * What a person typed (a justification, a comment, an address, a name) shown as they typed it, on
 * cards and in messages, and inert: markdown in it does not act (no links, emphasis or lists),
 * and no URL in it is clickable, since Teams turns bare URLs and domains into links and a sponsor
 * trusts what appears on the bot's card. URLs are defanged the way security tools quote them
 * (`evil[.]com`, `https[:]//…`): still readable, no longer a link. Email addresses stay as they are.
 */
import { LinkifyIt } from 'linkify-it';
import tlds from 'tlds';

// Every top-level domain, and domains without a scheme: whatever a client might turn into a link.
const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyIP: true, fuzzyEmail: true }).tlds(tlds);

export function plainText(text: string): string {
  return escapeMarkdown(defangLinks(text));
}

function defangLinks(text: string): string {
  const links = linkify.match(text)?.filter((link) => !isBareEmailAddress(link)) ?? [];
  let shown = '';
  let from = 0;
  for (const link of links) {
    shown += text.slice(from, link.index) + link.raw.replace(/[.:]/g, (mark) => `[${mark}]`);
    from = link.lastIndex;
  }
  return shown + text.slice(from);
}

/** An address is not a link to open; `mailto:` written out is. */
function isBareEmailAddress(link: { schema: string; raw: string }): boolean {
  return link.schema === 'mailto:' && !/^mailto:/i.test(link.raw);
}

/** Only what markdown would act on, so sentences stay readable in clients that show escapes literally. */
function escapeMarkdown(text: string): string {
  return text
    .replace(/([\\`*_[\]<>])/g, '\\$1')
    .replace(/^(\s*)([#>+-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\./gm, '$1\\.');
}
