/**
 * The second approval: after the sponsor, the owners of every resource whose catalog entry names
 * `approvers` decide on that resource, each on their own card; any one approver of a stage may
 * decide it. Stages run side by side; the request is approved when every stage has approved and
 * rejected as soon as one rejects (lifecycle.outcomeOfStages).
 */
import type { Person } from './accessRequest';
import type { Resource } from './catalog';
import type { StageState } from './lifecycle';

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
}

/** The stages a request needs after its sponsor: one a resource with approvers, in the request's order. */
export function ownerStagesFor(resources: readonly Resource[]): Array<{ stage: number; resourceId: string }> {
  return resources.filter((r) => (r.approvers?.length ?? 0) > 0).map((r, index) => ({ stage: index + 1, resourceId: r.id }));
}
