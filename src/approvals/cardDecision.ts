/**
 * What a click on an approval card decides, from the request as it stands: the sponsor's card, or a
 * resource owner's card for their stage (requests/approvalStage). Approve or Reject; Refresh only
 * reads. Nothing here reads or writes: useCases/decide reads the request whole, asks here, and
 * writes the change this returns, so the rules of a click can be read (and tested) on their own.
 *
 * Who may decide is the roles' to say (roles.ts), asked by the use case before it asks here: on
 * the sponsor's card the sponsor; on a stage's card its approvers, never the requester or the
 * sponsor (separation of duties).
 *
 * The sponsor's approval opens the owner stages, or provisions the guest (requests/followUp.ts);
 * an extension's stage moves the end of access when approved, and a rejection lets the access end
 * on its date.
 */
import type { AccessRequest, Actor } from '../requests/accessRequest';
import { ANSWER_LIMITS } from '../requests/answerLimits';
import { type ApprovalStage, isStageOpen, ownerStagesFor } from '../requests/approvalStage';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { planChange } from '../requests/changePlan';
import type { FollowUpSettings } from '../requests/followUp';
import { isAwaitingDecision, isAwaitingSponsor } from '../requests/lifecycle';
import type { CardDecision, StateChange } from '../requests/requestRepository';

/** A click on an approval card by someone who may decide it: the button's data, unchecked, and who clicked. */
export interface CardClick {
  verb: 'approve' | 'reject' | 'refresh';
  /** From the card's data: checked here against the comment box's limit. */
  comment: unknown;
  /**
   * From the card's data, on a request for several guests: the guests the sponsor kept ticked (their
   * rows' ids, comma-separated, as a multi-select sends them); the others are left out. Unset: all.
   */
  guests?: unknown;
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
  /** What the sponsor's decision is planned with: the work that follows it, counted from the settings. */
  followUp: FollowUpSettings;
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

/** The card a decider clicked, as it was read: its request, every guest of it, and the stage it is for (unset: the sponsor's). */
export type DecidersCard = Omit<Extract<Decision, { isTheirs: boolean }>, 'outcome'>;

/** A decision that is made by writing `change`; until it is written, the request as it was read. */
export type DecisionToWrite = DecidersCard & { outcome: 'approved' | 'rejected'; change: CardDecision };

/** What the click decides on `seen`, the card of someone who may decide it, at `now`. */
export function cardDecision(click: CardClick, seen: DecidersCard, rules: CardRules, now: Date): Extract<Decision, { isTheirs: boolean }> | DecisionToWrite {
  const { request, guests, stage } = seen;
  const comment = commentOf(click.comment);
  const stillOpen = stage ? isStageOpen(request, stage) : isAwaitingSponsor(request.state);
  if (click.verb === 'refresh' || !stillOpen) return { outcome: 'unchanged', ...seen };
  if (comment === undefined) return { outcome: 'commentTooLong', ...seen };
  const approved = click.verb === 'approve';
  // An extension's stage is about one guest's end date: nobody to leave out there.
  const leaveOut = approved && stage?.extensionFor === undefined ? leftOut(guests, click.guests) : [];
  if (leaveOut.length > 0 && leaveOut.length === guests.filter((guest) => isAwaitingDecision(guest.state)).length) {
    return { outcome: 'noGuestChosen', ...seen };
  }
  const choice = { approved, comment, actor: click.actor, leaveOut };
  const change = stage ? stageChange(request, stage, choice) : sponsorChange(request, { ...choice, isTheirs: seen.isTheirs }, rules, now);
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

/**
 * The sponsor's approval opens the stages of resources whose owners approve too, else the guest is
 * provisioned; planned here (requests/changePlan), so that the repository only writes it.
 */
function sponsorChange(request: AccessRequest, choice: Choice & { isTheirs: boolean }, rules: CardRules, now: Date): CardDecision {
  const { approved } = choice;
  const stages = approved ? ownerStagesFor(resourcesByIds(rules.catalog, request.resourceIds)) : [];
  const change: StateChange = {
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
  };
  return { sponsor: change, plan: planChange(change, now, rules.followUp) };
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
