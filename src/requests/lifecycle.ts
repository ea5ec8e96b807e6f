/**
 * The one place that says which state may follow which. Storage enforces it with conditional
 * updates; everything else asks here.
 */

export const REQUEST_STATES = [
  'pending_approval',
  'pending_owner_approval',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'invited',
  'failed',
  'accepted',
  'ended',
  'withdrawn',
  'left_out',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

const NEXT: Readonly<Record<RequestState, readonly RequestState[]>> = {
  // The sponsor approved a request for resources whose owners must approve too (see requests/approvalStage.ts).
  // `left_out`: one guest of a request the sponsor (or an owner) approved for the others.
  pending_approval: ['approved', 'pending_owner_approval', 'rejected', 'cancelled', 'expired', 'left_out'],
  pending_owner_approval: ['approved', 'rejected', 'cancelled', 'expired', 'left_out'],
  // `accepted` straight away: the address was a guest who had already accepted, so there was
  // nothing to redeem, only access to add.
  approved: ['invited', 'accepted', 'failed'],
  failed: ['approved'],
  // `withdrawn`: the guest did not accept within PENDING_GUEST_DAYS (see access/withdrawInvitation).
  invited: ['accepted', 'ended', 'withdrawn'],
  // A sponsor's reset of redemption: the guest must accept again.
  accepted: ['invited', 'ended'],
  rejected: [],
  cancelled: [],
  expired: [],
  ended: [],
  withdrawn: [],
  left_out: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: RequestState, to: RequestState): void {
  if (!canTransition(from, to)) {
    throw new Error(`An access request cannot go from ${from} to ${to}.`);
  }
}

/**
 * Until it is approved a request is decided as a whole: a decision, a cancellation or an expiry
 * moves every guest of it still waiting, together (see RequestRepository.transition). From the
 * approval on, each guest goes their own way.
 */
export function isDecidedTogether(state: RequestState): boolean {
  return isAwaitingDecision(state);
}

/** Someone can still decide: the sponsor, or a resource's owners after them. */
export function isAwaitingDecision(state: RequestState): boolean {
  return state === 'pending_approval' || state === 'pending_owner_approval';
}

/** The sponsor, the first stage, can still decide. */
export function isAwaitingSponsor(state: RequestState): boolean {
  return state === 'pending_approval';
}

/** The request gives the guest access now: it may be extended, reset or ended. */
export function isGranted(state: RequestState): boolean {
  return state === 'invited' || state === 'accepted';
}

/**
 * The sponsor's answer to an offer to extend, for one end date: `extended`; `declined`; or, when
 * a resource's owners approve too, `awaitingOwners` until every one of those stages approves
 * (`extended`) or one rejects (`rejected`). Meanwhile the access stays as it is, and ends on its
 * date if they have not approved by then. No answer is the offer still open.
 */
export type ExtensionAnswer = 'awaitingOwners' | 'extended' | 'declined' | 'rejected';

const EXTENSION_NEXT: Readonly<Record<'open' | ExtensionAnswer, readonly ExtensionAnswer[]>> = {
  open: ['extended', 'declined', 'awaitingOwners'],
  awaitingOwners: ['extended', 'rejected'],
  extended: [],
  declined: [],
  rejected: [],
};

export function canAnswerExtension(from: ExtensionAnswer | undefined, to: ExtensionAnswer): boolean {
  return EXTENSION_NEXT[from ?? 'open'].includes(to);
}

/** Where an owner stage stands. */
export type StageState = 'pending' | 'approved' | 'rejected';

/**
 * What the owner stages' decisions make of the request: rejected as soon as one stage rejects,
 * approved once every stage has approved, else still waiting.
 */
export function outcomeOfStages(states: readonly StageState[]): 'approved' | 'rejected' | 'waiting' {
  if (states.includes('rejected')) return 'rejected';
  return states.every((state) => state === 'approved') ? 'approved' : 'waiting';
}
