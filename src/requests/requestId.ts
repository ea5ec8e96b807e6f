import { randomInt } from 'node:crypto';

// Crockford's base32 without I, L, O, U: nothing to misread when a user quotes an id.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 6;

/** `GA-` and six characters: about a billion ids, short enough to read out in a call. */
export function newRequestId(): string {
  let id = 'GA-';
  for (let i = 0; i < LENGTH; i++) id += ALPHABET[randomInt(ALPHABET.length)];
  return id;
}

const REQUEST_ID_PATTERN = new RegExp(`^GA-[${ALPHABET}]{${LENGTH}}$`);

/** Checked before any lookup: what a card or a user sends is only ever a key of this shape. */
export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
