import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Request, Response, Server } from 'restify';
import { DirectoryState, type SimulatedAppRoleAssignment } from './directoryState';
import { FaultInjector, type SimulatorFault } from './faultInjector';
import { GraphRateLimits } from './graphRateLimits';
import { badRequest, GraphFailure, graphErrorBody } from './graphFailure';
import { type GraphResult, GraphRouter } from './graphRouter';
import type { SimulatedExternalCollaboration } from './externalCollaboration';
import { executeBatch, type RecordedBatchItem } from './jsonBatch';
import { mountRedeemPages } from './redeemPages';
import { silentLogger, type SimulatorLogger } from './simulatorLogger';
import type { SimulatedUser, SimulatorSeed } from './simulatorSeed';
import { readStateFile, writeStateFile } from './stateFile';
import { type PublishedTeamsApp, SIMULATED_TEAMS_APP_ID, TeamsAppCatalog } from './teamsAppCatalog';

export interface DirectorySimulatorOptions {
  /** Added before every Graph response, to make a demo feel like the real service. */
  latencyMs?: number;
  /** Where the directory's changes are kept across restarts; memory only when omitted. */
  stateFile?: string;
  logger?: SimulatorLogger;
  /** The bot's Teams app, published in the simulated organization's catalog; a stand-in id when omitted. */
  teamsApp?: PublishedTeamsApp;
  /** Throttle as Graph documents (`SIMULATOR_RATE_LIMITS`): see graphRateLimits. */
  rateLimits?: boolean;
}

/** An HTTP request the simulator received. */
export interface RecordedRequest {
  method: string;
  /** The path as received, without the query: `/simulator/graph/v1.0/invitations`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** When it arrived, in epoch milliseconds: tests check retries waited as asked. */
  receivedAt: number;
  /** The status it was answered with, and the `Retry-After` seconds given with it, if any. */
  status?: number;
  retryAfterSeconds?: number;
  /** On a `$batch` only: its items, as received and answered. */
  batchItems?: readonly RecordedBatchItem[];
}

/** Enough to see what a test did, without a long demo growing memory for ever. */
const maxRecordedRequests = 1000;

const graphContentType = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/**
 * A local Microsoft Graph v1.0 subset over real HTTP, seeded from a JSON directory, so the bot's
 * Graph adapter runs the very same code against it as against Microsoft Graph.
 */
export class DirectorySimulator {
  readonly tenantId: string;
  readonly defaultUserId: string;
  readonly verifiedDomains: readonly string[];
  private readonly state: DirectoryState;
  private readonly router: GraphRouter;
  private readonly teamsApps: TeamsAppCatalog;
  private readonly faults = new FaultInjector();
  private readonly rateLimits?: GraphRateLimits;
  private readonly recorded: RecordedRequest[] = [];
  /** Requests other than GET and HEAD since start; unlike `recorded`, never trimmed. */
  private writeRequests = 0;
  private readonly latencyMs: number;
  private readonly logger: SimulatorLogger;

  constructor(seed: SimulatorSeed, options: DirectorySimulatorOptions = {}) {
    const latencyMs = options.latencyMs ?? 0;
    if (!Number.isFinite(latencyMs) || latencyMs < 0) {
      throw new Error(`The directory simulator's latencyMs must be a number >= 0, got ${latencyMs}`);
    }
    this.latencyMs = latencyMs;
    if (options.rateLimits) this.rateLimits = new GraphRateLimits();
    this.logger = options.logger ?? silentLogger;
    const { stateFile } = options;
    const snapshot = stateFile === undefined ? undefined : readStateFile(stateFile);
    this.state = new DirectoryState(seed, snapshot, stateFile === undefined ? undefined : (changed) => writeStateFile(stateFile, changed));
    if (snapshot !== undefined) {
      this.logger.info({ stateFile, users: snapshot.users.length }, 'directory simulator state restored');
    }
    this.teamsApps = new TeamsAppCatalog(this.state, options.teamsApp ?? { externalId: SIMULATED_TEAMS_APP_ID });
    this.router = new GraphRouter(this.state, this.teamsApps);
    this.tenantId = seed.tenant.id;
    this.defaultUserId = seed.defaultUserId;
    this.verifiedDomains = seed.tenant.verifiedDomains;
  }

  /** Registers its routes on an existing restify server: Graph at `${prefix}/graph/v1.0/...`, redeem pages at `${prefix}/redeem/...`. */
  mount(server: Server, prefix = '/simulator'): void {
    if (prefix !== '' && !/^\/[\w\-./]*[^/]$/.test(prefix)) {
      throw new Error(`The directory simulator prefix must start with '/' and not end with one, got '${prefix}'`);
    }
    const handler = async (request: Request, response: Response): Promise<void> => this.serveGraph(request, response, prefix);
    const graphRoutes = `${prefix}/graph/*`;
    server.get(graphRoutes, handler);
    server.post(graphRoutes, handler);
    server.put(graphRoutes, handler);
    server.patch(graphRoutes, handler);
    server.del(graphRoutes, handler);
    mountRedeemPages(server, {
      root: `${prefix}/redeem`,
      state: this.state,
      logger: this.logger,
      onRequest: (request) => this.record(request),
    });
  }

  /** Every HTTP request received, oldest first; `$batch` items are under their batch's `batchItems`. */
  get requests(): ReadonlyArray<Readonly<RecordedRequest>> {
    return this.recorded;
  }

  /**
   * How many requests other than GET and HEAD (Graph writes, `$batch`, redeem-page posts) it has
   * received since it started. `requests` keeps only the last 1000, so a long test asks this to
   * know that nothing was written.
   */
  get writeRequestCount(): number {
    return this.writeRequests;
  }

  /** With rate limits on: Graph calls seen (`$batch` items one by one) and how many were answered 429. */
  get rateLimitCounts(): { calls: number; throttled: number } | undefined {
    return this.rateLimits && { ...this.rateLimits.counts };
  }

  /**
   * Makes the next `times` matching requests fail with `status` (and `Retry-After` on 429 and
   * 503), before they are carried out, or after with `afterProcessing`.
   */
  injectFault(fault: SimulatorFault): void {
    this.faults.add(fault);
  }

  /**
   * The guest `userId` accepts their invitation, as if through the redeem page: for tests that
   * are not about the page. Returns the `externalUserStateChangeDateTime` Graph now reports.
   */
  acceptInvitationAs(userId: string): string {
    return this.state.acceptAs(userId);
  }

  /**
   * The user's last successful sign-in, as `signInActivity` reports it: a test ages a guest by
   * setting it in the past, or, with undefined, makes them one who never signed in.
   */
  setLastSignIn(userId: string, at: Date | string | undefined): void {
    this.state.setLastSignIn(userId, at instanceof Date ? at.toISOString() : at);
  }

  /** Whether the tenant has Microsoft Entra ID P1: without it Graph answers `signInActivity` with a 403 (the seed's `tenant.entraIdP1`). */
  setEntraIdP1(licensed: boolean): void {
    this.state.entraIdP1 = licensed;
  }

  /** Whether Teams would let the bot open a chat with the user: its app is installed for them. */
  hasTeamsApp(userId: string): boolean {
    return this.teamsApps.isInstalledFor(userId);
  }

  /** Makes installs of the bot's app refused with 403, as an app permission policy that blocks it does. */
  blockTeamsApp(blocked = true): void {
    this.teamsApps.blockedByPolicy = blocked;
  }

  getUser(id: string): SimulatedUser | undefined {
    const user = this.state.findUser(id);
    return user === undefined ? undefined : { ...user };
  }

  /** Member ids of a group; throws when the seed has no such group. */
  groupMembers(groupId: string): string[] {
    return [...this.state.groupMembersOf(groupId)];
  }

  /** The tenant's own external-collaboration settings, for a test to change as an admin would. */
  get externalCollaboration(): SimulatedExternalCollaboration {
    return this.state.externalCollaboration;
  }

  /**
   * Someone of the tenant leaves, as an administrator records it: blocked from signing in, or
   * deleted. Graph's answers say so from then on (`accountEnabled` false; absent from `id in (…)`).
   */
  userLeaves(userId: string, how: 'disabled' | 'deleted'): void {
    this.state.leave(userId, how);
  }

  /** Sponsor ids of a user; throws when there is no such user. */
  sponsorsOf(userId: string): string[] {
    return [...this.state.sponsorsOf(userId)];
  }

  appRoleAssignmentsOf(userId: string): SimulatedAppRoleAssignment[] {
    return this.state.appRoleAssignmentsOf(userId).map((assignment) => ({ ...assignment }));
  }

  private async serveGraph(request: Request, response: Response, prefix: string): Promise<void> {
    const started = Date.now();
    const entry = this.record(request);
    const method = entry.method;
    const requestId = randomUUID();
    const clientRequestId = request.header('client-request-id') || randomUUID();
    const host = request.headers.host ?? '127.0.0.1';
    const context = { serviceRoot: `http://${host}${prefix}/graph`, redeemRoot: `http://${host}${prefix}/redeem` };
    const versioned = /^\/([^/]*)(\/.*)?$/.exec(entry.path.slice(`${prefix}/graph`.length));
    const graphPath = versioned?.[2] ?? '/';
    let result: GraphResult;
    try {
      const version = versioned?.[1];
      if (version !== 'v1.0' && version !== 'beta') {
        throw badRequest(`Invalid version: ${version ?? ''}`);
      }
      const fault = this.faults.take(method, graphPath, false) ?? this.rateLimits?.take(method, graphPath);
      if (fault !== undefined) {
        throw fault;
      }
      if (method === 'POST' && graphPath.toLowerCase() === '/$batch') {
        const batch = executeBatch(entry.body, context, this.router, this.faults, this.rateLimits);
        entry.batchItems = batch.items;
        result = batch.result;
      } else {
        const call = { ...context, method, path: graphPath, query: entry.query, body: entry.body, ...(version === 'beta' ? { version: 'beta' as const } : {}) };
        result = this.router.execute(call, requestId, clientRequestId);
      }
      const lostAnswer = this.faults.take(method, graphPath, false, true);
      if (lostAnswer !== undefined) {
        throw lostAnswer;
      }
    } catch (error) {
      const failure = error instanceof GraphFailure ? error : new GraphFailure(500, 'generalException', 'General exception while processing.');
      if (!(error instanceof GraphFailure)) {
        this.logger.error({ err: error, method, path: graphPath, requestId }, 'directory simulator failed to serve a request');
      }
      result = { status: failure.status, headers: { ...failure.headers }, body: graphErrorBody(failure, requestId, clientRequestId) };
    }
    entry.status = result.status;
    const retryAfter = Object.entries(result.headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    if (retryAfter !== undefined) entry.retryAfterSeconds = Number(retryAfter);
    if (this.latencyMs > 0) {
      await delay(this.latencyMs);
    }
    const headers = { 'request-id': requestId, 'client-request-id': clientRequestId, ...result.headers };
    if (result.body === undefined) {
      response.sendRaw(result.status, '', headers);
    } else {
      response.sendRaw(result.status, JSON.stringify(result.body), { ...headers, 'Content-Type': graphContentType });
    }
    this.logger.debug({ method, path: graphPath, status: result.status, requestId, durationMs: Date.now() - started }, 'directory simulator answered');
  }

  private record(request: Request): RecordedRequest {
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const entry: RecordedRequest = {
      method: (request.method ?? 'GET').toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: parsedBody(request.body),
      receivedAt: Date.now(),
    };
    this.recorded.push(entry);
    if (entry.method !== 'GET' && entry.method !== 'HEAD') this.writeRequests += 1;
    if (this.recorded.length > maxRecordedRequests) {
      this.recorded.shift();
    }
    return entry;
  }
}

/** Bodies arrive parsed by restify's bodyParser; one sent without a JSON content type arrives as text. */
function parsedBody(body: unknown): unknown {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) {
    return body;
  }
  const text = body.toString();
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
