/**
 * A change of a request, planned before it is written: whether the lifecycle allows it
 * (lifecycle.ts), and for each state it sends guests to, what is set with that state, the audit
 * event and the work that follows (followUp.ts). The repository writes a plan in one transaction
 * (rows, audit events, jobs) and asks the domain nothing more but the jobs of the guests it moved:
 * those are counted from each guest as the change leaves them, which only the write knows.
 * Nothing here reads or writes.
 */
import type { AccessRequest } from './accessRequest';
import { extensionWorkOf, followUpOf, type FollowUpSettings, jobsFor, requestWorkOf, STAGE_DECIDED_WORK } from './followUp';
import type { NewJob } from './jobs';
import { assertTransition, isDecidedTogether, outcomeOfStages, type RequestState, type StageState } from './lifecycle';
import type { ChangePlan, Move, StateChange } from './requestRepository';

/** Throws when the lifecycle does not allow the change. */
export function planChange(change: StateChange, now: Date, settings: FollowUpSettings): ChangePlan {
  const moveTo = (to: RequestState): Move => {
    assertTransition(change.from, to);
    const work = requestWorkOf(change.from, to);
    const followUp = followUpOf(work, { now, openedStages: change.openStages }, settings);
    return {
      to,
      patch: { ...change.patch, ...followUp.patch },
      audit: { actor: change.actor, action: to, fromState: change.from, toState: to, detail: change.detail },
      jobsFor: followUp.jobsFor,
    };
  };
  const moved = moveTo(change.to);
  const together = isDecidedTogether(change.from);
  if (!together && change.leaveOut?.length) throw new Error('Only a decision on a request still waiting for one can leave a guest out.');
  return { together, moved, ...(change.leaveOut?.length ? { leftOut: moveTo('left_out') } : {}) };
}

/** What an owner's decision on a stage made of its request (or of the extension the stage is for), and the work that follows. */
export interface StageSettlement {
  settled: 'approved' | 'rejected' | 'waiting';
  /** The jobs that follow, from a guest as the decision leaves them. */
  jobsFor(guest: AccessRequest): NewJob[];
}

/**
 * A decision on stage `stage` left the stages of its request (or its extension) in `states`: the
 * request is settled by the last approval or the first rejection (lifecycle.outcomeOfStages). A
 * decision invites nobody, so it gives no guest to watch: what follows it is jobs alone.
 */
export function settleStages(states: readonly StageState[], stage: number, ofExtension: boolean, now: Date, settings: FollowUpSettings): StageSettlement {
  const settled = outcomeOfStages(states);
  const work =
    settled === 'waiting'
      ? STAGE_DECIDED_WORK
      : ofExtension
        ? extensionWorkOf('awaitingOwners', settled === 'approved' ? 'extended' : 'rejected')
        : requestWorkOf('pending_owner_approval', settled);
  return { settled, jobsFor: (guest) => jobsFor(work, { request: guest, now, decidedStage: stage }, settings) };
}
