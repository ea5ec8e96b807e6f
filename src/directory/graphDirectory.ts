import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { type Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import {
  type AccessGrant,
  type AccountState,
  type Directory,
  DirectoryError,
  type DirectoryUser,
  type GrantOutcome,
  type InboundCollaboration,
  type Invitation,
  type InvitationDomainList,
  type InvitationInput,
  type RedemptionState,
  type RevocableGrant,
  type RevokeOutcome,
  type SignInReading,
} from './directory';
import { GraphTenantSettings } from './graphTenantSettings';
import { graphErrorOf, isTransientStatus, toDirectoryError } from './graphErrorMapping';
import { parseRetryAfterMs } from '../http/retryAfter';
import {
  type GraphAppRoleAssignment,
  graphAppRoleAssignmentListSchema,
  type GraphBatchItemResponse,
  graphBatchResponseSchema,
  graphInvitationSchema,
  type GraphUser,
  graphUserListSchema,
  graphUserSchema,
  parseGraphResponse,
} from './graphResponses';

/** `userType`, `externalUserState` and `accountEnabled` are not default properties: without `$select` they never come. */
const userSelect = [
  'id',
  'displayName',
  'mail',
  'userPrincipalName',
  'userType',
  'externalUserState',
  'externalUserStateChangeDateTime',
  'preferredLanguage',
  'accountEnabled',
];

/**
 * `POST /invitations` is not idempotent: after a 503 or 504 Graph may have created the invitation
 * (and emailed the guest) all the same, so the client resends it only after a 429, which means it
 * was refused unread. Other failures go back to the provisioning job, which knows how to resume.
 */
const invitationRetries = new RetryHandlerOptions(undefined, undefined, (_delay, _attempt, _request, _options, response) => response.status === 429);

/** Graph's limit of requests in one `$batch`. */
const maxBatchSize = 20;
/** Graph's limit of values in one `$filter` with `in`. */
const maxFilterValues = 15;
const memberGroupsSchema = z.object({ value: z.array(z.string()) });
const redemptionSelect = 'id,externalUserState,externalUserStateChangeDateTime';
const redemptionUserSchema = z.object({ id: z.string(), externalUserState: z.string().nullish(), externalUserStateChangeDateTime: z.string().nullish() });
const accountSelect = 'id,accountEnabled';
const accountUserSchema = z.object({ id: z.string(), accountEnabled: z.boolean().nullish() });
/**
 * `signInActivity` comes only when asked for with `$select`, needs AuditLog.Read.All and Microsoft
 * Entra ID P1, and is absent (or null) for a guest who never signed in. Listing users with it,
 * Graph's pages hold at most 120: far more than the 15 ids of one `id in (…)`.
 */
const signInSelect = 'id,signInActivity';
const signInUserSchema = z.object({
  id: z.string(),
  signInActivity: z.object({ lastSuccessfulSignInDateTime: z.string().nullish() }).nullish(),
});
/**
 * Resends of throttled batch items after the first attempt, each after the longest `Retry-After`
 * the items were given; an item asked to wait longer than `maxItemRetryMs` goes back to the job.
 */
const maxRetryRounds = 3;
const defaultItemRetryMs = 2_000;
const maxItemRetryMs = 30_000;
const retryableItemStatuses: ReadonlySet<number> = new Set([429, 503, 504]);

/** One call to send inside a `$batch`, with what it is about; its id is given when it is sent. */
interface BatchCall<T> {
  subject: T;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: Record<string, string>;
}

/** Graph's answer to one item, or the failure of the whole `$batch` it was in. */
type BatchAnswer = GraphBatchItemResponse | DirectoryError;

interface BatchRequestItem {
  id: string;
  method: BatchCall<unknown>['method'];
  url: string;
  headers?: { 'Content-Type': 'application/json' };
  body?: Record<string, string>;
}

interface PendingCall<T> {
  index: number;
  call: BatchCall<T>;
}

/** The Directory port over Microsoft Graph v1.0, or anything that speaks the same subset. */
export class GraphDirectory implements Directory {
  private readonly graphBaseUrl: string;
  private readonly tenantSettings: GraphTenantSettings;

  /** @param options.graphBaseUrl the client's base URL, used to build `@odata.id` references. */
  constructor(
    private readonly client: Client,
    options: { graphBaseUrl: string },
  ) {
    if (options.graphBaseUrl.trim() === '') {
      throw new Error('GraphDirectory needs the Graph base URL (GRAPH_BASE_URL)');
    }
    this.graphBaseUrl = options.graphBaseUrl.replace(/\/+$/, '');
    this.tenantSettings = new GraphTenantSettings(client);
  }

  invitationDomainList(): Promise<InvitationDomainList> {
    return this.tenantSettings.invitationDomainList();
  }

  tenantIdOfDomain(domain: string): Promise<string | undefined> {
    return this.tenantSettings.tenantIdOfDomain(domain);
  }

  partnerInboundCollaboration(tenantId: string): Promise<InboundCollaboration | undefined> {
    return this.tenantSettings.partnerInboundCollaboration(tenantId);
  }

  defaultInboundCollaboration(): Promise<InboundCollaboration> {
    return this.tenantSettings.defaultInboundCollaboration();
  }

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    const operation = `Reading user ${id}`;
    try {
      const response: unknown = await this.client
        .api(`/users/${encodeURIComponent(id)}`)
        .select(userSelect)
        .get();
      return toDirectoryUser(parseGraphResponse(graphUserSchema, response, operation));
    } catch (error) {
      return undefinedWhenNotFound(error, operation);
    }
  }

  async findUserByAddress(address: string): Promise<DirectoryUser | undefined> {
    const operation = `Looking up ${address}`;
    const literal = `'${address.replace(/'/g, "''")}'`;
    // The client puts $filter into the URL as given: encode it, or '#' in a guest's UPN would end the URL.
    const filter = encodeURIComponent(`mail eq ${literal} or userPrincipalName eq ${literal}`);
    try {
      const response: unknown = await this.client.api('/users').filter(filter).select(userSelect).get();
      const [first] = parseGraphResponse(graphUserListSchema, response, operation).value;
      return first === undefined ? undefined : toDirectoryUser(first);
    } catch (error) {
      throw toDirectoryError(error, operation);
    }
  }

  async findUsersByAddresses(addresses: readonly string[]): Promise<Map<string, DirectoryUser | undefined>> {
    if (addresses.length === 1) return new Map([[addresses[0], await this.findUserByAddress(addresses[0])]]);
    const operation = `Looking up ${addresses.length} addresses`;
    // One look-up an address, up to 20 to a $batch: Graph limits `in` to 15 values, and an address may be a mail or a UPN.
    const calls = addresses.map((address) => {
      const literal = `'${address.replace(/'/g, "''")}'`;
      const filter = encodeURIComponent(`mail eq ${literal} or userPrincipalName eq ${literal}`);
      return { subject: address, method: 'GET' as const, url: `/users?$filter=${filter}&$select=${userSelect.join(',')}` };
    });
    const found = new Map<string, DirectoryUser | undefined>();
    for (const { subject, answer } of await this.sendWithRetries(calls, operation)) {
      if (answer instanceof DirectoryError) throw answer;
      if (!isSuccess(answer)) throw batchItemError(answer, operation);
      const [first] = parseGraphResponse(graphUserListSchema, answer.body, operation).value;
      found.set(subject, first === undefined ? undefined : toDirectoryUser(first));
    }
    return found;
  }

  /** The user's manager when it is a member of the tenant; guests and contacts cannot sponsor. */
  async getManager(userId: string): Promise<DirectoryUser | undefined> {
    const operation = `Reading the manager of ${userId}`;
    try {
      const response: unknown = await this.client
        .api(`/users/${encodeURIComponent(userId)}/manager`)
        .select(userSelect)
        .get();
      const manager = parseGraphResponse(graphUserSchema, response, operation);
      const isUser = manager['@odata.type'] === undefined || manager['@odata.type'] === '#microsoft.graph.user';
      const user = toDirectoryUser(manager);
      return isUser && user.userType === 'Member' ? user : undefined;
    } catch (error) {
      return undefinedWhenNotFound(error, operation);
    }
  }

  async isMemberOf(userId: string, groupId: string): Promise<boolean> {
    const operation = `Checking whether ${userId} is in group ${groupId}`;
    try {
      const response: unknown = await this.client.api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`).post({ groupIds: [groupId] });
      return parseGraphResponse(memberGroupsSchema, response, operation).value.includes(groupId);
    } catch (error) {
      throw toDirectoryError(error, operation);
    }
  }

  async invite(input: InvitationInput): Promise<Invitation> {
    const operation = input.resetRedemptionOf ? `Resetting the redemption of ${input.email}` : `Inviting ${input.email}`;
    try {
      const response: unknown = await this.client
        .api('/invitations')
        .middlewareOptions([invitationRetries])
        .post({
          invitedUserEmailAddress: input.email,
          inviteRedirectUrl: input.redirectUrl,
          sendInvitationMessage: input.sendInvitationMessage,
          invitedUserMessageInfo: { customizedMessageBody: input.messageBody },
          ...(input.resetRedemptionOf ? { resetRedemption: true, invitedUser: { id: input.resetRedemptionOf } } : {}),
          // A new guest has their sponsor from the first second; an existing one gets it through sponsors/$ref.
          ...(input.sponsorIds?.length && !input.resetRedemptionOf ? { invitedUserSponsors: input.sponsorIds.map((id) => ({ id })) } : {}),
        });
      const invitation = parseGraphResponse(graphInvitationSchema, response, operation);
      return {
        invitedUserId: invitation.invitedUser.id,
        inviteRedeemUrl: invitation.inviteRedeemUrl,
        status: invitation.status,
      };
    } catch (error) {
      throw toDirectoryError(error, operation);
    }
  }

  /** Sends every grant in one `$batch` (20 a batch); see {@link sendWithRetries} for what happens to throttled items. */
  async grant(userId: string, grants: readonly AccessGrant[]): Promise<GrantOutcome[]> {
    const [outcomes] = await this.grantEach([{ userId, grants }]);
    return outcomes;
  }

  async grantEach(each: ReadonlyArray<{ userId: string; grants: readonly AccessGrant[] }>): Promise<GrantOutcome[][]> {
    const calls = each.flatMap(({ userId, grants }, user) => grants.map((grant) => ({ subject: { user, grant }, ...this.grantCall(userId, grant) })));
    const operation = each.length === 1 ? `Granting access to ${each[0].userId}` : `Granting access to ${each.length} guests`;
    const outcomes: GrantOutcome[][] = each.map(() => []);
    for (const { subject, answer } of await this.sendWithRetries(calls, operation)) {
      const { user, grant } = subject;
      const userId = each[user].userId;
      outcomes[user].push(
        answer instanceof DirectoryError
          ? { grant, result: 'failed', error: answer }
          : isSuccess(answer)
            ? { grant, result: 'granted' }
            : isAlreadyPresent(answer)
              ? { grant, result: 'alreadyPresent' }
              : { grant, result: 'failed', error: itemError(userId, describeGrant(grant), answer) },
      );
    }
    return outcomes;
  }

  /**
   * Graph deletes an app role assignment only by its id, so the first `$batch` lists the user's
   * assignments beside the group removals, and a second deletes the ones that match. Without
   * app roles that is a single round trip.
   */
  async revoke(userId: string, grants: readonly RevocableGrant[]): Promise<RevokeOutcome[]> {
    const operation = `Taking access away from ${userId}`;
    const user = encodeURIComponent(userId);
    const outcomes: RevokeOutcome[] = [];
    const firstCalls: Array<BatchCall<number | 'listing'>> = [];
    grants.forEach((grant, position) => {
      if (grant.kind === 'group') {
        firstCalls.push({ subject: position, method: 'DELETE', url: `/groups/${encodeURIComponent(grant.groupId)}/members/${user}/$ref` });
      }
    });
    if (grants.some((grant) => grant.kind === 'appRole')) {
      firstCalls.push({ subject: 'listing', method: 'GET', url: `/users/${user}/appRoleAssignments` });
    }
    let listing: BatchAnswer | undefined;
    for (const { subject, answer } of await this.sendWithRetries(firstCalls, operation)) {
      if (subject === 'listing') listing = answer;
      else outcomes[subject] = removalOutcome(userId, grants[subject], answer);
    }
    if (listing === undefined) return outcomes;

    const assignments = await this.assignmentsIn(userId, listing, operation);
    const deletions: Array<BatchCall<number>> = [];
    grants.forEach((grant, position) => {
      if (grant.kind !== 'appRole') return;
      if (assignments instanceof DirectoryError) {
        outcomes[position] = { grant, result: 'failed', error: assignments };
        return;
      }
      const assignment = assignments.find((candidate) => isAssignmentOf(candidate, userId, grant));
      if (assignment === undefined) {
        outcomes[position] = { grant, result: 'alreadyAbsent' };
      } else {
        const url = `/servicePrincipals/${encodeURIComponent(grant.servicePrincipalId)}/appRoleAssignedTo/${encodeURIComponent(assignment.id)}`;
        deletions.push({ subject: position, method: 'DELETE', url });
      }
    });
    for (const { subject, answer } of await this.sendWithRetries(deletions, operation)) {
      outcomes[subject] = removalOutcome(userId, grants[subject], answer);
    }
    return outcomes;
  }

  async disableUser(userId: string): Promise<void> {
    try {
      await this.client.api(`/users/${encodeURIComponent(userId)}`).patch({ accountEnabled: false });
    } catch (error) {
      undefinedWhenNotFound(error, `Blocking the sign-in of ${userId}`);
    }
  }

  async deleteUser(userId: string): Promise<void> {
    try {
      await this.client.api(`/users/${encodeURIComponent(userId)}`).delete();
    } catch (error) {
      undefinedWhenNotFound(error, `Deleting user ${userId}`);
    }
  }

  /**
   * Where each guest stands with their invitation: one read of {@link usersById}, 300 guests a
   * round trip. Guests Graph could not answer for are left out, to be asked for at the next check.
   */
  async redemptionStates(userIds: readonly string[]): Promise<Map<string, RedemptionState>> {
    const { found } = await this.usersById(userIds, redemptionSelect, redemptionUserSchema, `Reading the redemption state of ${userIds.length} guests`);
    const states = new Map<string, RedemptionState>();
    for (const user of found.values()) {
      const state = user.externalUserState === 'Accepted' || user.externalUserState === 'PendingAcceptance' ? user.externalUserState : undefined;
      states.set(user.id, {
        ...(state ? { state } : {}),
        ...(user.externalUserStateChangeDateTime ? { changedAt: user.externalUserStateChangeDateTime } : {}),
      });
    }
    return states;
  }

  /**
   * Whether each person can still sign in: the same read as {@link redemptionStates}, 300 people
   * a round trip. Someone the answer leaves out, where Graph did answer, is gone (deleted);
   * someone Graph could not answer for just now is left out of the map, to be asked again.
   */
  async accountStates(userIds: readonly string[]): Promise<Map<string, AccountState>> {
    const { found, answered } = await this.usersById(userIds, accountSelect, accountUserSchema, `Reading the accounts of ${userIds.length} people`);
    const states = new Map<string, AccountState>();
    for (const id of answered) {
      const user = found.get(id);
      states.set(id, user === undefined ? 'gone' : user.accountEnabled === false ? 'disabled' : 'enabled');
    }
    return states;
  }

  /**
   * The last successful sign-in of each guest: the same batched `id in (…)` read, with
   * `$select=id,signInActivity`. A 403 is the tenant's or the application's, not a guest's (no
   * Entra ID P1, or no AuditLog.Read.All), so it fails the read.
   */
  async lastSignIns(userIds: readonly string[]): Promise<Map<string, SignInReading>> {
    const operation = `Reading the sign-in activity of ${userIds.length} guests`;
    const { found, refused } = await this.usersById(userIds, signInSelect, signInUserSchema, operation);
    if (refused) throw refused;
    const readings = new Map<string, SignInReading>();
    for (const user of found.values()) {
      const at = user.signInActivity?.lastSuccessfulSignInDateTime;
      readings.set(user.id, at ? { lastSuccessfulSignInAt: at } : {});
    }
    return readings;
  }

  /**
   * The guest's sponsor changes: the new one is added and the old one removed, in one `$batch`.
   * A sponsor already there, or one already gone (Graph's 404: removed by hand, or deleted with
   * their account), counts as done.
   */
  async replaceSponsor(guestId: string, newSponsorId: string, oldSponsorId: string): Promise<void> {
    const guest = encodeURIComponent(guestId);
    const calls: Array<BatchCall<'add' | 'remove'>> = [
      { subject: 'add', ...this.grantCall(guestId, { kind: 'sponsor', sponsorId: newSponsorId }) },
      ...(oldSponsorId === newSponsorId
        ? []
        : [{ subject: 'remove' as const, method: 'DELETE' as const, url: `/users/${guest}/sponsors/${encodeURIComponent(oldSponsorId)}/$ref` }]),
    ];
    for (const { subject, answer } of await this.sendWithRetries(calls, `Changing the sponsor of ${guestId}`)) {
      if (answer instanceof DirectoryError) throw answer;
      if (isSuccess(answer) || (subject === 'add' && isAlreadyPresent(answer)) || (subject === 'remove' && answer.status === 404)) continue;
      throw itemError(guestId, subject === 'add' ? `Adding sponsor ${newSponsorId}` : `Removing sponsor ${oldSponsorId}`, answer);
    }
  }

  /**
   * The one batched read of users by id: a `$filter=id in (…)` for every 15 ids, sent 20 at a
   * time in a `$batch`, so 300 users a round trip. `answered` holds the ids whose filter Graph
   * answered (an id among them that is not in `found` does not exist); items Graph throttled or
   * failed answer for nobody.
   */
  private async usersById<T extends { id: string }>(
    userIds: readonly string[],
    select: string,
    rowSchema: z.ZodType<T>,
    operation: string,
  ): Promise<{ found: Map<string, T>; answered: Set<string>; refused?: DirectoryError }> {
    const found = new Map<string, T>();
    const answered = new Set<string>();
    let refused: DirectoryError | undefined;
    const listSchema = z.object({ value: z.array(rowSchema) });
    const groups: string[][] = [];
    for (let start = 0; start < userIds.length; start += maxFilterValues) groups.push(userIds.slice(start, start + maxFilterValues));
    for (let start = 0; start < groups.length; start += maxBatchSize) {
      const chunk = groups.slice(start, start + maxBatchSize);
      let response: unknown;
      try {
        response = await this.client.api('/$batch').post({
          requests: chunk.map((ids, index) => {
            const filter = `id in (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`;
            return { id: String(index + 1), method: 'GET', url: `/users?$filter=${encodeURIComponent(filter)}&$select=${select}` };
          }),
        });
      } catch (error) {
        throw toDirectoryError(error, operation);
      }
      for (const answer of parseGraphResponse(graphBatchResponseSchema, response, operation).responses) {
        if (answer.status === 403) refused ??= batchItemError(answer, operation);
        if (answer.status !== 200) continue;
        const users = listSchema.safeParse(answer.body);
        if (!users.success) continue;
        for (const id of chunk[Number(answer.id) - 1] ?? []) answered.add(id);
        for (const user of users.data.value) found.set(user.id, user);
      }
    }
    return { found, answered, ...(refused ? { refused } : {}) };
  }

  /**
   * Sends the calls in `$batch`es of 20. Items Graph throttles are resent together after the
   * longest `Retry-After` they were given, for a few rounds; an item still throttled after them,
   * or asked to wait longer than is worth holding a job for, keeps its answer, so the caller's
   * job is retried later, no sooner than the `Retry-After` it carries. Answers come back in the
   * order of the calls.
   */
  private async sendWithRetries<T>(calls: ReadonlyArray<BatchCall<T>>, operation: string): Promise<Array<{ subject: T; answer: BatchAnswer }>> {
    const settled: Array<{ index: number; subject: T; answer: BatchAnswer }> = [];
    let pending: Array<PendingCall<T>> = calls.map((call, index) => ({ call, index }));
    for (let round = 0; pending.length > 0; round += 1) {
      const retry: Array<PendingCall<T>> = [];
      let waitMs = 0;
      for (const { item, answer } of await this.sendBatches(pending, operation)) {
        if (round < maxRetryRounds && isWorthResending(answer)) {
          retry.push(item);
          waitMs = Math.max(waitMs, itemRetryAfterMs(answer));
        } else {
          settled.push({ index: item.index, subject: item.call.subject, answer });
        }
      }
      if (retry.length > 0) {
        await delay(waitMs);
      }
      pending = retry;
    }
    return settled.sort((a, b) => a.index - b.index).map(({ subject, answer }) => ({ subject, answer }));
  }

  private async sendBatches<T>(pending: ReadonlyArray<PendingCall<T>>, operation: string): Promise<Array<{ item: PendingCall<T>; answer: BatchAnswer }>> {
    const answers: Array<{ item: PendingCall<T>; answer: BatchAnswer }> = [];
    for (let start = 0; start < pending.length; start += maxBatchSize) {
      const chunk = pending.slice(start, start + maxBatchSize);
      try {
        const response: unknown = await this.client.api('/$batch').post({ requests: chunk.map(batchRequestItem) });
        const byId = new Map(parseGraphResponse(graphBatchResponseSchema, response, operation).responses.map((answer) => [answer.id, answer]));
        for (const item of chunk) {
          const answer =
            byId.get(batchItemId(item)) ??
            new DirectoryError(`${operation} failed: the $batch response has no item ${batchItemId(item)}`, {
              status: 0,
              code: 'MissingBatchItem',
              transient: true,
            });
          answers.push({ item, answer });
        }
      } catch (error) {
        const failure = toDirectoryError(error, operation);
        answers.push(...chunk.map((item) => ({ item, answer: failure })));
      }
    }
    return answers;
  }

  private grantCall(userId: string, grant: AccessGrant): Omit<BatchCall<AccessGrant>, 'subject'> {
    switch (grant.kind) {
      case 'group':
        return {
          method: 'POST',
          url: `/groups/${encodeURIComponent(grant.groupId)}/members/$ref`,
          body: { '@odata.id': `${this.graphBaseUrl}/v1.0/directoryObjects/${encodeURIComponent(userId)}` },
        };
      case 'appRole':
        return {
          method: 'POST',
          url: `/servicePrincipals/${encodeURIComponent(grant.servicePrincipalId)}/appRoleAssignedTo`,
          body: { principalId: userId, resourceId: grant.servicePrincipalId, appRoleId: grant.appRoleId },
        };
      case 'sponsor':
        return {
          method: 'POST',
          url: `/users/${encodeURIComponent(userId)}/sponsors/$ref`,
          body: { '@odata.id': `${this.graphBaseUrl}/v1.0/users/${encodeURIComponent(grant.sponsorId)}` },
        };
    }
  }

  /**
   * The assignments a listing answered with, every page of it; none when the user is gone. A
   * failure stands for the whole listing: no assignment may be called absent on a guess.
   */
  private async assignmentsIn(userId: string, listing: BatchAnswer, operation: string): Promise<GraphAppRoleAssignment[] | DirectoryError> {
    if (listing instanceof DirectoryError) return listing;
    if (listing.status === 404) return [];
    if (!isSuccess(listing)) return itemError(userId, 'Listing the app role assignments', listing);
    try {
      let page = parseGraphResponse(graphAppRoleAssignmentListSchema, listing.body, operation);
      const assignments = [...page.value];
      while (page['@odata.nextLink'] !== undefined) {
        const response: unknown = await this.client.api(this.relativeToVersion(page['@odata.nextLink'])).get();
        page = parseGraphResponse(graphAppRoleAssignmentListSchema, response, operation);
        assignments.push(...page.value);
      }
      return assignments;
    } catch (error) {
      return toDirectoryError(error, operation);
    }
  }

  /** The client parses only https links itself; the simulator's are http, so a link under the base URL goes relative to it. */
  private relativeToVersion(link: string): string {
    const root = `${this.graphBaseUrl}/v1.0`;
    return link.startsWith(`${root}/`) ? link.slice(root.length) : link;
  }
}

/** Ids follow the call's position, so a resent item keeps its id across rounds. */
function batchItemId({ index }: Pick<PendingCall<unknown>, 'index'>): string {
  return String(index + 1);
}

function batchRequestItem<T>(item: PendingCall<T>): BatchRequestItem {
  const { method, url, body } = item.call;
  // Graph refuses a write item without its Content-Type; reads and deletes carry neither.
  return { id: batchItemId(item), method, url, ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body }) };
}

function toDirectoryUser(user: GraphUser): DirectoryUser {
  const userType = user.userType === 'Guest' ? 'Guest' : 'Member';
  const state = user.externalUserState;
  return {
    id: user.id,
    displayName: user.displayName ?? user.userPrincipalName,
    userPrincipalName: user.userPrincipalName,
    ...(user.mail ? { mail: user.mail } : {}),
    userType,
    ...(userType === 'Guest' && (state === 'PendingAcceptance' || state === 'Accepted') ? { externalUserState: state } : {}),
    ...(userType === 'Guest' && user.externalUserStateChangeDateTime ? { externalUserStateChangedAt: user.externalUserStateChangeDateTime } : {}),
    ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
    ...(typeof user.accountEnabled === 'boolean' ? { accountEnabled: user.accountEnabled } : {}),
  };
}

function undefinedWhenNotFound(error: unknown, operation: string): undefined {
  if (error instanceof GraphError && error.statusCode === 404) {
    return undefined;
  }
  throw toDirectoryError(error, operation);
}

/** Graph's 400s for a link that is already there ("… already exist …", "… already exists on the object"). */
function isAlreadyPresent(answer: GraphBatchItemResponse): boolean {
  return answer.status === 400 && /already exists?\b/i.test(graphErrorOf(answer.body).message);
}

function isSuccess(answer: GraphBatchItemResponse): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** Throttled, and not asked to wait longer than is worth holding the job for. */
function isWorthResending(answer: BatchAnswer): answer is GraphBatchItemResponse {
  return !(answer instanceof DirectoryError) && retryableItemStatuses.has(answer.status) && itemRetryAfterMs(answer) <= maxItemRetryMs;
}

/** How long Graph asked to wait before resending a throttled item. */
function itemRetryAfterMs(answer: GraphBatchItemResponse): number {
  return parseRetryAfterMs(headerOf(answer, 'retry-after')) ?? defaultItemRetryMs;
}

function headerOf(answer: GraphBatchItemResponse, name: string): string | undefined {
  return Object.entries(answer.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** A refused item of a read about many users: the refusal is the application's or the tenant's, not one user's. */
function batchItemError(answer: GraphBatchItemResponse, operation: string): DirectoryError {
  const { code, message } = graphErrorOf(answer.body);
  return new DirectoryError(`${operation} failed: Microsoft Graph answered ${answer.status} ${code}: ${message}`, {
    status: answer.status,
    code,
    transient: false,
  });
}

/** @param action what the item was doing, as in "Adding to group …". */
function itemError(userId: string, action: string, answer: GraphBatchItemResponse): DirectoryError {
  const { code, message } = graphErrorOf(answer.body);
  // Right after an invitation the new guest may not have replicated yet: a 404 naming the guest is worth a retry.
  const replicationLag = answer.status === 404 && message.toLowerCase().includes(userId.toLowerCase());
  return new DirectoryError(`${action} for ${userId} failed: Microsoft Graph answered ${answer.status} ${code}: ${message}`, {
    status: answer.status,
    code,
    transient: isTransientStatus(answer.status) || replicationLag,
    retryAfterMs: parseRetryAfterMs(headerOf(answer, 'retry-after')),
  });
}

function describeGrant(grant: AccessGrant): string {
  switch (grant.kind) {
    case 'group':
      return `Adding to group ${grant.groupId}`;
    case 'appRole':
      return `Assigning app role ${grant.appRoleId} of ${grant.servicePrincipalId}`;
    case 'sponsor':
      return `Adding sponsor ${grant.sponsorId}`;
  }
}

/** A 404 from either removal means the access is not there any more, whoever took it away. */
function removalOutcome(userId: string, grant: RevocableGrant, answer: BatchAnswer): RevokeOutcome {
  if (answer instanceof DirectoryError) return { grant, result: 'failed', error: answer };
  if (isSuccess(answer)) return { grant, result: 'removed' };
  if (answer.status === 404) return { grant, result: 'alreadyAbsent' };
  return { grant, result: 'failed', error: itemError(userId, describeRevoke(grant), answer) };
}

/**
 * The listing also holds assignments the user has through a group they are a direct member of:
 * those belong to the group, and deleting one would take the role from every member.
 */
function isAssignmentOf(assignment: GraphAppRoleAssignment, userId: string, grant: Extract<RevocableGrant, { kind: 'appRole' }>): boolean {
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  return same(assignment.principalId, userId) && same(assignment.resourceId, grant.servicePrincipalId) && same(assignment.appRoleId, grant.appRoleId);
}

function describeRevoke(grant: RevocableGrant): string {
  switch (grant.kind) {
    case 'group':
      return `Removing from group ${grant.groupId}`;
    case 'appRole':
      return `Removing app role ${grant.appRoleId} of ${grant.servicePrincipalId}`;
  }
}
