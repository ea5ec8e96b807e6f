/**
 * Who someone is to a request, and so what they may decide: its requester, its sponsor, an approver
 * of one of its owner stages, or nobody. Identity comes from the activity (the Entra object id the
 * channel vouches for), never from card data or typed text. This is the one place that says who
 * may decide what.
 */
import type { AccessRequest, Actor } from '../requests/accessRequest';
import type { ApprovalStage } from '../requests/approvalStage';
import type { LinkAskedBy } from '../requests/jobs';

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

/**
 * What someone is to one card of a request, the sponsor's (no `stage`) or an owner stage's: the
 * one who `decides` it; someone who `standsIn` for its sponsor in a local test (the Emulator's and
 * the Playground's one user), who decides it too but is not the one Teams refreshes the card for;
 * someone who `looksOn`, read-only (the requester, and on a stage the sponsor, who answer for the
 * request but do not decide the owners' part); or `nobody`, who learns nothing of it.
 */
export type Standing = 'decides' | 'standsIn' | 'looksOn' | 'nobody';

export function standingOn(someone: Someone, request: AccessRequest, stage: ApprovalStage | undefined, localTestsAllowed: boolean): Standing {
  // On a stage the decider is always its approver, or in a local test the holder of its card, which was shown to them alone.
  if (stage ? mayDecideStage(someone, request, stage, localTestsAllowed) : isSponsorOf(someone, request)) return 'decides';
  if (!stage && actsAsSponsor(someone, request, localTestsAllowed)) return 'standsIn';
  if (isRequesterOf(someone, request) || (stage !== undefined && isSponsorOf(someone, request))) return 'looksOn';
  return 'nobody';
}

/**
 * Separation of duties: whoever filed a request, or approved it as its sponsor, decides none of
 * its owner stages (nor those of its extensions), even when the catalog names them an approver
 * of the resource. So every owner stage is decided by a third person.
 */
export function mayApproveStagesOf(personId: string, request: Pick<AccessRequest, 'requester' | 'sponsor'>): boolean {
  return personId !== request.requester.id && personId !== request.sponsor.id;
}

/**
 * May decide the stage: one of its approvers, by the identity the channel vouches for, unless
 * separation of duties bars them; or, in a local test, whoever holds the card it was shown on.
 */
export function mayDecideStage(someone: Someone, request: AccessRequest, stage: ApprovalStage, localTestsAllowed: boolean): boolean {
  if (localTestsAllowed && (stage.cards ?? []).some((card) => card.localTest && card.conversationId === someone.conversationId)) return true;
  const { userId } = someone;
  return userId !== undefined && mayApproveStagesOf(userId, request) && (stage.approvers ?? []).some((approver) => approver.id === userId);
}

/** Someone who asks for something done to a request (a link, an email, a reset, an end), and what they are to it. */
interface Asker {
  actsAsSponsor: boolean;
  /** Who hears how it went: the requester when they are both (a local test, where one person plays both). */
  role: LinkAskedBy;
  /** Whom the audit trail names as having asked. */
  actor: Extract<Actor, { kind: 'user' }>;
}

/**
 * What someone is to a request when they ask for something done to it; undefined when they are
 * nobody to it (or unknown), which the caller answers as a request that does not exist. The
 * display name is the one the chat shows for them, for the audit trail.
 */
export function askerOf(someone: Someone, displayName: string, request: AccessRequest, localTestsAllowed: boolean): Asker | undefined {
  const { userId } = someone;
  if (!userId) return undefined;
  const isRequester = isRequesterOf(someone, request);
  const asSponsor = actsAsSponsor(someone, request, localTestsAllowed);
  if (!isRequester && !asSponsor) return undefined;
  return { actsAsSponsor: asSponsor, role: isRequester ? 'requester' : 'sponsor', actor: { kind: 'user', id: userId, displayName } };
}

/**
 * Who may take over, or name the next sponsor of, a request whose sponsor left: its requester,
 * and the old sponsor's manager the bot offered it to. Nobody else learns of the request.
 */
export function mayChooseNextSponsor(someone: Someone, request: AccessRequest): boolean {
  const { userId } = someone;
  if (userId === undefined) return false;
  return isRequesterOf(someone, request) || (request.sponsorshipOfferedToId !== undefined && userId === request.sponsorshipOfferedToId);
}
