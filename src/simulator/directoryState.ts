import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { badRequest, GraphFailure, insufficientPrivileges, referenceAlreadyExists, resourceNotFound } from './graphFailure';
import { SimulatedExternalCollaboration } from './externalCollaboration';
import { type SimulatedUser, type SimulatorSeed, simulatedUserSchema } from './simulatorSeed';

/**
 * The simulated tenant's data and the rules Graph enforces on it: who may be invited, which
 * links already exist, what a redemption changes. Routes translate HTTP to these calls; every
 * refusal is a {@link GraphFailure} carrying Graph's status, code and message.
 */

const appRoleAssignmentSchema = z.object({
  id: z.string().min(1),
  appRoleId: z.guid(),
  principalId: z.guid(),
  principalDisplayName: z.string(),
  principalType: z.literal('User'),
  resourceId: z.guid(),
  resourceDisplayName: z.string(),
  createdDateTime: z.iso.datetime(),
});

export type SimulatedAppRoleAssignment = z.infer<typeof appRoleAssignmentSchema>;

/** An assignment as Graph lists it for a user: their own, or one of a group they are a direct member of. */
type ListedAppRoleAssignment = Omit<SimulatedAppRoleAssignment, 'principalType'> & { principalType: 'User' | 'Group' };

const invitationSchema = z.object({
  id: z.guid(),
  invitedUserId: z.guid(),
  invitedUserEmailAddress: z.string(),
  invitedUserDisplayName: z.string(),
  inviteRedirectUrl: z.string(),
  inviteRedeemUrl: z.string(),
  sendInvitationMessage: z.boolean(),
  customizedMessageBody: z.string().optional(),
  status: z.enum(['PendingAcceptance', 'Completed']),
  createdDateTime: z.iso.datetime(),
  /** Made to reset the guest's redemption: they redeem again, from the start. */
  resetRedemption: z.boolean().optional(),
  /** When a reset of the guest's redemption made this link stop working. */
  revokedDateTime: z.iso.datetime().optional(),
});

export type SimulatedInvitation = z.infer<typeof invitationSchema>;

/** Everything that changes while the simulator runs; the rest comes from the seed each start. */
export const stateSnapshotSchema = z.object({
  version: z.literal(1),
  tenantId: z.guid(),
  users: z.array(simulatedUserSchema),
  groupMembers: z.record(z.string(), z.array(z.guid())),
  sponsors: z.record(z.string(), z.array(z.guid())),
  appRoleAssignments: z.array(appRoleAssignmentSchema),
  invitations: z.array(invitationSchema),
});

export type StateSnapshot = z.infer<typeof stateSnapshotSchema>;

interface InvitationRequest {
  email: string;
  displayName?: string;
  redirectUrl: string;
  sendInvitationMessage: boolean;
  customizedMessageBody?: string;
  /** Set to reset this guest's redemption (`resetRedemption` with `invitedUser.id`). */
  resetRedemptionOf?: string;
  /** `invitedUserSponsors`: recorded as the new guest's sponsors along with the account. */
  sponsorIds?: readonly string[];
  /** The redeem link is built from how the caller reached us, so it opens on their machine. */
  redeemUrlFor(invitationId: string): string;
}

type RedeemResult = { outcome: 'accepted' | 'alreadyAccepted'; invitation: SimulatedInvitation } | { outcome: 'unknown' } | { outcome: 'revoked' };

/** Graph lets any application be assigned this "default access" role, declared or not. */
const defaultAccessAppRoleId = '00000000-0000-0000-0000-000000000000';

export class DirectoryState {
  readonly tenantId: string;
  readonly tenantDisplayName: string;
  readonly verifiedDomains: readonly string[];
  readonly termsOfUse: SimulatorSeed['tenant']['termsOfUse'];
  /** Microsoft Entra ID P1: without it Graph refuses `signInActivity` (a test may take it away, as a lapsed licence would). */
  entraIdP1: boolean;
  /** The tenant's own allow/deny list and cross-tenant access settings: tests change them as an admin would. */
  readonly externalCollaboration: SimulatedExternalCollaboration;
  private readonly initialDomain: string;
  private readonly servicePrincipals: ReadonlyMap<string, SimulatorSeed['servicePrincipals'][number]>;
  private readonly users = new Map<string, SimulatedUser>();
  private readonly groupMembers = new Map<string, string[]>();
  private readonly groupDisplayNames: ReadonlyMap<string, string>;
  /** When the seed's group assignments count as made: when this directory started. */
  private readonly seedTime = new Date().toISOString();
  private readonly sponsors = new Map<string, string[]>();
  private appRoleAssignments: SimulatedAppRoleAssignment[] = [];
  private readonly invitations = new Map<string, SimulatedInvitation>();

  /**
   * @param snapshot saved state that replaces the seed's users and links (the seed still
   *   supplies the tenant, the groups and the service principals).
   * @param onChange called after every change with the state to persist.
   */
  constructor(
    seed: SimulatorSeed,
    snapshot: StateSnapshot | undefined,
    private readonly onChange: (snapshot: StateSnapshot) => void = () => undefined,
  ) {
    if (snapshot !== undefined && snapshot.tenantId !== seed.tenant.id) {
      throw new Error(`The saved simulator state belongs to tenant ${snapshot.tenantId}, not to the seed's tenant ${seed.tenant.id}`);
    }
    this.tenantId = seed.tenant.id;
    this.tenantDisplayName = seed.tenant.displayName;
    this.verifiedDomains = seed.tenant.verifiedDomains;
    this.termsOfUse = seed.tenant.termsOfUse;
    this.entraIdP1 = seed.tenant.entraIdP1 ?? true;
    this.externalCollaboration = new SimulatedExternalCollaboration(seed.externalCollaboration);
    this.initialDomain = seed.tenant.initialDomain ?? `${seed.tenant.displayName.toLowerCase().replace(/[^a-z0-9]/g, '')}.onmicrosoft.com`;
    this.servicePrincipals = new Map(seed.servicePrincipals.map((sp) => [sp.id, sp]));
    this.groupDisplayNames = new Map(seed.groups.map((group) => [group.id, group.displayName]));
    for (const user of snapshot?.users ?? seed.users) {
      this.users.set(user.id, { ...user });
    }
    for (const group of seed.groups) {
      this.groupMembers.set(group.id, [...(snapshot?.groupMembers[group.id] ?? group.members)]);
    }
    for (const [userId, sponsorIds] of Object.entries(snapshot?.sponsors ?? {})) {
      this.sponsors.set(userId, [...sponsorIds]);
    }
    this.appRoleAssignments = [...(snapshot?.appRoleAssignments ?? [])];
    for (const invitation of snapshot?.invitations ?? []) {
      this.invitations.set(invitation.id, invitation);
    }
  }

  /** Graph addresses a user by object id or by user principal name. */
  findUser(idOrUserPrincipalName: string): SimulatedUser | undefined {
    const byId = this.users.get(idOrUserPrincipalName);
    if (byId !== undefined) {
      return byId;
    }
    const upn = idOrUserPrincipalName.toLowerCase();
    return [...this.users.values()].find((user) => user.userPrincipalName.toLowerCase() === upn);
  }

  requireUser(idOrUserPrincipalName: string): SimulatedUser {
    const user = this.findUser(idOrUserPrincipalName);
    if (user === undefined) {
      throw resourceNotFound(idOrUserPrincipalName);
    }
    return user;
  }

  listUsers(): SimulatedUser[] {
    return [...this.users.values()];
  }

  managerOf(userId: string): SimulatedUser {
    const user = this.requireUser(userId);
    const manager = user.managerId === undefined ? undefined : this.users.get(user.managerId);
    if (manager === undefined) {
      throw resourceNotFound('manager');
    }
    return manager;
  }

  invite(request: InvitationRequest): { invitation: SimulatedInvitation; user: SimulatedUser } {
    if (request.resetRedemptionOf !== undefined) return this.resetRedemption(request, request.resetRedemptionOf);
    const address = request.email.toLowerCase();
    const existing = [...this.users.values()].find((user) => user.mail?.toLowerCase() === address || user.userPrincipalName.toLowerCase() === address);
    if (existing?.userType === 'Member') {
      throw badRequest(`The invited user already exists in the directory as object ID: ${existing.id}.`);
    }
    const domain = address.slice(address.lastIndexOf('@') + 1);
    if ([...this.verifiedDomains, this.initialDomain].some((verified) => verified.toLowerCase() === domain)) {
      throw badRequest(`The invited user's email address ${request.email} is in a verified domain of this directory.`);
    }
    // Entra checks its external-collaboration settings at invitation; a guest who has redeemed is not invited again.
    const refusal = existing?.externalUserState === 'Accepted' ? undefined : this.externalCollaboration.refusalOf(address);
    if (refusal) throw refusal;
    const sponsors = (request.sponsorIds ?? []).map((id) => this.requireUser(id).id);
    const now = new Date().toISOString();
    const user = existing ?? this.createGuest(request, now);
    if (!existing && sponsors.length > 0) this.sponsors.set(user.id, sponsors);
    return { invitation: this.recordInvitation(request, user, now), user };
  }

  /**
   * What `resetRedemption` does in Microsoft Entra ID: the guest keeps their object id, groups and
   * roles, but must redeem again (with whichever account they choose), and every link made
   * before stops working. The address may change with it.
   */
  private resetRedemption(request: InvitationRequest, userId: string): { invitation: SimulatedInvitation; user: SimulatedUser } {
    const user = this.users.get(userId);
    if (user === undefined) throw resourceNotFound(userId);
    if (user.userType !== 'Guest') throw badRequest(`The user ${userId} is not an external user; only a guest's redemption can be reset.`);
    const now = new Date().toISOString();
    user.externalUserState = 'PendingAcceptance';
    user.externalUserStateChangeDateTime = now;
    user.mail = request.email;
    for (const invitation of this.invitations.values()) {
      if (invitation.invitedUserId === user.id && invitation.revokedDateTime === undefined) invitation.revokedDateTime = now;
    }
    return { invitation: this.recordInvitation(request, user, now, true), user };
  }

  private recordInvitation(request: InvitationRequest, user: SimulatedUser, now: string, resetRedemption = false): SimulatedInvitation {
    const invitationId = randomUUID();
    const invitation: SimulatedInvitation = {
      id: invitationId,
      invitedUserId: user.id,
      invitedUserEmailAddress: request.email,
      invitedUserDisplayName: user.displayName,
      inviteRedirectUrl: request.redirectUrl,
      inviteRedeemUrl: request.redeemUrlFor(invitationId),
      sendInvitationMessage: request.sendInvitationMessage,
      customizedMessageBody: request.customizedMessageBody,
      status: user.externalUserState === 'Accepted' ? 'Completed' : 'PendingAcceptance',
      createdDateTime: now,
      ...(resetRedemption ? { resetRedemption } : {}),
    };
    this.invitations.set(invitation.id, invitation);
    this.changed();
    return invitation;
  }

  private createGuest(request: InvitationRequest, now: string): SimulatedUser {
    const user: SimulatedUser = {
      id: randomUUID(),
      // Without a display name Graph names the guest after the address's local part.
      displayName: request.displayName ?? request.email.slice(0, request.email.lastIndexOf('@')),
      mail: request.email,
      userPrincipalName: `${request.email.replace('@', '_')}#EXT#@${this.initialDomain}`,
      userType: 'Guest',
      externalUserState: 'PendingAcceptance',
      externalUserStateChangeDateTime: now,
      createdDateTime: now,
      creationType: 'Invitation',
    };
    this.users.set(user.id, user);
    return user;
  }

  invitation(invitationId: string): SimulatedInvitation | undefined {
    return this.invitations.get(invitationId);
  }

  /** The consent step of redemption: the guest accepts, and the directory records it. */
  redeem(invitationId: string): RedeemResult {
    const invitation = this.invitations.get(invitationId);
    const user = invitation === undefined ? undefined : this.users.get(invitation.invitedUserId);
    if (invitation === undefined || user === undefined) {
      return { outcome: 'unknown' };
    }
    if (invitation.revokedDateTime !== undefined) return { outcome: 'revoked' };
    if (user.externalUserState === 'Accepted') {
      return { outcome: 'alreadyAccepted', invitation };
    }
    const now = new Date().toISOString();
    user.externalUserState = 'Accepted';
    user.externalUserStateChangeDateTime = now;
    // Completing the consent page is the guest's first successful sign-in to the tenant.
    user.signInActivity = { lastSuccessfulSignInDateTime: now };
    this.changed();
    return { outcome: 'accepted', invitation };
  }

  /** The guest accepts, whichever invitation they use: for tests. Returns when, as Graph would report it. */
  acceptAs(userId: string): string {
    const user = this.requireUser(userId);
    if (user.userType !== 'Guest') throw badRequest(`${userId} is not a guest.`);
    if (user.externalUserState !== 'Accepted') {
      const now = new Date().toISOString();
      user.externalUserState = 'Accepted';
      user.externalUserStateChangeDateTime = now;
      user.signInActivity = { lastSuccessfulSignInDateTime: now };
      this.changed();
    }
    return user.externalUserStateChangeDateTime as string;
  }

  /** The user signed in successfully at `at`, or, undefined, never did: what `signInActivity` reports. For tests that age a guest. */
  setLastSignIn(userId: string, at: string | undefined): void {
    const user = this.requireUser(userId);
    user.signInActivity = at === undefined ? undefined : { lastSuccessfulSignInDateTime: at };
    this.changed();
  }

  /** Which of `groupIds` the user is a direct member of (the simulator has no nested groups). */
  memberGroupsOf(userId: string, groupIds: readonly string[]): string[] {
    const user = this.requireUser(userId);
    return groupIds.filter((groupId) => this.groupMembers.get(groupId)?.includes(user.id));
  }

  groupMembersOf(groupId: string): readonly string[] {
    return this.requireGroupMembers(groupId);
  }

  addGroupMember(groupId: string, memberId: string): void {
    const members = this.requireGroupMembers(groupId);
    const member = this.requireUser(memberId);
    if (members.includes(member.id)) {
      throw referenceAlreadyExists('members');
    }
    members.push(member.id);
    this.changed();
  }

  removeGroupMember(groupId: string, memberId: string): void {
    const members = this.requireGroupMembers(groupId);
    const index = members.indexOf(this.findUser(memberId)?.id ?? memberId);
    if (index === -1) {
      throw new GraphFailure(
        404,
        'Request_ResourceNotFound',
        "One or more removed object references do not exist for the following modified properties: 'members'.",
      );
    }
    members.splice(index, 1);
    this.changed();
  }

  private requireGroupMembers(groupId: string): string[] {
    const members = this.groupMembers.get(groupId);
    if (members === undefined) {
      throw resourceNotFound(groupId);
    }
    return members;
  }

  sponsorsOf(userId: string): readonly string[] {
    return this.sponsors.get(this.requireUser(userId).id) ?? [];
  }

  /** Graph's 404 when the user has no such sponsor (never had, or removed already). */
  removeSponsor(userId: string, sponsorId: string): void {
    const user = this.requireUser(userId);
    const sponsors = this.sponsors.get(user.id) ?? [];
    if (!sponsors.includes(sponsorId)) {
      throw resourceNotFound(sponsorId);
    }
    this.sponsors.set(
      user.id,
      sponsors.filter((id) => id !== sponsorId),
    );
    this.changed();
  }

  addSponsor(userId: string, sponsorId: string): void {
    const user = this.requireUser(userId);
    const sponsor = this.requireUser(sponsorId);
    const sponsors = this.sponsors.get(user.id) ?? [];
    if (sponsors.includes(sponsor.id)) {
      throw referenceAlreadyExists('sponsors');
    }
    this.sponsors.set(user.id, [...sponsors, sponsor.id]);
    this.changed();
  }

  assignAppRole(servicePrincipalId: string, request: { principalId: string; resourceId: string; appRoleId: string }): SimulatedAppRoleAssignment {
    const servicePrincipal = this.servicePrincipals.get(servicePrincipalId);
    if (servicePrincipal === undefined) {
      throw resourceNotFound(servicePrincipalId);
    }
    if (request.resourceId !== servicePrincipal.id) {
      throw badRequest(
        `The resourceId '${request.resourceId}' does not match the service principal '${servicePrincipal.id}' in the request URL.`,
        'Request_BadRequest',
      );
    }
    const principal = this.requireUser(request.principalId);
    const roleExists = request.appRoleId === defaultAccessAppRoleId || servicePrincipal.appRoles.some((role) => role.id === request.appRoleId);
    if (!roleExists) {
      throw badRequest(`Permission being assigned was not found on application '${servicePrincipal.displayName}'.`, 'Request_BadRequest');
    }
    const duplicate = this.appRoleAssignments.some(
      (assignment) => assignment.principalId === principal.id && assignment.resourceId === servicePrincipal.id && assignment.appRoleId === request.appRoleId,
    );
    if (duplicate) {
      throw badRequest('Permission being assigned already exists on the object', 'Request_BadRequest');
    }
    const assignment: SimulatedAppRoleAssignment = {
      // Graph's assignment ids are 43-character base64url strings, not GUIDs.
      id: randomBytes(32).toString('base64url'),
      appRoleId: request.appRoleId,
      principalId: principal.id,
      principalDisplayName: principal.displayName,
      principalType: 'User',
      resourceId: servicePrincipal.id,
      resourceDisplayName: servicePrincipal.displayName,
      createdDateTime: new Date().toISOString(),
    };
    this.appRoleAssignments.push(assignment);
    this.changed();
    return assignment;
  }

  appRoleAssignmentsOf(principalId: string): readonly SimulatedAppRoleAssignment[] {
    return this.appRoleAssignments.filter((assignment) => assignment.principalId === principalId);
  }

  /**
   * `GET /users/{id}/appRoleAssignments`: the user's own assignments and those of the groups they
   * are a direct member of, as Graph lists them. The groups' come from the seed and stay: deleting
   * one in Graph would take the app from every member, which the bot must never do.
   */
  appRoleAssignmentsListedFor(userId: string): ListedAppRoleAssignment[] {
    const throughGroups = [...this.servicePrincipals.values()].flatMap((servicePrincipal) =>
      (servicePrincipal.groupAssignments ?? [])
        .filter((assignment) => this.groupMembers.get(assignment.groupId)?.includes(userId))
        .map((assignment) => ({
          id: createHash('sha256').update(`${servicePrincipal.id}/${assignment.groupId}/${assignment.appRoleId}`).digest('base64url'),
          appRoleId: assignment.appRoleId,
          principalId: assignment.groupId,
          principalDisplayName: this.groupDisplayNames.get(assignment.groupId) ?? '',
          principalType: 'Group' as const,
          resourceId: servicePrincipal.id,
          resourceDisplayName: servicePrincipal.displayName,
          createdDateTime: this.seedTime,
        })),
    );
    return [...this.appRoleAssignmentsOf(userId), ...throughGroups];
  }

  removeAppRoleAssignment(servicePrincipalId: string, assignmentId: string): void {
    if (!this.servicePrincipals.has(servicePrincipalId)) {
      throw resourceNotFound(servicePrincipalId);
    }
    const index = this.appRoleAssignments.findIndex((assignment) => assignment.id === assignmentId && assignment.resourceId === servicePrincipalId);
    if (index === -1) {
      throw resourceNotFound(assignmentId);
    }
    this.appRoleAssignments.splice(index, 1);
    this.changed();
  }

  /** Only guests, as with {@link deleteUser}: blocking people of the tenant is not something the bot ever does. */
  setAccountEnabled(userId: string, enabled: boolean): void {
    const user = this.requireUser(userId);
    if (user.userType !== 'Guest') {
      throw insufficientPrivileges();
    }
    if ((user.accountEnabled ?? true) !== enabled) {
      user.accountEnabled = enabled;
      this.changed();
    }
  }

  /** Only guests: removing people of the tenant is not something the bot ever does. */
  deleteUser(userId: string): void {
    const user = this.requireUser(userId);
    if (user.userType !== 'Guest') {
      throw insufficientPrivileges();
    }
    this.remove(user);
  }

  /**
   * Someone of the tenant leaves, as an administrator (not the bot) records it: their account is
   * blocked from signing in, or deleted (gone from every answer, their sponsorships with it).
   */
  leave(userId: string, how: 'disabled' | 'deleted'): void {
    const user = this.requireUser(userId);
    if (how === 'deleted') {
      this.remove(user);
      return;
    }
    user.accountEnabled = false;
    this.changed();
  }

  private remove(user: SimulatedUser): void {
    this.users.delete(user.id);
    for (const members of this.groupMembers.values()) {
      const index = members.indexOf(user.id);
      if (index !== -1) {
        members.splice(index, 1);
      }
    }
    this.sponsors.delete(user.id);
    for (const [sponsoredId, sponsorIds] of this.sponsors) {
      this.sponsors.set(
        sponsoredId,
        sponsorIds.filter((id) => id !== user.id),
      );
    }
    this.appRoleAssignments = this.appRoleAssignments.filter((assignment) => assignment.principalId !== user.id);
    for (const [invitationId, invitation] of this.invitations) {
      if (invitation.invitedUserId === user.id) {
        this.invitations.delete(invitationId);
      }
    }
    this.changed();
  }

  /** Installs the bot's Teams app for the user, as their seed flag had it missing; false when it was there already. */
  installTeamsApp(id: string): boolean {
    const user = this.requireUser(id);
    if (user.teamsAppInstalled !== false) return false;
    user.teamsAppInstalled = true;
    this.changed();
    return true;
  }

  snapshot(): StateSnapshot {
    return {
      version: 1,
      tenantId: this.tenantId,
      users: [...this.users.values()],
      groupMembers: Object.fromEntries(this.groupMembers),
      sponsors: Object.fromEntries(this.sponsors),
      appRoleAssignments: this.appRoleAssignments,
      invitations: [...this.invitations.values()],
    };
  }

  private changed(): void {
    this.onChange(this.snapshot());
  }
}
