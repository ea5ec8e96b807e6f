/**
 * The Directory port: everything the bot needs from Microsoft Entra ID, in the bot's own terms.
 * The Graph adapter implements it against Microsoft Graph or the local simulator; the domain,
 * dialogs and workers depend only on this file.
 */

type UserType = 'Member' | 'Guest';

/** Where a guest stands with their invitation (Graph `externalUserState`). */
type ExternalUserState = 'PendingAcceptance' | 'Accepted';

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
  mail?: string;
  userType: UserType;
  /** Only guests have one. */
  externalUserState?: ExternalUserState;
  /** When `externalUserState` last changed (for an accepted guest: when they accepted). */
  externalUserStateChangedAt?: string;
  /** BCP 47 tag such as `es-ES`, when the directory knows it: the language to write to them in. */
  preferredLanguage?: string;
  /** False when the account is blocked from signing in (someone who left, say): they can sponsor or approve nothing. */
  accountEnabled?: boolean;
}

export interface InvitationInput {
  email: string;
  /** Where the guest lands after redeeming: a tenant-specific link. */
  redirectUrl: string;
  sendInvitationMessage: boolean;
  /** A short customized body; Graph then ignores `messageLanguage`. */
  messageBody: string;
  /**
   * The guest's object id, to reset their redemption: they must redeem again (another account,
   * or a lost one), every earlier link stops working, and their access stays as it is.
   */
  resetRedemptionOf?: string;
  /** Recorded as the new guest's sponsors by the invitation itself (`invitedUserSponsors`), so Entra sees them from the first second. */
  sponsorIds?: readonly string[];
}

export interface Invitation {
  invitedUserId: string;
  inviteRedeemUrl: string;
  /** `PendingAcceptance` for a new guest, `Completed` when the guest had already redeemed. */
  status: string;
}

/** One piece of access granted to a guest after the invitation. */
export type AccessGrant =
  | { kind: 'group'; resourceId: string; groupId: string }
  | { kind: 'appRole'; resourceId: string; servicePrincipalId: string; appRoleId: string }
  | { kind: 'sponsor'; sponsorId: string };

export interface GrantOutcome {
  grant: AccessGrant;
  /** `granted` now, `alreadyPresent` from an earlier attempt or by hand, or `failed`. */
  result: 'granted' | 'alreadyPresent' | 'failed';
  error?: DirectoryError;
}

/** A grant that can be taken back at the end of access; the sponsor relation stays. */
export type RevocableGrant = Exclude<AccessGrant, { kind: 'sponsor' }>;

export interface RevokeOutcome {
  grant: RevocableGrant;
  /** `removed` now, `alreadyAbsent` (Graph's 404 "not found", or no such assignment: an earlier attempt or by hand), or `failed`. */
  result: 'removed' | 'alreadyAbsent' | 'failed';
  error?: DirectoryError;
}

/** Where a guest stands with their invitation, and since when (Graph's `externalUserStateChangeDateTime`). */
export interface RedemptionState {
  state?: ExternalUserState;
  changedAt?: string;
}

/** Whether someone can still sign in: `gone` when the directory no longer has them (deleted). */
export type AccountState = 'enabled' | 'disabled' | 'gone';
/** What Graph's `signInActivity` says of a guest: their last successful sign-in, none when they never signed in (or not since Graph began recording it). */
export interface SignInReading {
  lastSuccessfulSignInAt?: string;
}

export interface Directory extends TenantCollaborationSettings {
  getUser(id: string): Promise<DirectoryUser | undefined>;
  /** A user whose mail or user principal name is the given address, members and guests alike. */
  findUserByAddress(address: string): Promise<DirectoryUser | undefined>;
  /** Each address looked up as `findUserByAddress` does, together: one `$batch` of up to 20 look-ups. */
  findUsersByAddresses(addresses: readonly string[]): Promise<Map<string, DirectoryUser | undefined>>;
  getManager(userId: string): Promise<DirectoryUser | undefined>;
  invite(input: InvitationInput): Promise<Invitation>;
  /**
   * Grants everything in as few round trips as Graph allows. Each grant gets its own outcome so
   * a caller can retry only what failed; "already exists" counts as success.
   */
  grant(userId: string, grants: readonly AccessGrant[]): Promise<GrantOutcome[]>;
  /**
   * Grants several users their access together, in as few round trips as Graph allows (one
   * `$batch` of up to 20 calls, across users): the outcomes of each user's grants, in order.
   */
  grantEach(each: ReadonlyArray<{ userId: string; grants: readonly AccessGrant[] }>): Promise<GrantOutcome[][]>;
  /** Whether the user is a member of the group (Graph `checkMemberGroups`, which counts nested groups). */
  isMemberOf(userId: string, groupId: string): Promise<boolean>;
  /**
   * Where each of these guests stands with their invitation, in as few round trips as Graph
   * allows. Guests Graph could not answer for just now are left out; ask again later.
   */
  redemptionStates(userIds: readonly string[]): Promise<Map<string, RedemptionState>>;
  /**
   * Whether each of these people can still sign in, in as few round trips as Graph allows (the
   * same read as redemptionStates). People Graph could not answer for just now are left out.
   */
  accountStates(userIds: readonly string[]): Promise<Map<string, AccountState>>;
  /** The guest's sponsor in Entra becomes `newSponsorId` in place of `oldSponsorId`; either already so counts as done. */
  replaceSponsor(guestId: string, newSponsorId: string, oldSponsorId: string): Promise<void>;
  /**
   * The last successful sign-in of each of these guests (`signInActivity`), in as few round trips
   * as Graph allows. Guests Graph could not answer for just now are left out; ask again later.
   * Fails with a 403 {@link DirectoryError} when the tenant has no Microsoft Entra ID P1 licence
   * or the application lacks AuditLog.Read.All: then no guest can be read.
   */
  lastSignIns(userIds: readonly string[]): Promise<Map<string, SignInReading>>;
  /**
   * Removes these memberships and app role assignments from the user, in as few round trips as
   * Graph allows; each gets its own outcome so a caller retries only what failed.
   */
  revoke(userId: string, grants: readonly RevocableGrant[]): Promise<RevokeOutcome[]>;
  /** Blocks the guest's sign-in (`accountEnabled: false`); a user already gone counts as done. */
  disableUser(userId: string): Promise<void>;
  /** Deletes the guest's account; a user already gone counts as done. */
  deleteUser(userId: string): Promise<void>;
}

/**
 * The tenant's invitation allow or deny list (External collaboration settings → Collaboration
 * restrictions). Entra keeps one or the other: both empty means any domain may be invited.
 */
export interface InvitationDomainList {
  allowedDomains: readonly string[];
  blockedDomains: readonly string[];
}

/**
 * What the cross-tenant access settings say of B2B collaboration users coming in: `blocked` only
 * when they are blocked for all users, the one case that refuses any invitation from there.
 */
export type InboundCollaboration = 'allowed' | 'blocked';

/**
 * The tenant's own external-collaboration settings, as the Directory reads them. Each read fails
 * with a {@link DirectoryError}; a 403 means the permission to read it was not granted.
 */
export interface TenantCollaborationSettings {
  /** The organization default B2B management policy's list (Graph beta); empty lists when there is none. */
  invitationDomainList(): Promise<InvitationDomainList>;
  /** The Microsoft Entra tenant that has this domain; undefined when no Entra organization has it. */
  tenantIdOfDomain(domain: string): Promise<string | undefined>;
  /** The partner configuration's B2B collaboration inbound; undefined when there is none or it inherits the default. */
  partnerInboundCollaboration(tenantId: string): Promise<InboundCollaboration | undefined>;
  /** The default configuration's B2B collaboration inbound, which every organization without its own gets. */
  defaultInboundCollaboration(): Promise<InboundCollaboration>;
}

/**
 * A failure talking to the directory. `transient` ones (throttling, outages, replication lag)
 * are worth retrying after `retryAfterMs`; the others need a person to fix something.
 */
interface DirectoryErrorDetails {
  /** Graph's HTTP status; 0 when no answer came. */
  status: number;
  /** Graph's error code, or what stood in for it. */
  code: string;
  /** Worth trying again later (throttling, an outage, a guest not replicated yet). */
  transient: boolean;
  /** How long Graph asked to wait (Retry-After). */
  retryAfterMs?: number;
}

export class DirectoryError extends Error {
  readonly status: number;
  readonly code: string;
  readonly transient: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, details: DirectoryErrorDetails) {
    super(message);
    this.name = 'DirectoryError';
    ({ status: this.status, code: this.code, transient: this.transient, retryAfterMs: this.retryAfterMs } = details);
  }
}
