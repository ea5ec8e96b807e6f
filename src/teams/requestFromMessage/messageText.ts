/**
 * The text of the message a person started the extension on, as they read it: Teams sends its
 * body as HTML (`messagePayload.body`), where an address typed as `"Kim Lee" <kim@fabrikam.com>`
 * arrives as `&quot;Kim Lee&quot; &lt;kim@fabrikam.com&gt;` and a link as `<a href="mailto:…">`.
 * Only read for addresses, never shown or executed, so tags are dropped rather than parsed.
 */

/** About a Teams message's limit: a payload longer than this is not one Teams sent, and is not read further. */
const MAX_MESSAGE_LENGTH = 28_000;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function textOfMessage(body: { content?: unknown; contentType?: unknown } | undefined): string {
  const content = typeof body?.content === 'string' ? body.content.slice(0, MAX_MESSAGE_LENGTH) : '';
  if (body?.contentType === 'text') return content;
  return (
    content
      // A line break or a block ends a word: addresses on separate lines must not run together.
      .replace(/<(br|\/p|\/div|\/li|\/tr|\/td)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (entity, name: string) => decodeEntity(name) ?? entity)
  );
}

function decodeEntity(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.startsWith('#')) {
    const code = lower.startsWith('#x') ? Number.parseInt(lower.slice(2), 16) : Number.parseInt(lower.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[lower];
}
