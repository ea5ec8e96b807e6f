/**
 * The second approval: after the sponsor, the owners of every resource whose catalog entry names
 * `approvers` decide on that resource, each on their own card; any one approver of a stage may
 * decide it. Stages run side by side; the request is approved when every stage has approved and
 * rejected as soon as one rejects (lifecycle.outcomeOfStages).
 */
import type { AccessRequest, Person } from './accessRequest';
import type { Resource } from './catalog';
import { isGranted, type StageState } from './lifecycle';

/** Someone who may decide a stage, as resolved from the catalog's `approvers`. */
export interface StageApprover extends Person {
  /** Their language, for their card. */
  locale: string;
}

/** Where one approver's card is. `localTest`: in the requester's own chat, in an unauthenticated run. */
export interface StageCard {
  approverId: string;
  conversationId: string;
  activityId: string;
  localTest: boolean;
}

export interface ApprovalStage {
  requestId: string;
  /** 1, 2, …: the sponsor's approval comes first and is not a row. */
  stage: number;
  resourceId: string;
  state: StageState;
  /** Resolved when the cards go out; until then nobody can decide. */
  approvers?: StageApprover[];
  cards?: StageCard[];
  decidedBy?: { id: string; displayName: string };
  decisionComment?: string;
  decidedAt?: string;
  remindedAt?: string;
  /** When the sponsor approved and the stage opened: its reminder and expiry count from here. */
  openedAt: string;
  /**
   * Set on the stages of an extension: the end date it extends. Unset on the request's own
   * stages, which come after the sponsor's approval of the request.
   */
  extensionFor?: string;
}

/** The stages a request needs after its sponsor: one a resource with approvers, in the request's order. */
export function ownerStagesFor(resources: readonly Resource[]): Array<{ stage: number; resourceId: string }> {
  return resources.filter((r) => (r.approvers?.length ?? 0) > 0).map((r, index) => ({ stage: index + 1, resourceId: r.id }));
}

/** The stages an extension of this request needs, numbered after the ones it had (`taken`). */
export function extensionStagesFor(
  resources: readonly Resource[],
  taken: readonly ApprovalStage[],
  extensionFor: string,
): Array<{ stage: number; resourceId: string; extensionFor: string }> {
  const last = Math.max(0, ...taken.map((s) => s.stage));
  return ownerStagesFor(resources).map(({ resourceId }, index) => ({ stage: last + index + 1, resourceId, extensionFor }));
}

/**
 * Whether the stage may still be decided: pending, and its request still waiting for it (for the
 * request's own owners; or, for an extension's stage, that extension still waiting for them).
 */
export function isStageOpen(request: AccessRequest, stage: ApprovalStage): boolean {
  if (stage.state !== 'pending') return false;
  if (stage.extensionFor === undefined) return request.state === 'pending_owner_approval';
  const offer = request.extensionOffer;
  return isGranted(request.state) && offer?.for === stage.extensionFor && offer.answer === 'awaitingOwners' && offer.endsAt !== undefined;
}

/**
 * The approval a card is for, from its `stage` field (a card's data, unchecked): n, the request's
 * owner stage n, or undefined when the request has no such stage; anything else (0, unset), the
 * sponsor's (`{}`).
 */
export function approvalOnCard(stages: readonly ApprovalStage[], field: unknown): { stage?: ApprovalStage } | undefined {
  const number = Number(field ?? 0);
  if (!Number.isInteger(number) || number <= 0) return {};
  const stage = stages.find((s) => s.stage === number);
  return stage && { stage };
}
