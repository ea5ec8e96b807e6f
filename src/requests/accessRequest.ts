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

/**
 * One guest of a request. A request may ask for several guests at once (up to
 * MAX_GUESTS_PER_REQUEST): they share its id (`requestId`), its people, its resources and its
 * approval card, and are decided together; from the approval on each is invited, followed and
 * ended on their own, on a row of their own. The first guest's row has the request's id as its
 * own, so a request for one guest is one row, as it always was.
 */
export interface AccessRequest {
  /** This guest's row: the request's id for the first guest (`GA-7K3QZP`), `GA-7K3QZP-2` and so on for the others. */
  id: string;
  /** The request as people quote it, shared by every guest asked for together: `GA-7K3QZP`. */
  requestId: string;
  /** 1 for the first guest of the request, 2 for the second, in the order the requester gave them. */
  guestNumber: number;
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
  /**
   * When the invitation is withdrawn if the guest has not accepted by then (PENDING_GUEST_DAYS after
   * the latest invitation: the first, a fresh link, Microsoft's email, a reset before they accepted).
   * Fixed when the invitation goes out, so a later change of the setting leaves it as it was;
   * cleared once the guest accepts. Unset: nothing will be withdrawn.
   */
  withdrawalDueAt?: string;
  /** When the invitation was withdrawn (the request became `withdrawn`). */
  withdrawnAt?: string;
  /** When the guest accepted, as Graph reports it. */
  acceptedAt?: string;
  /**
   * When the guest's sign-ins are next read (INACTIVE_GUEST_DAYS): set while the request is
   * `accepted`, cleared when it stops being so, so that requests no longer active cost nothing.
   */
  activityCheckAt?: string;
  /** The guest's last successful sign-in (`signInActivity.lastSuccessfulSignInDateTime`), as last read. */
  lastSignInAt?: string;
  /**
   * The sponsor was asked about a guest with no successful sign-in for INACTIVE_GUEST_DAYS: when,
   * on which card in their chat, and `kept` once they chose to keep the access until its end date.
   */
  inactivityQuestion?: InactivityQuestion;
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
  /** When the sponsor check next reads this request's sponsor and requester; unset when the access is not active. */
  sponsorCheckAt?: string;
  /**
   * Since when the request has had no sponsor: theirs left the organization (disabled or deleted).
   * Until someone takes over, `sponsor` is still the one who left; `formerSponsor` stays after a
   * takeover as the one to remove from the guest's sponsors in Entra.
   */
  sponsorLeftAt?: string;
  formerSponsor?: { id: string; displayName: string };
  /** The old sponsor's manager, offered to take over: they may, as the requester may. */
  sponsorshipOfferedToId?: string;
  /** Since when the requester is gone: what the bot would tell them, it tells the sponsor. */
  requesterLeftAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ExistingGuest {
  displayName?: string;
  state: 'Accepted' | 'PendingAcceptance';
  since?: string;
}

/** `noSponsor`: the sponsor left and nobody took over within ORPHAN_GRACE_DAYS. */
export type EndReason = 'endDate' | 'sponsor' | 'noSponsor';

export interface InactivityQuestion {
  askedAt: string;
  cardId?: string;
  answer?: 'kept';
}

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
> & {
  /** The other guests asked for in the same request, after the first (`guestEmail`), in order. */
  moreGuests?: ReadonlyArray<NewGuest>;
};

/** One guest of a request being filed: their address, and what the directory said of it. */
export interface NewGuest {
  guestEmail: string;
  existingGuest?: ExistingGuest;
}

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
