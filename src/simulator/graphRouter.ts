import { z } from 'zod';
import type { DirectoryState, SimulatedInvitation } from './directoryState';
import { badRequest, GraphFailure, graphErrorBody } from './graphFailure';
import { parseUserFilter } from './odataFilter';
import type { SimulatedUser } from './simulatorSeed';
import type { TeamsAppCatalog } from './teamsAppCatalog';
import { parseUserSelect, projectUser, usersContext } from './userResource';
import type { GraphCall, GraphResult, Route } from './graphCall';

export type { GraphCall, GraphResult } from './graphCall';

const noContent: GraphResult = { status: 204, headers: {} };
/** Graph's page size for directory object collections, and the most `$top` may ask for. */
const defaultPageSize = 100;
const maxPageSize = 999;
/** Listing users with `signInActivity`, Graph's pages hold at most 120 (Microsoft Learn, user resource). */
const signInActivityPageSize = 120;

/** The Graph v1.0 subset the bot uses, over the simulated directory. */
export class GraphRouter {
  private readonly routes: readonly Route[] = [
    { method: 'GET', pattern: ['users'], handle: (call) => this.listUsers(call) },
    { method: 'GET', pattern: ['users', '{}'], handle: (call, [id]) => this.getUser(call, id) },
    { method: 'PATCH', pattern: ['users', '{}'], handle: (call, [id]) => this.updateUser(call, id) },
    { method: 'DELETE', pattern: ['users', '{}'], handle: (_call, [id]) => this.deleteUser(id) },
    { method: 'GET', pattern: ['users', '{}', 'manager'], handle: (call, [id]) => this.getManager(call, id) },
    { method: 'GET', pattern: ['users', '{}', 'sponsors'], handle: (call, [id]) => this.listSponsors(call, id) },
    { method: 'POST', pattern: ['users', '{}', 'sponsors', '$ref'], handle: (call, [id]) => this.addSponsor(call, id) },
    {
      method: 'DELETE',
      pattern: ['users', '{}', 'sponsors', '{}', '$ref'],
      handle: (_call, [id, sponsorId]) => this.removeSponsor(id, sponsorId),
    },
    { method: 'POST', pattern: ['users', '{}', 'checkMemberGroups'], handle: (call, [id]) => this.checkMemberGroups(call, id) },
    {
      method: 'GET',
      pattern: ['users', '{}', 'appRoleAssignments'],
      handle: (call, [id]) => this.listAppRoleAssignments(call, id),
    },
    { method: 'POST', pattern: ['invitations'], handle: (call) => this.invite(call) },
    { method: 'GET', pattern: ['groups', '{}', 'members'], handle: (call, [id]) => this.listMembers(call, id) },
    { method: 'POST', pattern: ['groups', '{}', 'members', '$ref'], handle: (call, [id]) => this.addMember(call, id) },
    {
      method: 'DELETE',
      pattern: ['groups', '{}', 'members', '{}', '$ref'],
      handle: (_call, [groupId, memberId]) => this.removeMember(groupId, memberId),
    },
    {
      method: 'POST',
      pattern: ['servicePrincipals', '{}', 'appRoleAssignedTo'],
      handle: (call, [id]) => this.assignAppRole(call, id),
    },
    {
      method: 'DELETE',
      pattern: ['servicePrincipals', '{}', 'appRoleAssignedTo', '{}'],
      handle: (_call, [servicePrincipalId, assignmentId]) => this.removeAppRoleAssignment(servicePrincipalId, assignmentId),
    },
  ];

  constructor(
    private readonly state: DirectoryState,
    teamsApps?: TeamsAppCatalog,
  ) {
    this.routes = [...this.routes, ...state.externalCollaboration.routes()];
    if (teamsApps) this.routes = [...this.routes, ...teamsApps.routes()];
  }

  /** Runs a call and answers as Graph would, failures included. */
  execute(call: GraphCall, requestId: string, clientRequestId: string): GraphResult {
    try {
      return this.route(call);
    } catch (error) {
      if (error instanceof GraphFailure) {
        return {
          status: error.status,
          headers: { ...error.headers },
          body: graphErrorBody(error, requestId, clientRequestId),
        };
      }
      throw error;
    }
  }

  private route(call: GraphCall): GraphResult {
    const segments = splitPath(call.path);
    const shapeMatches = this.routes
      .filter((route) => route.version === call.version)
      .map((route) => ({ route, params: matchPattern(route.pattern, segments) }))
      .filter((candidate): candidate is { route: Route; params: string[] } => candidate.params !== undefined);
    const match = shapeMatches.find((candidate) => candidate.route.method === call.method.toUpperCase());
    if (match !== undefined) {
      return match.route.handle(call, match.params);
    }
    if (shapeMatches.length > 0) {
      throw new GraphFailure(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request uri.');
    }
    throw badRequest(`Resource not found for the segment '${this.firstUnknownSegment(segments)}'.`);
  }

  private firstUnknownSegment(segments: readonly string[]): string {
    const known = (depth: number): boolean => this.routes.some((route) => matchPattern(route.pattern.slice(0, depth), segments.slice(0, depth)) !== undefined);
    let depth = 1;
    while (depth <= segments.length && known(depth)) {
      depth += 1;
    }
    return segments[Math.min(depth, segments.length) - 1] ?? '';
  }

  private listUsers(call: GraphCall): GraphResult {
    const select = parseUserSelect(call.query.$select);
    this.requireSignInActivityLicence(select);
    const filter = call.query.$filter === undefined ? undefined : parseUserFilter(call.query.$filter);
    const users = this.state.listUsers().filter((user) => filter === undefined || filter(user));
    if (select?.includes('signInActivity')) return this.signInActivityPage(call, select, users);
    return json(200, {
      '@odata.context': usersContext(call.serviceRoot, select, false),
      value: users.map((user) => projectUser(user, select)),
    });
  }

  /** With `signInActivity`, Graph answers in pages of at most 120 users, whatever `$top` asks, with a link to the next. */
  private signInActivityPage(call: GraphCall, select: NonNullable<ReturnType<typeof parseUserSelect>>, users: readonly SimulatedUser[]): GraphResult {
    const asked = call.query.$top === undefined ? signInActivityPageSize : Number(call.query.$top);
    if (!Number.isInteger(asked) || asked < 1 || asked > maxPageSize) {
      throw badRequest(`Invalid page size specified: '${call.query.$top ?? ''}'. Must be between 1 and ${maxPageSize} inclusive.`);
    }
    const top = Math.min(asked, signInActivityPageSize);
    const offset = call.query.$skiptoken === undefined ? 0 : Number(call.query.$skiptoken);
    const page = users.slice(offset, offset + top);
    const next = offset + top < users.length ? offset + top : undefined;
    const query = new URLSearchParams({ ...call.query, $top: String(top), ...(next === undefined ? {} : { $skiptoken: String(next) }) });
    return json(200, {
      '@odata.context': usersContext(call.serviceRoot, select, false),
      value: page.map((user) => projectUser(user, select)),
      ...(next === undefined ? {} : { '@odata.nextLink': `${call.serviceRoot}/v1.0/users?${query.toString()}` }),
    });
  }

  /** A tenant without Microsoft Entra ID P1 gets no `signInActivity`: Graph refuses the whole read. */
  private requireSignInActivityLicence(select: ReturnType<typeof parseUserSelect>): void {
    if (select?.includes('signInActivity') && !this.state.entraIdP1) {
      throw new GraphFailure(403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant', "Neither tenant is B2C or tenant doesn't have premium license");
    }
  }

  private getUser(call: GraphCall, id: string): GraphResult {
    const select = parseUserSelect(call.query.$select);
    this.requireSignInActivityLicence(select);
    const user = this.state.requireUser(id);
    return json(200, { '@odata.context': usersContext(call.serviceRoot, select, true), ...projectUser(user, select) });
  }

  /**
   * Only `accountEnabled` can be changed. Any other property is refused rather than ignored, so
   * a client that starts sending one finds out here instead of passing a test that changed nothing.
   */
  private updateUser(call: GraphCall, id: string): GraphResult {
    const body = requireObject(call.body);
    const unsupported = Object.keys(body).find((name) => name !== 'accountEnabled');
    if (unsupported !== undefined) {
      throw badRequest(`The directory simulator can only update accountEnabled on a user, not '${unsupported}'.`);
    }
    const enabled = body.accountEnabled;
    if (enabled === undefined) {
      this.state.requireUser(id);
    } else if (typeof enabled === 'boolean') {
      this.state.setAccountEnabled(id, enabled);
    } else {
      throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
    }
    return noContent;
  }

  private deleteUser(id: string): GraphResult {
    this.state.deleteUser(id);
    return noContent;
  }

  private getManager(call: GraphCall, id: string): GraphResult {
    const select = parseUserSelect(call.query.$select);
    const manager = this.state.managerOf(id);
    return json(200, {
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#directoryObjects/$entity`,
      '@odata.type': '#microsoft.graph.user',
      ...projectUser(manager, select),
    });
  }

  private listSponsors(call: GraphCall, id: string): GraphResult {
    return this.directoryObjects(call, this.state.sponsorsOf(id));
  }

  private addSponsor(call: GraphCall, id: string): GraphResult {
    this.state.addSponsor(id, referencedId(call.body));
    return noContent;
  }

  private removeSponsor(id: string, sponsorId: string): GraphResult {
    this.state.removeSponsor(id, sponsorId);
    return noContent;
  }

  private checkMemberGroups(call: GraphCall, userId: string): GraphResult {
    const groupIds = (call.body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(groupIds) || !groupIds.every((id) => typeof id === 'string')) throw badRequest("'groupIds' must be an array of group ids.");
    return json(200, {
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#Collection(Edm.String)`,
      value: this.state.memberGroupsOf(userId, groupIds as string[]),
    });
  }

  private listMembers(call: GraphCall, groupId: string): GraphResult {
    return this.directoryObjects(call, this.state.groupMembersOf(groupId));
  }

  private addMember(call: GraphCall, groupId: string): GraphResult {
    this.state.addGroupMember(groupId, referencedId(call.body));
    return noContent;
  }

  private removeMember(groupId: string, memberId: string): GraphResult {
    this.state.removeGroupMember(groupId, memberId);
    return noContent;
  }

  private directoryObjects(call: GraphCall, ids: readonly string[]): GraphResult {
    const select = parseUserSelect(call.query.$select);
    return json(200, {
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#directoryObjects`,
      value: ids.map((memberId) => ({
        '@odata.type': '#microsoft.graph.user',
        ...projectUser(this.state.requireUser(memberId), select),
      })),
    });
  }

  /**
   * Pages of 100 unless `$top` asks for up to 999, as Graph does, with `@odata.nextLink` to the
   * next: a client that reads only the first page misses assignments here as it would there.
   */
  private listAppRoleAssignments(call: GraphCall, id: string): GraphResult {
    const user = this.state.requireUser(id);
    const top = call.query.$top === undefined ? defaultPageSize : Number(call.query.$top);
    if (!Number.isInteger(top) || top < 1 || top > maxPageSize) {
      throw badRequest(`Invalid page size specified: '${call.query.$top ?? ''}'. Must be between 1 and ${maxPageSize} inclusive.`);
    }
    const skip = call.query.$skiptoken === undefined ? 0 : Number(call.query.$skiptoken);
    if (!Number.isInteger(skip) || skip < 0) {
      throw badRequest('The specified page token value has expired or is invalid.', 'Directory_ExpiredPageToken');
    }
    const assignments = this.state.appRoleAssignmentsListedFor(user.id);
    const next = skip + top < assignments.length ? skip + top : undefined;
    const path = `${call.serviceRoot}/v1.0/users/${encodeURIComponent(id)}/appRoleAssignments`;
    return json(200, {
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#users('${encodeURIComponent(id)}')/appRoleAssignments`,
      ...(next === undefined ? {} : { '@odata.nextLink': `${path}?$top=${top}&$skiptoken=${next}` }),
      value: assignments.slice(skip, skip + top).map((assignment) => ({ deletedDateTime: null, ...assignment })),
    });
  }

  private removeAppRoleAssignment(servicePrincipalId: string, assignmentId: string): GraphResult {
    this.state.removeAppRoleAssignment(servicePrincipalId, assignmentId);
    return noContent;
  }

  private invite(call: GraphCall): GraphResult {
    const body = requireObject(call.body);
    const email = body.invitedUserEmailAddress;
    if (typeof email !== 'string' || email.trim() === '') {
      throw badRequest('The invitedUserEmailAddress property is required.');
    }
    if (!z.email().safeParse(email).success) {
      throw badRequest(`The invited user email address '${email}' is invalid.`);
    }
    const redirectUrl = body.inviteRedirectUrl;
    if (typeof redirectUrl !== 'string' || redirectUrl.trim() === '') {
      throw badRequest('The inviteRedirectUrl property is required.');
    }
    if (!isAbsoluteWebUrl(redirectUrl)) {
      throw badRequest(`The inviteRedirectUrl '${redirectUrl}' is not a valid absolute URI.`);
    }
    const messageInfo = body.invitedUserMessageInfo === undefined ? {} : requireObject(body.invitedUserMessageInfo);
    const resetRedemption = optional(body, 'resetRedemption', 'boolean') ?? false;
    const invitedUserId = body.invitedUser === undefined ? undefined : optional(requireObject(body.invitedUser), 'id', 'string');
    if (resetRedemption && !invitedUserId) {
      throw badRequest('To reset redemption, invitedUser.id must name the guest.');
    }
    const { invitation } = this.state.invite({
      email,
      displayName: optional(body, 'invitedUserDisplayName', 'string'),
      redirectUrl,
      sendInvitationMessage: optional(body, 'sendInvitationMessage', 'boolean') ?? false,
      customizedMessageBody: optional(messageInfo, 'customizedMessageBody', 'string'),
      resetRedemptionOf: resetRedemption ? invitedUserId : undefined,
      sponsorIds: invitedUserSponsorIds(body.invitedUserSponsors),
      redeemUrlFor: (invitationId) => `${call.redeemRoot}/${encodeURIComponent(invitationId)}`,
    });
    return json(201, invitationResource(call.serviceRoot, invitation));
  }

  private assignAppRole(call: GraphCall, servicePrincipalId: string): GraphResult {
    const body = requireObject(call.body);
    const field = (name: 'principalId' | 'resourceId' | 'appRoleId'): string => {
      const value = body[name];
      if (typeof value !== 'string' || value === '') {
        throw badRequest(`The ${name} property is required.`, 'Request_BadRequest');
      }
      return value;
    };
    const assignment = this.state.assignAppRole(servicePrincipalId, {
      principalId: field('principalId'),
      resourceId: field('resourceId'),
      appRoleId: field('appRoleId'),
    });
    return json(201, {
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#servicePrincipals('${servicePrincipalId}')/appRoleAssignedTo/$entity`,
      deletedDateTime: null,
      ...assignment,
    });
  }
}

function invitationResource(serviceRoot: string, invitation: SimulatedInvitation): Record<string, unknown> {
  return {
    '@odata.context': `${serviceRoot}/v1.0/$metadata#invitations/$entity`,
    id: invitation.id,
    inviteRedeemUrl: invitation.inviteRedeemUrl,
    invitedUserDisplayName: invitation.invitedUserDisplayName,
    invitedUserType: 'Guest',
    invitedUserEmailAddress: invitation.invitedUserEmailAddress,
    sendInvitationMessage: invitation.sendInvitationMessage,
    resetRedemption: invitation.resetRedemption ?? false,
    inviteRedirectUrl: invitation.inviteRedirectUrl,
    status: invitation.status,
    invitedUserMessageInfo: {
      messageLanguage: null,
      ccRecipients: [],
      customizedMessageBody: invitation.customizedMessageBody ?? null,
    },
    invitedUser: { id: invitation.invitedUserId },
  };
}

function json(status: number, body: unknown): GraphResult {
  return { status, headers: {}, body };
}

function splitPath(path: string): string[] {
  const segments = path.split('/').filter((segment) => segment !== '');
  try {
    return segments.map((segment) => decodeURIComponent(segment));
  } catch {
    throw badRequest(`The request URI '${path}' is not valid.`);
  }
}

/** The ids in the `{}` places when the segments have the pattern's shape; literals ignore case as in Graph. */
function matchPattern(pattern: readonly string[], segments: readonly string[]): string[] | undefined {
  if (pattern.length !== segments.length) {
    return undefined;
  }
  const params: string[] = [];
  for (const [index, expected] of pattern.entries()) {
    const actual = segments[index] ?? '';
    if (expected === '{}') {
      params.push(actual);
    } else if (expected.toLowerCase() !== actual.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('Empty Payload. JSON content expected.');
  }
  return body as Record<string, unknown>;
}

function optional<T extends 'string' | 'boolean'>(body: Record<string, unknown>, name: string, type: T): (T extends 'string' ? string : boolean) | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== type) {
    throw badRequest(`The ${name} property must be a ${type}.`);
  }
  return value as T extends 'string' ? string : boolean;
}

/** `invitedUserSponsors`: directory objects by id, `[{ "id": "…" }]`. */
function invitedUserSponsorIds(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw badRequest('The invitedUserSponsors property must be a collection of directory objects.');
  return value.map((sponsor) => {
    const id = typeof sponsor === 'object' && sponsor !== null ? (sponsor as { id?: unknown }).id : undefined;
    if (typeof id !== 'string' || id === '') throw badRequest('Each of invitedUserSponsors needs the id of a user or group.');
    return id;
  });
}

/** The object id at the end of an `@odata.id` such as `https://graph.microsoft.com/v1.0/directoryObjects/{id}`. */
function referencedId(body: unknown): string {
  const reference = requireObject(body)['@odata.id'];
  const match = typeof reference === 'string' ? /\/(?:directoryObjects|users)\/([^/?#]+)\/?$/i.exec(reference) : null;
  const invalid = badRequest(`Invalid object identifier '${String(reference)}'.`, 'Request_BadRequest');
  if (match?.[1] === undefined) {
    throw invalid;
  }
  try {
    return decodeURIComponent(match[1]);
  } catch {
    throw invalid;
  }
}

function isAbsoluteWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
