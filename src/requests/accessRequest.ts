/**
 * An employee's request for guest access, as the domain sees it: no Teams, Graph or SQL here.
 */
import type { ExtensionAnswer, RequestState } from './lifecycle';

export type { ExtensionAnswer } from './lifecycle';

/** A person as the bot refers to them: Entra object id plus what to show. */
export interface Person {
  id: string;
  displayName: string;
  /** Mail or user principal name, to show next to the name. */
  address: string;
}

export interface AccessRequest {
  /** Short and readable, e.g. `GA-7K3QZP`: users quote it. */
  id: string;
  state: RequestState;
  /** Bumped by every change; conditional updates use it with the state. */
  version: number;
  tenantId: string;
  requester: Person;
  /** The requester's language, for everything the bot later tells them. */
  requesterLocale: string;
  guestEmail: string;
  /** Catalog ids, in the order the requester gave them. */
  resourceIds: string[];
  justification: string;
  sponsor: Person;
  /** The sponsor's language, for the approval card posted to them. */
  sponsorLocale: string;
  /**
   * When provisioning set out to invite the guest, recorded before it called Graph: a later
   * attempt that finds it set, with no invitation recorded, cannot know whether Graph created one,
   * so it invites again without an email (which gives the same guest a fresh link).
   */
  invitationStartedAt?: string;
  /** Whether the recorded invitation asked Microsoft to email the guest. */
  invitationEmailed?: boolean;
  /** Filled by the provisioning job. */
  invitedUserId?: string;
  /**
   * Whether this request's invitation created the guest's account (looked up just before the
   * first invitation): only an account the bot created may be disabled or deleted by it.
   */
  createdGuestAccount?: boolean;
  inviteRedeemUrl?: string;
  /**
   * The message in the requester's chat that says where the approved request stands: posted when
   * provisioning starts, then updated in place with the outcome, so a retried notice cannot post
   * the redeem link twice.
   */
  statusMessageId?: string;
  /** When the guest was invited (the request became `invited`). */
  invitedAt?: string;
  /** When the watcher next asks Graph whether the guest has accepted; the interval grows with each check. */
  redemptionCheckAt?: string;
  redemptionChecks?: number;
  /** When the requester was reminded that the guest had not accepted yet (once). */
  nudgedAt?: string;
  /** When the guest accepted, as Graph reports it. */
  acceptedAt?: string;
  /** The guest's last successful sign-in, as Graph's `signInActivity` reports it (Entra ID P1), when known. */
  lastSignInAt?: string;
  /**
   * The job re-inviting the guest (Microsoft's email, a reset), recorded before it calls Graph: a
   * retry of that job cannot know whether Graph already emailed the guest, so it does not again.
   */
  reinvitationJobId?: number;
  /**
   * The address was already a guest when the request was filed: their name in the directory (when
   * it says more than the address), whether they had accepted, and since when. Shown to the sponsor.
   */
  existingGuest?: ExistingGuest;
  /** The access period asked for, in days, after the resources' `maxDays`: an extension adds it again. */
  accessDays?: number;
  /** When the access ends: memberships and app roles are removed then, unless extended. */
  endsAt?: string;
  /** When the approver of the undecided request was reminded (once). */
  approverRemindedAt?: string;
  /**
   * The sponsor's choice before the end of access: offered for the end date `for` (an extension
   * moves the end, and the new one is offered again), answered (lifecycle.ExtensionAnswer) on the
   * card posted as `cardId` in the sponsor's chat; `endsAt`, the end the sponsor asked for, while
   * and after the owners decide.
   */
  extensionOffer?: { for: string; answer?: ExtensionAnswer; cardId?: string; endsAt?: string };
  /** How many times the access was extended. */
  extensions?: number;
  /** When access ended, and why: its end date, or a sponsor's decision to end it sooner. */
  endedAt?: string;
  endReason?: EndReason;
  /** Catalog ids already taken away while ending access. */
  removedResourceIds?: string[];
  /**
   * Where the approval card was posted, to update it in place. `localTest`: it went to the
   * requester's own chat because the sponsor could not be reached in an unauthenticated run.
   */
  approvalCard?: { conversationId: string; activityId: string; localTest: boolean };
  /** The conversation the request was made in: every notice goes back there. */
  requesterConversationId: string;
  /** The sponsor's comment with their decision. */
  decisionComment?: string;
  decidedAt?: string;
  /** Why provisioning stopped, for the requester and the audit trail. */
  failureReason?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExistingGuest {
  displayName?: string;
  state: 'Accepted' | 'PendingAcceptance';
  since?: string;
}

export type EndReason = 'endDate' | 'sponsor';

/** What the dialog has collected when the requester confirms. */
export type NewAccessRequest = Pick<
  AccessRequest,
  | 'tenantId'
  | 'requester'
  | 'requesterLocale'
  | 'requesterConversationId'
  | 'guestEmail'
  | 'resourceIds'
  | 'justification'
  | 'sponsor'
  | 'sponsorLocale'
  | 'accessDays'
  | 'endsAt'
  | 'existingGuest'
>;

/** Who did something, for the audit trail. `system` is the bot itself. */
export type Actor = { kind: 'user'; id: string; displayName: string } | { kind: 'system' };

export interface AuditEvent {
  requestId: string;
  at: string;
  actor: Actor;
  action: string;
  fromState?: RequestState;
  toState?: RequestState;
  detail?: Record<string, unknown>;
}
