/**
 * The one place that says which state may follow which. Storage enforces it with conditional
 * updates; everything else asks here.
 */

export const REQUEST_STATES = [
  'pending_approval',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'invited',
  'failed',
  'accepted',
  'ended',
] as const;

export type RequestState = (typeof REQUEST_STATES)[number];

const NEXT: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending_approval: ['approved', 'rejected', 'cancelled', 'expired'],
  // `accepted` straight away: the address was a guest who had already accepted, so there was
  // nothing to redeem, only access to add.
  approved: ['invited', 'accepted', 'failed'],
  failed: ['approved'],
  invited: ['accepted', 'ended'],
  // A sponsor's reset of redemption: the guest must accept again.
  accepted: ['invited', 'ended'],
  rejected: [],
  cancelled: [],
  expired: [],
  ended: [],
};

export function canTransition(from: RequestState, to: RequestState): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: RequestState, to: RequestState): void {
  if (!canTransition(from, to)) {
    throw new Error(`An access request cannot go from ${from} to ${to}.`);
  }
}

/** The sponsor can still decide. */
export function isAwaitingDecision(state: RequestState): boolean {
  return state === 'pending_approval';
}
