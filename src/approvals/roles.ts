/**
 * Who someone is to a request: its requester, its sponsor, or neither. Identity comes from the
 * activity (the Entra object id the channel vouches for), never from card data or typed text.
 */
import type { AccessRequest } from '../requests/accessRequest';

export interface Someone {
  /** Their Entra object id, as resolved from the activity; undefined if unknown. */
  userId?: string;
  /** The conversation they wrote or clicked in. */
  conversationId: string;
}

export function isRequesterOf(someone: Someone, request: AccessRequest): boolean {
  return someone.userId !== undefined && someone.userId === request.requester.id;
}

export function isSponsorOf(someone: Someone, request: AccessRequest): boolean {
  return someone.userId !== undefined && someone.userId === request.sponsor.id;
}

/**
 * The sponsor, or, when running unauthenticated (`localTestsAllowed`), whoever is in the chat the
 * approval card was shown in as a local test: the Emulator and the Playground have one user. The
 * exception is held to the stored card location, never to anything the client sends.
 */
export function actsAsSponsor(someone: Someone, request: AccessRequest, localTestsAllowed: boolean): boolean {
  const localTestSponsor = localTestsAllowed && request.approvalCard?.localTest === true && request.approvalCard.conversationId === someone.conversationId;
  return isSponsorOf(someone, request) || localTestSponsor;
}
