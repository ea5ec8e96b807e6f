/**
 * The longest answer each question takes, in characters. A Teams message can hold about 28 KB
 * and a local run's body up to 1 MB; no answer needs more than these, and each is checked
 * before any work is done on it, so what one message costs does not grow with what is typed.
 */
export const ANSWER_LIMITS = {
  /** RFC 5321: a path holds at most 256 characters, two of them the angle brackets. */
  guestEmail: 254,
  /**
   * The address question takes several guests (up to MAX_GUESTS_PER_REQUEST), pasted with their
   * names as mail clients write them: room for each address with a long name beside it.
   */
  guestAddresses: 8000,
  /** Numbers, ids or names, comma-separated: room for the most parts with long names. */
  resources: 1000,
  /** Resources one request may ask for; more is a second request. */
  resourceParts: 25,
  /** `30`, `30 days`, `2027-03-01` or `ok`, with room to spare. */
  accessPeriod: 100,
  /** Shown on the approval card in full. */
  justification: 500,
  /** An email address or a user name (UPN), as for the guest. */
  sponsor: 254,
  /** The sponsor's or an owner's comment on the approval card (the card's `maxLength`). */
  decisionComment: 500,
} as const;
