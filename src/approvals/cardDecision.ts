/**
 * What a click on an approval card decides, from the request as it stands: the sponsor's card, or a
 * resource owner's card for their stage (requests/approvalStage). Approve or Reject; Refresh only
 * reads. Nothing here reads or writes: useCases/decide reads the request whole, asks here, and
 * writes the change this returns, so the rules of a click can be read (and tested) on their own.
 *
 * Who may decide is the roles' to say (roles.ts): on the sponsor's card the sponsor; on a stage's
 * card its approvers, never the requester or the sponsor (separation of duties). Identity is who
 * clicked, as the channel vouches; nothing on the card, which a client can forge, decides who may
 * act. The requester (and on a stage the sponsor) sees the card read-only; anyone else gets the
 * answer an unknown id gets.
 *
 * The sponsor's approval opens the owner stages, or provisions the guest (requests/followUp.ts);
 * an extension's stage moves the end of access when approved, and a rejection lets the access end
 * on its date.
 */
import type { AccessRequest, Actor } from '../requests/accessRequest';
import { ANSWER_LIMITS } from '../requests/answerLimits';
import { type ApprovalStage, isStageOpen, ownerStagesFor } from '../requests/approvalStage';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { isAwaitingDecision, isAwaitingSponsor } from '../requests/lifecycle';
import type { CardDecision, WholeRequest } from '../requests/requestRepository';
import { isSponsorOf, type Someone, standingOn } from './roles';

/** A click on an approval card: the button's data, unchecked, and who clicked, as the channel vouches. */
export interface CardClick {
  verb: 'approve' | 'reject' | 'refresh';
  /** From the card's data: which approval the card is for (0 or unset: the sponsor's; n: owner stage n). */
  stage?: unknown;
  /** From the card's data: checked here against the comment box's limit. */
  comment: unknown;
  /**
   * From the card's data, on a request for several guests: the guests the sponsor kept ticked (their
   * rows' ids, comma-separated, as a multi-select sends them); the others are left out. Unset: all.
   */
  guests?: unknown;
  clicker: Someone;
  /** Whom the audit trail names as having decided. */
  actor: Extract<Actor, { kind: 'user' }>;
}

/** What the rules of an approval card allow a click, and what they cannot know before it is written. */
export interface CardRules {
  catalog: ResourceCatalog;
  /**
   * True only when running unauthenticated: then a card that was shown in the requester's own
   * chat as a local test may be decided from that chat.
   */
  localTestsAllowed: boolean;
}

/** What a click on an approval card came to. */
export type Decision =
  /** No such request (or stage), or the clicker is nobody to it: both get the same answer. */
  | { outcome: 'notFound' }
  | { outcome: 'refused' }
  /** Someone who may see the card but not decide it: the requester, and on a stage the sponsor. */
  | { outcome: 'readOnly'; request: AccessRequest; guests: AccessRequest[]; stage?: ApprovalStage }
  | {
      /**
       * `unchanged`: a refresh, a card no longer waiting, or another click that came first;
       * `noGuestChosen`: Approve with every guest unticked (that would be a rejection, asked for by its own button).
       */
      outcome: 'approved' | 'rejected' | 'unchanged' | 'commentTooLong' | 'noGuestChosen';
      request: AccessRequest;
      /** Every guest of the request, as the decision leaves them (the card lists them when there are several). */
      guests: AccessRequest[];
      stage?: ApprovalStage;
      /** The clicker is the one the card is for (not a local test's stand-in): Teams refreshes it for them. */
      isTheirs: boolean;
    };

/** A decision that is made by writing `change`; until it is written, the request as it was read. */
export type DecisionToWrite = Omit<Extract<Decision, { isTheirs: boolean }>, 'outcome'> & { outcome: 'approved' | 'rejected'; change: CardDecision };

/** What the click decides on `found` (undefined: no such request), at `now`. */
export function cardDecision(click: CardClick, found: WholeRequest | undefined, rules: CardRules, now: Date): Decision | DecisionToWrite {
  const comment = commentOf(click.comment);
  const stageNumber = Number(click.stage ?? 0);
  const onStage = Number.isInteger(stageNumber) && stageNumber > 0;
  const stage = found && onStage ? found.stages.find((s) => s.stage === stageNumber) : undefined;
  if (!found || (onStage && !stage)) return { outcome: 'notFound' };
  const { request, guests } = found;

  const standing = standingOn(click.clicker, request, stage, rules.localTestsAllowed);
  if (standing === 'nobody') return { outcome: 'refused' };
  if (standing === 'looksOn') return { outcome: 'readOnly', request, guests, stage };
  // On a stage the decider is always its approver (or a local test's holder of its card); on the sponsor's card, maybe a stand-in.
  const isTheirs = stage !== undefined || isSponsorOf(click.clicker, request);
  const stillOpen = stage ? isStageOpen(request, stage) : isAwaitingSponsor(request.state);
  const seen = { request, guests, stage, isTheirs };
  if (click.verb === 'refresh' || !stillOpen) return { outcome: 'unchanged', ...seen };
  if (comment === undefined) return { outcome: 'commentTooLong', ...seen };
  const approved = click.verb === 'approve';
  // An extension's stage is about one guest's end date: nobody to leave out there.
  const leaveOut = approved && stage?.extensionFor === undefined ? leftOut(guests, click.guests) : [];
  if (leaveOut.length > 0 && leaveOut.length === guests.filter((guest) => isAwaitingDecision(guest.state)).length) {
    return { outcome: 'noGuestChosen', ...seen };
  }
  const choice = { approved, comment, actor: click.actor, leaveOut };
  const change = stage ? stageChange(request, stage, choice) : sponsorChange(request, { ...choice, isTheirs }, rules.catalog, now);
  return { outcome: approved ? 'approved' : 'rejected', ...seen, change };
}

/**
 * The guests a sponsor's approval leaves out: those of a request for several that the card's
 * multi-select did not keep. A click without the field (a request for one guest, another client)
 * keeps them all; ids that are not the request's guests count for nothing.
 */
function leftOut(guests: readonly AccessRequest[], chosen: unknown): string[] {
  if (guests.length < 2 || typeof chosen !== 'string') return [];
  const kept = new Set(chosen.split(',').map((id) => id.trim()));
  return guests.filter((guest) => isAwaitingDecision(guest.state) && !kept.has(guest.id)).map((guest) => guest.id);
}

interface Choice {
  approved: boolean;
  comment: string;
  actor: Extract<Actor, { kind: 'user' }>;
  /** The guests an approval leaves out (see leftOut). */
  leaveOut: string[];
}

/** The sponsor's approval opens the stages of resources whose owners approve too, else the guest is provisioned. */
function sponsorChange(request: AccessRequest, choice: Choice & { isTheirs: boolean }, catalog: ResourceCatalog, now: Date): CardDecision {
  const { approved } = choice;
  const stages = approved ? ownerStagesFor(resourcesByIds(catalog, request.resourceIds)) : [];
  return {
    sponsor: {
      id: request.id,
      from: 'pending_approval',
      to: !approved ? 'rejected' : stages.length > 0 ? 'pending_owner_approval' : 'approved',
      actor: choice.actor,
      patch: { decisionComment: choice.comment || undefined, decidedAt: now.toISOString() },
      detail:
        choice.isTheirs && choice.leaveOut.length === 0
          ? undefined
          : {
              ...(choice.isTheirs ? {} : { localTest: true, actingFor: request.sponsor.id }),
              ...(choice.leaveOut.length > 0 ? { leftOut: choice.leaveOut } : {}),
            },
      openStages: stages,
      leaveOut: choice.leaveOut,
    },
  };
}

/** An owner's decision settles the request (or the extension) when it is the last, or a rejection. */
function stageChange(request: AccessRequest, stage: ApprovalStage, choice: Choice): CardDecision {
  const decision = {
    requestId: request.id,
    stage: stage.stage,
    decision: choice.approved ? ('approved' as const) : ('rejected' as const),
    actor: choice.actor,
    comment: choice.comment || undefined,
    ...(choice.leaveOut.length > 0 ? { leaveOut: choice.leaveOut } : {}),
  };
  // An extension's stage is open only while its extension records the end asked for (isStageOpen).
  return stage.extensionFor === undefined || request.extensionOffer?.endsAt === undefined
    ? { stage: decision }
    : { extensionStage: { ...decision, extensionFor: stage.extensionFor } };
}

/**
 * The comment a click carries, trimmed; undefined when it is longer than the card's comment box
 * takes (its `maxLength`): such a click came from another client, and its comment is neither cut
 * short unread nor stored whole, so nothing is decided.
 */
export function commentOf(comment: unknown): string | undefined {
  const trimmed = typeof comment === 'string' ? comment.trim() : '';
  return trimmed.length > ANSWER_LIMITS.decisionComment ? undefined : trimmed;
}
