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

/**
 * A guest's row of a request for several (`GA-7K3QZP-2`: its second guest), or a request's own id
 * (its first guest's row). Checked before any lookup of something that is one guest's (a typed
 * per-guest command, the offer to extend, the card about a guest who has not signed in); a
 * decision on the request as a whole (the approval card) takes the request's id alone (isRequestId).
 */
const GUEST_ROW_ID_PATTERN = new RegExp(`^GA-[${ALPHABET}]{${LENGTH}}(-[2-9]|-[1-9][0-9])?$`);

export function isGuestRowId(value: unknown): value is string {
  return typeof value === 'string' && GUEST_ROW_ID_PATTERN.test(value);
}

/** The request a guest's row belongs to: `GA-7K3QZP-2` → `GA-7K3QZP`; a request's id is its own. */
export function requestIdOfRow(rowId: string): string {
  return rowId.slice(0, 'GA-'.length + LENGTH);
}
