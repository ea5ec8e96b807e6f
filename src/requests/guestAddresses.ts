/**
 * The addresses in what someone typed or pasted at the address question: one address, a list
 * separated by commas, semicolons, spaces or new lines, or text a mail client wrote
 * (`"Kim Lee" <kim@fabrikam.com>; jo@fabrikam.com`). Names and words around them are not
 * addresses and are passed over; something that tries to be one (it has an `@`) is kept, so the
 * checks can say what is wrong with it.
 */
import { normalizeAddress } from './policy';

/** Guests one request may ask for: a partner's project team; more is a second request. */
export const MAX_GUESTS_PER_REQUEST = 20;

/** Where one part ends: list separators and white space (a name's quotes and angle brackets are stripped from each part). */
const SEPARATORS = /[\s,;]+/;
const WRAPPING = /^[<("'[¿¡]+|[>)"'\].:?!…]+$/g;

/**
 * Every address in `text`, lowercased, each once, in the order given. Text with no `@` at all is
 * one answer, returned whole, so that a single mistyped address is named back as it was typed.
 */
export function addressesIn(text: string): string[] {
  const parts = text
    .split(SEPARATORS)
    .map((part) => normalizeAddress(part.replace(WRAPPING, '')))
    .filter((part) => part.includes('@'));
  if (parts.length === 0) return text.trim() ? [text.trim()] : [];
  return [...new Set(parts)];
}
