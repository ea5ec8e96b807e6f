/**
 * A decision on an approval card: the sponsor's card, or a resource owner's card for their stage
 * (requests/approvalStage). Approve or Reject; Refresh only reads.
 *
 * Who may decide is the roles' to say (approvals/roles): on the sponsor's card the sponsor; on a
 * stage's card its approvers, never the requester or the sponsor (separation of duties). Identity
 * is who clicked, as the channel vouches; nothing on the card, which a client can forge, decides
 * who may act. The requester (and on a stage the sponsor) sees the card read-only; anyone else
 * gets the answer an unknown id gets. Of two clicks at once one counts; the other finds it decided.
 *
 * The sponsor's approval opens the owner stages, or provisions the guest (requests/followUp.ts);
 * an extension's stage moves the end of access when approved, and a rejection lets the access end
 * on its date. What happened is returned; the Teams edge draws the card that answers the click.
 */
import { isSponsorOf, standingOn } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { ANSWER_LIMITS } from '../requests/answerLimits';
import { type ApprovalStage, isStageOpen, ownerStagesFor } from '../requests/approvalStage';
import { type ResourceCatalog, resourcesByIds } from '../requests/catalog';
import { isAwaitingDecision, isAwaitingSponsor } from '../requests/lifecycle';
import { isRequestId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import { actorOf, type Clicker } from './clicker';

export interface DecisionInput {
  verb: 'approve' | 'reject' | 'refresh';
  /** From the card's data: only a lookup key, never proof of anything. */
  requestId: unknown;
  /** From the card's data: which approval the card is for (0 or unset: the sponsor's; n: owner stage n). */
  stage?: unknown;
  /** From the card's data: checked here against the comment box's limit. */
  comment: unknown;
  /**
   * From the card's data, on a request for several guests: the guests the sponsor kept ticked (their
   * rows' ids, comma-separated, as a multi-select sends them); the others are left out. Unset: all.
   */
  guests?: unknown;
  clicker: Clicker;
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

type Decided = Extract<Decision, { isTheirs: boolean }>;

export interface DecisionContext {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  /**
   * True only when running unauthenticated: then a card that was shown in the requester's own
   * chat as a local test may be decided from that chat.
   */
  localTestsAllowed: boolean;
  clock: () => Date;
}

export async function decide(input: DecisionInput, context: DecisionContext): Promise<Decision> {
  const { clicker } = input;
  const comment = commentOf(input.comment);
  const stageNumber = Number(input.stage ?? 0);
  const onStage = Number.isInteger(stageNumber) && stageNumber > 0;
  const request = isRequestId(input.requestId) ? await context.requests.get(input.requestId) : undefined;
  const stage = request && onStage ? (await context.requests.stagesOf(request.id)).find((s) => s.stage === stageNumber) : undefined;
  if (!request || (onStage && !stage)) return { outcome: 'notFound' };

  const standing = standingOn(clicker, request, stage, context.localTestsAllowed);
  if (standing === 'nobody') return { outcome: 'refused' };
  const guests = await context.requests.guestsOfRequest(request.requestId);
  if (standing === 'looksOn') return { outcome: 'readOnly', request, guests, stage };
  // On a stage the decider is always its approver (or a local test's holder of its card); on the sponsor's card, maybe a stand-in.
  const isTheirs = stage !== undefined || isSponsorOf(clicker, request);
  const stillOpen = stage ? isStageOpen(request, stage) : isAwaitingSponsor(request.state);
  if (input.verb === 'refresh' || !stillOpen) return { outcome: 'unchanged', request, guests, stage, isTheirs };
  if (comment === undefined) return { outcome: 'commentTooLong', request, guests, stage, isTheirs };
  const approved = input.verb === 'approve';
  // An extension's stage is about one guest's end date: nobody to leave out there.
  const leaveOut = approved && stage?.extensionFor === undefined ? leftOut(guests, input.guests) : [];
  if (leaveOut.length > 0 && leaveOut.length === guests.filter((guest) => isAwaitingDecision(guest.state)).length) {
    return { outcome: 'noGuestChosen', request, guests, stage, isTheirs };
  }
  const decided = stage
    ? await decideStage(request, stage, { approved, comment, clicker, leaveOut }, context)
    : await decideAsSponsor(request, { approved, comment, clicker, isTheirs, leaveOut }, context);
  // One guest: the decided row is the whole request; several: each as the decision left them.
  const after = guests.length === 1 ? [decided.request] : await context.requests.guestsOfRequest(request.requestId);
  return { ...decided, guests: after, isTheirs };
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
  clicker: Clicker;
  /** The guests an approval leaves out (see leftOut). */
  leaveOut: string[];
}

/** The sponsor's approval opens the stages of resources whose owners approve too, else the guest is provisioned. */
async function decideAsSponsor(
  request: AccessRequest,
  choice: Choice & { isTheirs: boolean },
  context: DecisionContext,
): Promise<Omit<Decided, 'isTheirs' | 'guests'>> {
  const { approved } = choice;
  const stages = approved ? ownerStagesFor(resourcesByIds(context.catalog, request.resourceIds)) : [];
  const decided = await context.requests.transition({
    id: request.id,
    from: 'pending_approval',
    to: !approved ? 'rejected' : stages.length > 0 ? 'pending_owner_approval' : 'approved',
    actor: actorOf(choice.clicker),
    patch: { decisionComment: choice.comment || undefined, decidedAt: context.clock().toISOString() },
    detail:
      choice.isTheirs && choice.leaveOut.length === 0
        ? undefined
        : {
            ...(choice.isTheirs ? {} : { localTest: true, actingFor: request.sponsor.id }),
            ...(choice.leaveOut.length > 0 ? { leftOut: choice.leaveOut } : {}),
          },
    openStages: stages,
    leaveOut: choice.leaveOut,
  });
  if (decided) return { outcome: approved ? 'approved' : 'rejected', request: decided };
  // Someone decided first (a second click, another device): show what stands now.
  return { outcome: 'unchanged', request: (await context.requests.get(request.id)) ?? request };
}

/** An owner's decision settles the request (or the extension) when it is the last, or a rejection. */
async function decideStage(
  request: AccessRequest,
  stage: ApprovalStage,
  choice: Choice,
  context: DecisionContext,
): Promise<Omit<Decided, 'isTheirs' | 'guests'>> {
  const { requests } = context;
  const decision = {
    requestId: request.id,
    stage: stage.stage,
    decision: choice.approved ? ('approved' as const) : ('rejected' as const),
    actor: actorOf(choice.clicker),
    comment: choice.comment || undefined,
    ...(choice.leaveOut.length > 0 ? { leaveOut: choice.leaveOut } : {}),
  };
  // An extension's stage is open only while its extension records the end asked for (isStageOpen).
  const decided =
    stage.extensionFor === undefined || request.extensionOffer?.endsAt === undefined
      ? await requests.decideStage(decision)
      : await requests.decideExtensionStage({ ...decision, extensionFor: stage.extensionFor });
  if (decided) return { outcome: choice.approved ? 'approved' : 'rejected', ...decided };
  // Decided first elsewhere (another approver of the stage, another device): show what stands now.
  const latest = (await requests.get(request.id)) ?? request;
  const latestStage = (await requests.stagesOf(request.id)).find((s) => s.stage === stage.stage) ?? stage;
  return { outcome: 'unchanged', request: latest, stage: latestStage };
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
