import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { type Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import {
  type AccessGrant,
  type Directory,
  DirectoryError,
  type DirectoryUser,
  type GrantOutcome,
  type Invitation,
  type InvitationInput,
  type RedemptionState,
} from './directory';
import { graphErrorOf, isTransientStatus, parseRetryAfterMs, toDirectoryError } from './graphErrorMapping';
import {
  type GraphBatchItemResponse,
  graphBatchResponseSchema,
  graphInvitationSchema,
  type GraphUser,
  graphUserListSchema,
  graphUserSchema,
  parseGraphResponse,
} from './graphResponses';

/** `userType` and `externalUserState` are not default properties: without `$select` they never come. */
const userSelect = ['id', 'displayName', 'mail', 'userPrincipalName', 'userType', 'externalUserState', 'preferredLanguage'];

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
const redemptionSelect = 'id,externalUserState,externalUserStateChangeDateTime';
const redemptionListSchema = z.object({
  value: z.array(z.object({ id: z.string(), externalUserState: z.string().nullish(), externalUserStateChangeDateTime: z.string().nullish() })),
});
/**
 * Resends of throttled batch items after the first attempt, each after the longest `Retry-After`
 * the items were given; an item asked to wait longer than `maxItemRetryMs` goes back to the job.
 */
const maxRetryRounds = 3;
const defaultItemRetryMs = 2_000;
const maxItemRetryMs = 30_000;
const retryableItemStatuses: ReadonlySet<number> = new Set([429, 503, 504]);

interface BatchRequestItem {
  id: string;
  method: 'POST';
  url: string;
  headers: { 'Content-Type': 'application/json' };
  body: Record<string, string>;
}

interface PendingGrant {
  index: number;
  grant: AccessGrant;
}

/** The Directory port over Microsoft Graph v1.0, or anything that speaks the same subset. */
export class GraphDirectory implements Directory {
  private readonly graphBaseUrl: string;

  /** @param options.graphBaseUrl the client's base URL, used to build `@odata.id` references. */
  constructor(
    private readonly client: Client,
    options: { graphBaseUrl: string },
  ) {
    if (options.graphBaseUrl.trim() === '') {
      throw new Error('GraphDirectory needs the Graph base URL (GRAPH_BASE_URL)');
    }
    this.graphBaseUrl = options.graphBaseUrl.replace(/\/+$/, '');
  }

  async getUser(id: string): Promise<DirectoryUser | undefined> {
    const operation = `Reading user ${id}`;
    try {
      const response: unknown = await this.client.api(`/users/${encodeURIComponent(id)}`).select(userSelect).get();
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

  async invite(input: InvitationInput): Promise<Invitation> {
    const operation = input.resetRedemptionOf ? `Resetting the redemption of ${input.email}` : `Inviting ${input.email}`;
    try {
      const response: unknown = await this.client.api('/invitations').middlewareOptions([invitationRetries]).post({
        invitedUserEmailAddress: input.email,
        inviteRedirectUrl: input.redirectUrl,
        sendInvitationMessage: input.sendInvitationMessage,
        invitedUserMessageInfo: { customizedMessageBody: input.messageBody },
        ...(input.resetRedemptionOf ? { resetRedemption: true, invitedUser: { id: input.resetRedemptionOf } } : {}),
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

  /**
   * Sends every grant in one `$batch` (20 a batch). Items Graph throttles are resent together
   * after the longest `Retry-After` they were given, for a few rounds; what still fails is
   * reported per grant, so the caller retries only that.
   */
  async grant(userId: string, grants: readonly AccessGrant[]): Promise<GrantOutcome[]> {
    const outcomes: GrantOutcome[] = [];
    let pending: PendingGrant[] = grants.map((grant, index) => ({ grant, index }));
    for (let round = 0; pending.length > 0; round += 1) {
      const answers = await this.sendBatches(userId, pending);
      const retry: PendingGrant[] = [];
      let waitMs = 0;
      for (const { item, answer } of answers) {
        const { grant, index } = item;
        if (answer instanceof DirectoryError) {
          outcomes[index] = { grant, result: 'failed', error: answer };
        } else if (answer.status >= 200 && answer.status < 300) {
          outcomes[index] = { grant, result: 'granted' };
        } else if (isAlreadyPresent(answer)) {
          outcomes[index] = { grant, result: 'alreadyPresent' };
        } else if (retryableItemStatuses.has(answer.status) && round < maxRetryRounds && itemRetryAfterMs(answer) <= maxItemRetryMs) {
          retry.push(item);
          waitMs = Math.max(waitMs, itemRetryAfterMs(answer));
        } else {
          // Out of rounds, or asked to wait longer than is worth holding the job for: the job is
          // retried later, no sooner than the Retry-After this carries.
          outcomes[index] = { grant, result: 'failed', error: itemError(userId, grant, answer) };
        }
      }
      if (retry.length > 0) {
        await delay(waitMs);
      }
      pending = retry;
    }
    return outcomes;
  }

  /**
   * One `$filter=id in (…)` for every 15 guests, sent 20 at a time in a `$batch`: 300 guests a
   * round trip. Items Graph throttles or fails are left out, to be asked for at the next check.
   */
  async redemptionStates(userIds: readonly string[]): Promise<Map<string, RedemptionState>> {
    const states = new Map<string, RedemptionState>();
    const groups: string[][] = [];
    for (let start = 0; start < userIds.length; start += maxFilterValues) groups.push(userIds.slice(start, start + maxFilterValues));
    for (let start = 0; start < groups.length; start += maxBatchSize) {
      const chunk = groups.slice(start, start + maxBatchSize);
      const operation = `Reading the redemption state of ${userIds.length} guests`;
      let response: unknown;
      try {
        response = await this.client.api('/$batch').post({
          requests: chunk.map((ids, index) => {
            const filter = `id in (${ids.map((id) => `'${id.replace(/'/g, "''")}'`).join(',')})`;
            return { id: String(index + 1), method: 'GET', url: `/users?$filter=${encodeURIComponent(filter)}&$select=${redemptionSelect}` };
          }),
        });
      } catch (error) {
        throw toDirectoryError(error, operation);
      }
      for (const answer of parseGraphResponse(graphBatchResponseSchema, response, operation).responses) {
        if (answer.status !== 200) continue;
        const users = redemptionListSchema.safeParse(answer.body);
        if (!users.success) continue;
        for (const user of users.data.value) {
          const state = user.externalUserState === 'Accepted' || user.externalUserState === 'PendingAcceptance' ? user.externalUserState : undefined;
          states.set(user.id, { ...(state ? { state } : {}), ...(user.externalUserStateChangeDateTime ? { changedAt: user.externalUserStateChangeDateTime } : {}) });
        }
      }
    }
    return states;
  }

  private async sendBatches(
    userId: string,
    pending: readonly PendingGrant[],
  ): Promise<Array<{ item: PendingGrant; answer: GraphBatchItemResponse | DirectoryError }>> {
    const answers: Array<{ item: PendingGrant; answer: GraphBatchItemResponse | DirectoryError }> = [];
    for (let start = 0; start < pending.length; start += maxBatchSize) {
      const chunk = pending.slice(start, start + maxBatchSize);
      const operation = `Granting access to ${userId}`;
      try {
        const response: unknown = await this.client
          .api('/$batch')
          .post({ requests: chunk.map((item) => this.batchItem(userId, item)) });
        const byId = new Map(
          parseGraphResponse(graphBatchResponseSchema, response, operation).responses.map((answer) => [answer.id, answer]),
        );
        for (const item of chunk) {
          const answer =
            byId.get(batchItemId(item)) ??
            new DirectoryError(`${operation} failed: the $batch response has no item ${batchItemId(item)}`, 0, 'MissingBatchItem', true);
          answers.push({ item, answer });
        }
      } catch (error) {
        const failure = toDirectoryError(error, operation);
        answers.push(...chunk.map((item) => ({ item, answer: failure })));
      }
    }
    return answers;
  }

  private batchItem(userId: string, { grant, index }: PendingGrant): BatchRequestItem {
    const item = { id: batchItemId({ index }), method: 'POST' as const, headers: { 'Content-Type': 'application/json' as const } };
    switch (grant.kind) {
      case 'group':
        return {
          ...item,
          url: `/groups/${encodeURIComponent(grant.groupId)}/members/$ref`,
          body: { '@odata.id': `${this.graphBaseUrl}/v1.0/directoryObjects/${encodeURIComponent(userId)}` },
        };
      case 'appRole':
        return {
          ...item,
          url: `/servicePrincipals/${encodeURIComponent(grant.servicePrincipalId)}/appRoleAssignedTo`,
          body: { principalId: userId, resourceId: grant.servicePrincipalId, appRoleId: grant.appRoleId },
        };
      case 'sponsor':
        return {
          ...item,
          url: `/users/${encodeURIComponent(userId)}/sponsors/$ref`,
          body: { '@odata.id': `${this.graphBaseUrl}/v1.0/users/${encodeURIComponent(grant.sponsorId)}` },
        };
    }
  }
}

/** Ids follow the grant's position, so a resent item keeps its id across rounds. */
function batchItemId({ index }: Pick<PendingGrant, 'index'>): string {
  return String(index + 1);
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
    ...(user.preferredLanguage ? { preferredLanguage: user.preferredLanguage } : {}),
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

/** How long Graph asked to wait before resending a throttled item. */
function itemRetryAfterMs(answer: GraphBatchItemResponse): number {
  return parseRetryAfterMs(headerOf(answer, 'retry-after')) ?? defaultItemRetryMs;
}

function headerOf(answer: GraphBatchItemResponse, name: string): string | undefined {
  return Object.entries(answer.headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}

function itemError(userId: string, grant: AccessGrant, answer: GraphBatchItemResponse): DirectoryError {
  const { code, message } = graphErrorOf(answer.body);
  // Right after an invitation the new guest may not have replicated yet: a 404 naming the guest is worth a retry.
  const replicationLag = answer.status === 404 && message.toLowerCase().includes(userId.toLowerCase());
  return new DirectoryError(
    `${describeGrant(grant)} for ${userId} failed: Microsoft Graph answered ${answer.status} ${code}: ${message}`,
    answer.status,
    code,
    isTransientStatus(answer.status) || replicationLag,
    parseRetryAfterMs(headerOf(answer, 'retry-after')),
  );
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
