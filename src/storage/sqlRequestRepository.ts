/**
 * The RequestRepository port over Kysely, for SQLite and PostgreSQL alike. Each write is one
 * transaction holding the row change, its audit event and the jobs that follow it.
 */
import { type Insertable, type Kysely, type Selectable, sql, type Transaction, type Updateable, type UpdateType } from 'kysely';
import type { AccessRequest, Actor, AuditEvent, EndReason, ExistingGuest, ExtensionAnswer, NewAccessRequest } from '../requests/accessRequest';
import type { JobLease, NewJob } from '../requests/jobs';
import type { ApprovalStage, StageApprover, StageCard } from '../requests/approvalStage';
import { planChange, settleStages } from '../requests/changePlan';
import { extensionWorkOf, followUpOf, type FollowUpSettings, jobsFor, requestWorkOf } from '../requests/followUp';
import type { RequestState, StageState } from '../requests/lifecycle';
import { newRequestId } from '../requests/requestId';
import type {
  AfterDecision,
  CardDecision,
  ChangePlan,
  Move,
  RequestPatch,
  RequestRepository,
  StageDecision,
  StateChange,
  WholeRequest,
} from '../requests/requestRepository';
import { recentFailures, requestCountsByState, toAuditEvent } from './auditQueries';
import { assertLeaseHeld, type Clock, insertJobs } from './jobQueue';
import { PreparedQuery } from './preparedQuery';
import type { AccessRequestsTable, ApprovalStagesTable, AuditEventsTable, Schema } from './schema';

type Row = Selectable<AccessRequestsTable>;

export interface RequestRepositoryOptions {
  /** How the follow-up work of a change is counted (timers, the redemption watcher): the settings. */
  followUp: FollowUpSettings;
  clock?: Clock;
  /** Called after a commit that queued jobs, so a worker in this process can start at once instead of at its next poll. */
  onJobsQueued?: () => void;
}

export class SqlRequestRepository implements RequestRepository {
  /** Every job starts by reading its request: prepared once (see PreparedQuery). */
  private readonly byId: PreparedQuery<Schema, [id: string], Row>;
  private readonly clock: Clock;
  private readonly onJobsQueued: () => void;
  private readonly followUp: FollowUpSettings;

  constructor(
    private readonly db: Kysely<Schema>,
    options: RequestRepositoryOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.onJobsQueued = options.onJobsQueued ?? (() => {});
    this.followUp = options.followUp;
    this.byId = new PreparedQuery(db, 1, (q, id: string) => q.selectFrom('access_requests').selectAll().where('id', '=', id));
  }

  async create(request: NewAccessRequest, actor: Actor): Promise<AccessRequest> {
    // A clash of random ids is rare; a fresh id is the whole remedy.
    for (let attempt = 0; ; attempt++) {
      const id = newRequestId();
      try {
        const created = await this.db.transaction().execute(async (trx) => {
          const now = this.clock();
          const at = now.toISOString();
          const guests = [{ guestEmail: request.guestEmail, existingGuest: request.existingGuest }, ...(request.moreGuests ?? [])];
          const common = {
            request_id: id,
            state: 'pending_approval',
            version: 1,
            tenant_id: request.tenantId,
            requester_id: request.requester.id,
            requester_name: request.requester.displayName,
            requester_address: request.requester.address,
            requester_locale: request.requesterLocale,
            requester_conversation_id: request.requesterConversationId,
            resource_ids: JSON.stringify(request.resourceIds),
            justification: request.justification,
            sponsor_id: request.sponsor.id,
            sponsor_name: request.sponsor.displayName,
            sponsor_address: request.sponsor.address,
            sponsor_locale: request.sponsorLocale,
            access_days: request.accessDays ?? null,
            ends_at: request.endsAt ?? null,
            approval_local_test: 0,
            created_at: at,
            updated_at: at,
          } satisfies Partial<Insertable<AccessRequestsTable>>;
          const rows: Array<Insertable<AccessRequestsTable>> = guests.map((guest, index) => ({
            ...common,
            id: guestRowId(id, index + 1),
            guest_number: index + 1,
            guest_email: guest.guestEmail,
            existing_guest: guest.existingGuest ? JSON.stringify(guest.existingGuest) : null,
          }));
          const inserted = await trx.insertInto('access_requests').values(rows).returningAll().execute();
          const byNumber = inserted.map(toAccessRequest).sort((a, b) => a.guestNumber - b.guestNumber);
          for (const row of byNumber) await insertAudit(trx, { requestId: row.id, at, actor, action: 'submitted', toState: 'pending_approval' });
          // A request just filed has no guest to watch: what follows it is jobs alone, once for the request.
          const work = requestWorkOf('new', 'pending_approval');
          await insertJobs(trx, distinctJobs(byNumber.flatMap((row) => jobsFor(work, { request: row, now }, this.followUp))), now);
          return byNumber[0];
        });
        this.onJobsQueued();
        return created;
      } catch (error) {
        if (attempt < 3 && (await this.exists(id))) continue;
        throw error;
      }
    }
  }

  async guestsOfRequest(requestId: string): Promise<AccessRequest[]> {
    const rows = await this.db.selectFrom('access_requests').selectAll().where('request_id', '=', requestId).orderBy('guest_number').execute();
    return rows.map(toAccessRequest);
  }

  async awaitingDecisionFiledBy(requesterId: string): Promise<AccessRequest[]> {
    // Ordered here, not in SQL: asked to order, SQLite walks everything the person ever filed in
    // date order (the requester-and-date index) instead of finding the few undecided ones (migration 009).
    const rows = await this.db
      .selectFrom('access_requests')
      .selectAll()
      .where('requester_id', '=', requesterId)
      .where('state', 'in', ['pending_approval', 'pending_owner_approval'])
      .execute();
    return rows.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0)).map(toAccessRequest);
  }

  async guestsOf(
    personId: string,
    states: readonly RequestState[],
    page: { offset: number; limit: number },
  ): Promise<{ requests: AccessRequest[]; total: number }> {
    if (states.length === 0) return { requests: [], total: 0 };
    // Two equalities joined by OR: each side is answered from its own person-and-state index
    // (access_requests_sponsor, access_requests_requester_state), so only the requests still in
    // `states` are read and sorted, never the ended ones. A request from before end dates has none:
    // last, on both databases (SQLite puts NULL first, PostgreSQL last).
    const theirs = this.db
      .selectFrom('access_requests')
      .where((eb) => eb.or([eb('sponsor_id', '=', personId), eb('requester_id', '=', personId)]))
      .where('state', 'in', [...states]);
    const rows = await theirs
      .selectAll()
      .orderBy(sql`ends_at is null`)
      .orderBy('ends_at')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    const { total } = await theirs.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
    return { requests: rows.map(toAccessRequest), total: Number(total) };
  }

  async awaitingCardFor(sponsorId: string): Promise<AccessRequest[]> {
    const rows = await this.db
      .selectFrom('access_requests')
      .selectAll()
      .where('sponsor_id', '=', sponsorId)
      .where('state', '=', 'pending_approval')
      .where('approval_activity_id', 'is', null)
      // The card is the request's, kept on its first guest's row: the others never have one.
      .whereRef('id', '=', 'request_id')
      .orderBy('created_at')
      .execute();
    return rows.map(toAccessRequest);
  }

  async get(id: string): Promise<AccessRequest | undefined> {
    const [row] = (await this.byId.execute(this.db, id)).rows;
    return row ? toAccessRequest(row) : undefined;
  }

  async wholeRequest(requestId: string): Promise<WholeRequest | undefined> {
    const guests = await guestsIn(this.db, requestId);
    const request = guests.find((guest) => guest.id === requestId);
    return request && { request, guests, stages: await this.stagesOf(request.id) };
  }

  async transition(change: StateChange): Promise<AccessRequest | undefined> {
    const changed = await this.db.transaction().execute(async (trx) => {
      const moved = await this.change(trx, change);
      if (!moved) return undefined;
      // Guests decided together: the request's first guest stands for them.
      return moved.guest ?? toAccessRequest(await trx.selectFrom('access_requests').selectAll().where('id', '=', moved.requestId).executeTakeFirstOrThrow());
    });
    if (changed) this.onJobsQueued();
    return changed;
  }

  async transitionEach(changes: readonly StateChange[], lease?: JobLease): Promise<AccessRequest[]> {
    if (changes.length === 0) return [];
    const changed = await this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const plans = changes.map((change) => {
        const plan = planChange(change, now, this.followUp);
        if (plan.together) throw new Error('A request waiting for a decision moves as a whole: use transition().');
        return plan;
      });
      await assertLeaseHeld(trx, lease, now.toISOString());
      const made: AccessRequest[] = [];
      const jobs: NewJob[] = [];
      for (const [index, change] of changes.entries()) {
        const one = await moveOne(trx, change, plans[index].moved, now);
        if (!one) continue;
        made.push(one.guest);
        jobs.push(...one.jobs);
      }
      await insertJobs(trx, distinctJobs(jobs), now);
      return made;
    });
    if (changed.length > 0) this.onJobsQueued();
    return changed;
  }

  /**
   * A change of state inside a transaction: planned (requests/changePlan: the lifecycle allows it,
   * what comes with it), under the job's lease, written with its audit events and its jobs. What it
   * moved (see Moved); undefined when nothing was still in `from`.
   */
  private async change(trx: Transaction<Schema>, change: StateChange): Promise<Moved | undefined> {
    const now = this.clock();
    const plan = planChange(change, now, this.followUp);
    await assertLeaseHeld(trx, change.lease, now.toISOString());
    return writePlan(trx, change, plan, now);
  }

  async update(id: string, patch: RequestPatch, actor: Actor, action: string, lease?: JobLease): Promise<AccessRequest> {
    return this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      const updated = await trx
        .updateTable('access_requests')
        .set({ ...toColumns(patch), updated_at: at, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw new Error(`Access request ${id} does not exist.`);
      await insertAudit(trx, { requestId: id, at, actor, action, detail: auditDetailOf(patch) });
      await shareTheCard(trx, updated, patch);
      return toAccessRequest(updated);
    });
  }

  async recordOnce(change: Parameters<RequestRepository['recordOnce']>[0]): Promise<boolean> {
    const column = ONCE_COLUMNS[change.once];
    if (!column) throw new Error(`recordOnce cannot test ${change.once}.`);
    const done = await this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const at = now.toISOString();
      const updated = await trx
        .updateTable('access_requests')
        .set({ ...toColumns(change.patch), updated_at: at, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', change.id)
        .where('state', '=', change.state)
        .where(column, 'is', null)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) return false;
      await insertAudit(trx, { requestId: change.id, at, actor: change.actor, action: change.action, detail: auditDetailOf(change.patch) });
      await insertJobs(trx, change.jobs, now);
      return true;
    });
    if (done && change.jobs.length > 0) this.onJobsQueued();
    return done;
  }

  async recordAsk(ask: Parameters<RequestRepository['recordAsk']>[0]): Promise<AccessRequest | undefined> {
    const asked = await this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const row = await trx
        .selectFrom('access_requests')
        .selectAll()
        .where('id', '=', ask.id)
        .where('state', 'in', [...ask.states])
        .executeTakeFirst();
      if (!row) return undefined;
      await insertAudit(trx, { requestId: ask.id, at: now.toISOString(), actor: ask.actor, action: ask.action, detail: ask.detail });
      await insertJobs(trx, ask.jobs, now);
      return toAccessRequest(row);
    });
    if (asked && ask.jobs.length > 0) this.onJobsQueued();
    return asked;
  }

  async changeIf(change: Parameters<RequestRepository['changeIf']>[0]): Promise<AccessRequest | undefined> {
    const changed = await this.db.transaction().execute(async (trx) => {
      const now = this.clock();
      const at = now.toISOString();
      // Only an answer to the offer to extend has work in the table; any other change brings the jobs it names.
      const work = change.answersOffer ? extensionWorkOf('open', change.answersOffer) : [];
      const followUp = followUpOf(work, { now, openedStages: change.openStages }, this.followUp);
      await assertLeaseHeld(trx, change.lease, at);
      let update = trx
        .updateTable('access_requests')
        .set({ ...toColumns({ ...change.patch, ...followUp.patch }), updated_at: at, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', change.id)
        .where('state', 'in', [...change.states]);
      for (const condition of change.onlyWhile ?? []) {
        if (condition.field === 'invitationEmailed') {
          // Unset counts as not emailed.
          update = condition.equals
            ? update.where('invitation_emailed', '=', 1)
            : update.where((eb) => eb.or([eb('invitation_emailed', 'is', null), eb('invitation_emailed', '=', 0)]));
          continue;
        }
        const column = ONLY_WHILE_COLUMNS[condition.field];
        update = condition.equals === null ? update.where(column, 'is', null) : update.where(column, '=', condition.equals);
      }
      const updated = await update.returningAll().executeTakeFirst();
      if (!updated) return undefined;
      await insertAudit(trx, { requestId: change.id, at, actor: change.actor, action: change.action, detail: change.detail ?? auditDetailOf(change.patch) });
      await shareTheCard(trx, updated, change.patch);
      if (change.openStages?.length) {
        await trx
          .insertInto('approval_stages')
          .values(
            change.openStages.map(({ stage, resourceId, extensionFor }) => ({
              request_id: change.id,
              stage,
              resource_id: resourceId,
              state: 'pending',
              opened_at: at,
              extension_for: extensionFor,
            })),
          )
          .execute();
      }
      const request = toAccessRequest(updated);
      await insertJobs(trx, [...(change.jobs ?? []), ...followUp.jobsFor(request)], now);
      return request;
    });
    if (changed && ((change.jobs?.length ?? 0) > 0 || change.answersOffer)) this.onJobsQueued();
    return changed;
  }

  async stagesOf(requestId: string): Promise<ApprovalStage[]> {
    const rows = await this.db.selectFrom('approval_stages').selectAll().where('request_id', '=', requestId).orderBy('stage').execute();
    return rows.map(toApprovalStage);
  }

  async updateStage(
    requestId: string,
    stage: number,
    patch: Parameters<RequestRepository['updateStage']>[2],
    actor: Actor,
    action: string,
    lease?: JobLease,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const at = this.clock().toISOString();
      await assertLeaseHeld(trx, lease, at);
      const columns: Updateable<ApprovalStagesTable> = {};
      if (patch.approvers) columns.approvers = JSON.stringify(patch.approvers);
      if (patch.cards) columns.cards = JSON.stringify(patch.cards);
      if (patch.remindedAt) columns.reminded_at = patch.remindedAt;
      await trx.updateTable('approval_stages').set(columns).where('request_id', '=', requestId).where('stage', '=', stage).execute();
      await insertAudit(trx, {
        requestId,
        at,
        actor,
        action,
        detail: { stage, ...(patch.approvers ? { approvers: patch.approvers.map((a) => a.id) } : {}), ...detail },
      });
    });
  }

  async decideOnCard(decision: CardDecision): Promise<AfterDecision | undefined> {
    const { requestId, stage } =
      'sponsor' in decision ? { requestId: decision.sponsor.id, stage: undefined } : 'stage' in decision ? decision.stage : decision.extensionStage;
    const made = await this.db
      .transaction()
      .execute(async (trx) => {
        // The sponsor's decision comes planned (approvals/cardDecision), and a click holds no job's lease.
        const decided = 'sponsor' in decision ? await writePlan(trx, decision.sponsor, decision.plan, this.clock()) : await this.decideStage(trx, decision);
        if (!decided) return undefined;
        // The card shows every guest as the decision leaves them, read in its transaction; ordered by guest, the first stands for the request.
        const [request, ...others] = await guestsIn(trx, requestId);
        return { request, guests: [request, ...others], stage: 'sponsor' in decision ? undefined : (decided as ApprovalStage) };
      })
      .catch((error: unknown) => {
        if (error instanceof StageAlreadyDecided) return undefined;
        throw error;
      });
    if (made) {
      this.onJobsQueued();
      return { decided: true, ...made };
    }
    // Someone decided first (a second click, another device, another approver of the stage): what stands now.
    const whole = await this.wholeRequest(requestId);
    return whole && { decided: false, request: whole.request, guests: whole.guests, stage: whole.stages.find((s) => s.stage === stage) };
  }

  /**
   * An owner's decision on a stage, of the request while it waits for its owners or of an
   * extension while it waits for them and the end it would move has not come: the stage changes,
   * and when this decision settles the request (or the extension), the request with it
   * (requests/changePlan.settleStages), with the work that follows. The stage as decided;
   * undefined when the request or its extension moved on; StageAlreadyDecided when someone decided
   * the stage first, which rolls the transaction back.
   */
  private async decideStage(trx: Transaction<Schema>, decision: Exclude<CardDecision, { sponsor: StateChange }>): Promise<ApprovalStage | undefined> {
    const now = this.clock();
    const at = now.toISOString();
    const stageDecision: StageDecision & { extensionFor?: string } = 'stage' in decision ? decision.stage : decision.extensionStage;
    const { extensionFor } = stageDecision;
    const waiting =
      extensionFor === undefined ? await awaitingOwners(trx, stageDecision, at) : await extensionAwaitingOwners(trx, stageDecision, extensionFor, at);
    if (!waiting) return undefined;
    const { decided, states } = await decideOneStage(trx, stageDecision, extensionFor ?? null, at);
    const settlement = settleStages(states, stageDecision.stage, extensionFor !== undefined, now, this.followUp);
    const guests = settlement.settled === 'waiting' ? waiting.map(toAccessRequest) : await settle(trx, waiting, stageDecision, settlement.settled, at);
    await insertJobs(trx, distinctJobs(guests.flatMap((guest) => settlement.jobsFor(guest))), now);
    return toApprovalStage(decided);
  }

  async summarySince(since: Date, failures: number) {
    return { counts: await requestCountsByState(this.db, since), failures: await recentFailures(this.db, failures) };
  }

  async activeForGuest(guest: { id?: string; email: string }, exceptId: string): Promise<AccessRequest[]> {
    const rows = await this.db
      .selectFrom('access_requests')
      .selectAll()
      .where((eb) => (guest.id ? eb.or([eb('invited_user_id', '=', guest.id), eb('guest_email', '=', guest.email)]) : eb('guest_email', '=', guest.email)))
      .where('id', '!=', exceptId)
      .where('state', 'in', ['approved', 'invited', 'accepted'])
      .execute();
    return rows.map(toAccessRequest);
  }

  async claimRedemptionChecks(now: Date, limit: number, nextCheckAt: (checksSoFar: number) => Date): Promise<AccessRequest[]> {
    const at = now.toISOString();
    const due = await this.db
      .selectFrom('access_requests')
      .select(['id', 'redemption_check_at', 'redemption_checks'])
      .where('state', '=', 'invited')
      .where('redemption_check_at', '<=', at)
      .orderBy('redemption_check_at')
      .limit(limit)
      .execute();
    const claimed: AccessRequest[] = [];
    for (const row of due) {
      const checks = row.redemption_checks ?? 0;
      const updated = await this.db
        .updateTable('access_requests')
        .set({ redemption_check_at: nextCheckAt(checks).toISOString(), redemption_checks: checks + 1 })
        .where('id', '=', row.id)
        .where('state', '=', 'invited')
        .where('redemption_check_at', '=', row.redemption_check_at)
        .returningAll()
        .executeTakeFirst();
      if (updated) claimed.push(toAccessRequest(updated));
    }
    return claimed;
  }

  async claimSponsorChecks(now: Date, limit: number, nextCheckAt: Date): Promise<AccessRequest[]> {
    const at = now.toISOString();
    // A request that stopped giving access by a path that did not clear its due time costs one update, once.
    await this.db
      .updateTable('access_requests')
      .set({ sponsor_check_at: null })
      .where('sponsor_check_at', '<=', at)
      .where('state', 'not in', ['invited', 'accepted'])
      .execute();
    // By due time alone (access_requests_sponsor_check): with the state too, SQLite read every
    // request that gives access by its state, every cycle. Those due in another state were just
    // cleared, and the claim below checks the state again.
    const due = await this.db.selectFrom('access_requests').select('id').where('sponsor_check_at', '<=', at).orderBy('sponsor_check_at').limit(limit).execute();
    if (due.length === 0) return [];
    // One conditional update claims them all: a row another instance claimed first is no longer due, and is not returned.
    const claimed = await this.db
      .updateTable('access_requests')
      .set({ sponsor_check_at: nextCheckAt.toISOString() })
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .where('sponsor_check_at', '<=', at)
      // `state || ''`, not `state`: given an index on the state, SQLite read every request that
      // gives access through it instead of these few by id (the same on PostgreSQL).
      .where(sql<string>`state || ''`, 'in', ['invited', 'accepted'])
      .returningAll()
      .execute();
    return claimed.map(toAccessRequest);
  }

  async claimActivityChecks(now: Date, limit: number, retryAt: Date): Promise<AccessRequest[]> {
    const due = await this.db
      .selectFrom('access_requests')
      .select(['id', 'activity_check_at'])
      .where('state', '=', 'accepted')
      .where('activity_check_at', '<=', now.toISOString())
      .orderBy('activity_check_at')
      .limit(limit)
      .execute();
    const claimed: AccessRequest[] = [];
    for (const row of due) {
      const updated = await this.db
        .updateTable('access_requests')
        .set({ activity_check_at: retryAt.toISOString() })
        .where('id', '=', row.id)
        .where('state', '=', 'accepted')
        .where('activity_check_at', '=', row.activity_check_at)
        .returningAll()
        .executeTakeFirst();
      if (updated) claimed.push(toAccessRequest(updated));
    }
    return claimed;
  }

  async recordSignInReading(id: string, reading: { lastSignInAt?: string; activityCheckAt: string }): Promise<void> {
    await this.db
      .updateTable('access_requests')
      .set({ last_sign_in_at: reading.lastSignInAt ?? null, activity_check_at: reading.activityCheckAt })
      .where('id', '=', id)
      .where('state', '=', 'accepted')
      .execute();
  }

  async watchActivityOfUnwatched(at: Date): Promise<number> {
    const result = await this.db
      .updateTable('access_requests')
      .set({ activity_check_at: at.toISOString() })
      .where('state', '=', 'accepted')
      .where('activity_check_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async auditTrail(id: string): Promise<AuditEvent[]> {
    const rows = await this.db.selectFrom('audit_events').selectAll().where('request_id', '=', id).orderBy('id').execute();
    return rows.map(toAuditEvent);
  }

  private async exists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('access_requests').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  // ── Requests, not guests' rows: a request for several guests is listed and counted once. ──
  // Every request has a first guest (guest_number 1), whatever became of it, with the people, the
  // dates and the card every guest of it shares: that row stands for the request.

  async requestsFiledBy(requesterId: string, limit: number): Promise<{ requests: AccessRequest[][]; total: number }> {
    const firsts = this.db.selectFrom('access_requests').where('requester_id', '=', requesterId).where('guest_number', '=', 1);
    const page = await firsts.select('request_id').orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    const { total } = await firsts.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
    if (page.length === 0) return { requests: [], total: Number(total) };
    const guests = new Map<string, AccessRequest[]>(page.map((row) => [row.request_id, []]));
    const rows = await this.db
      .selectFrom('access_requests')
      .selectAll()
      .where(
        'request_id',
        'in',
        page.map((row) => row.request_id),
      )
      .orderBy('guest_number')
      .execute();
    for (const row of rows) guests.get(row.request_id)?.push(toAccessRequest(row));
    return { requests: [...guests.values()], total: Number(total) };
  }

  async requestsAwaitingDecisionBy(sponsorId: string, limit: number): Promise<{ requests: AccessRequest[]; total: number }> {
    // Until the sponsor decides, every guest of a request waits with the first.
    const waiting = this.db
      .selectFrom('access_requests')
      .where('sponsor_id', '=', sponsorId)
      .where('state', '=', 'pending_approval')
      .where('guest_number', '=', 1);
    const rows = await waiting.selectAll().orderBy('created_at').orderBy('id').limit(limit).execute();
    const { total } = await waiting.select((eb) => eb.fn.countAll<string | number>().as('total')).executeTakeFirstOrThrow();
    return { requests: rows.map(toAccessRequest), total: Number(total) };
  }

  async stagesOfRequestsAwaitingDecisionBy(approverId: string, limit: number): Promise<Array<{ request: AccessRequest; stage: ApprovalStage }>> {
    // Approvers are a small JSON array on the stage; an Entra id is a GUID, so a LIKE on it is exact.
    if (!/^[0-9a-f-]+$/i.test(approverId)) return [];
    // A stage is the request's (its request_id is the request's id); the request waits while any
    // of its guests does, and its first guest may have been left out by the sponsor.
    const stages = await this.db
      .selectFrom('approval_stages')
      .selectAll()
      .where('state', '=', 'pending')
      .where('extension_for', 'is', null)
      .where('approvers', 'like', `%"id":"${approverId}"%`)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('access_requests')
            .select('access_requests.id')
            .whereRef('access_requests.request_id', '=', 'approval_stages.request_id')
            .where('access_requests.state', '=', 'pending_owner_approval'),
        ),
      )
      .orderBy('opened_at')
      .limit(limit)
      .execute();
    if (stages.length === 0) return [];
    const rows = await this.db
      .selectFrom('access_requests')
      .selectAll()
      .where(
        'id',
        'in',
        stages.map((row) => row.request_id),
      )
      .execute();
    const firsts = new Map(rows.map((row) => [row.id, toAccessRequest(row)]));
    return stages.flatMap((row) => {
      const request = firsts.get(row.request_id);
      return request ? [{ request, stage: toApprovalStage(row) }] : [];
    });
  }

  async guestCounts(requestIds: readonly string[]): Promise<Map<string, number>> {
    if (requestIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('access_requests')
      .select((eb) => ['request_id', eb.fn.countAll<string | number>().as('guests')])
      .where('request_id', 'in', [...requestIds])
      .groupBy('request_id')
      .execute();
    return new Map(rows.map((row) => [row.request_id, Number(row.guests)]));
  }
}

/** Rolls back a decision on a stage someone else decided first. */
class StageAlreadyDecided extends Error {}

/**
 * The guests waiting for the owners of a request, while its stage is decided; the guests the
 * decision leaves out leave now (see swapGuests). Undefined when none waits, or the decision would
 * leave out every one (that would be a rejection, asked for by its own button).
 */
async function awaitingOwners(trx: Transaction<Schema>, decision: StageDecision, at: string): Promise<Row[] | undefined> {
  // The request's first guest is touched whatever its state (it may have been left out), so
  // that decisions on other stages wait for this one; the request waits while any guest does.
  const touched = await touchRequest(trx, decision.requestId, at).returningAll().executeTakeFirst();
  if (!touched) return undefined;
  const stillWaiting = () =>
    trx
      .selectFrom('access_requests')
      .selectAll()
      .where('request_id', '=', touched.request_id)
      .where('state', '=', 'pending_owner_approval')
      .orderBy('guest_number')
      .execute();
  const waiting = await stillWaiting();
  if (waiting.length === 0) return undefined;
  // An owner approving leaves out guests as the sponsor may: they leave now, the others wait on.
  const leaveOut = new Set(decision.decision === 'approved' ? (decision.leaveOut ?? []).filter((id) => waiting.some((row) => row.id === id)) : []);
  if (leaveOut.size === waiting.length) return undefined;
  if (leaveOut.size === 0) return waiting;
  if (leaveOut.has(touched.request_id)) {
    const kept = waiting.find((row) => !leaveOut.has(row.id)) as Row;
    await swapGuests(trx, touched.request_id, kept.id);
    leaveOut.delete(touched.request_id);
    leaveOut.add(kept.id);
  }
  for (const id of leaveOut) {
    await trx
      .updateTable('access_requests')
      .set({ state: 'left_out', updated_at: at, version: (eb) => eb('version', '+', 1) })
      .where('id', '=', id)
      .execute();
    const audit = { action: 'left_out', fromState: 'pending_owner_approval' as const, toState: 'left_out' as const, detail: { stage: decision.stage } };
    await insertAudit(trx, { requestId: id, at, actor: decision.actor, ...audit });
  }
  return stillWaiting();
}

/** The guest whose extension waits for its owners, while the end it would move has not come. */
async function extensionAwaitingOwners(trx: Transaction<Schema>, decision: StageDecision, extensionFor: string, at: string): Promise<Row[] | undefined> {
  const touched = await touchRequest(trx, decision.requestId, at)
    .where('state', 'in', ['invited', 'accepted'])
    .where('extension_offered_for', '=', extensionFor)
    .where('extension_answer', '=', 'awaitingOwners')
    .where('ends_at', '=', extensionFor)
    // An approval after the end came would bring back access that has ended, or is ending.
    .where('ends_at', '>', at)
    .returningAll()
    .executeTakeFirst();
  return touched && [touched];
}

/**
 * What the last decision on a stage makes of the guests waiting for it, each written with its
 * audit event under the decider's name: the request's guests approved or rejected; or the
 * extension's guest extended to the end the sponsor asked for, or not.
 */
async function settle(
  trx: Transaction<Schema>,
  waiting: readonly Row[],
  decision: StageDecision & { extensionFor?: string },
  settled: 'approved' | 'rejected',
  at: string,
): Promise<AccessRequest[]> {
  const guests: AccessRequest[] = [];
  for (const row of waiting) {
    const { columns, audit } = settledColumns(row, decision, settled);
    const updated = await trx
      .updateTable('access_requests')
      .set({ ...columns, updated_at: at })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await insertAudit(trx, { requestId: row.id, at, actor: decision.actor, ...audit });
    guests.push(toAccessRequest(updated));
  }
  return guests;
}

/** The columns and the audit event of one guest settled by the last decision on a stage. */
function settledColumns(
  row: Row,
  decision: StageDecision & { extensionFor?: string },
  settled: 'approved' | 'rejected',
): { columns: Updateable<AccessRequestsTable>; audit: Omit<AuditEvent, 'requestId' | 'at' | 'actor'> } {
  const { extensionFor, stage } = decision;
  if (extensionFor === undefined)
    return { columns: { state: settled }, audit: { action: settled, fromState: 'pending_owner_approval', toState: settled, detail: { stage } } };
  if (settled === 'rejected')
    return { columns: { extension_answer: 'rejected' }, audit: { action: 'extensionRejected', detail: { endsAt: extensionFor, stage } } };
  const extendedTo = row.extension_ends_at;
  if (!extendedTo) throw new Error(`Access request ${row.id} waits for its owners to extend it, but records no end date to extend it to.`);
  return {
    columns: { ends_at: extendedTo, extension_answer: 'extended', extensions: (row.extensions ?? 0) + 1 },
    audit: { action: 'extended', detail: { from: extensionFor, to: extendedTo, byOwners: true, stage } },
  };
}

/**
 * A decision on a stage touches its request first, in the same transaction: decisions on the
 * request's other stages (or the extension's) then wait for this one, so the last of them sees
 * every other decision and settles the request. The caller adds the conditions it holds to.
 */
function touchRequest(trx: Transaction<Schema>, requestId: string, at: string) {
  return trx
    .updateTable('access_requests')
    .set({ version: (eb) => eb('version', '+', 1), updated_at: at })
    .where('id', '=', requestId);
}

/**
 * Records one approver's decision on a stage, of the access (`extensionFor` null) or of the
 * extension offered for that end date, audits it, and reads where that set of stages now stands.
 * Throws StageAlreadyDecided when someone decided the stage first, which rolls the caller back.
 */
async function decideOneStage(trx: Transaction<Schema>, decision: StageDecision, extensionFor: string | null, at: string) {
  const decided = await trx
    .updateTable('approval_stages')
    .set({
      state: decision.decision,
      decided_by_id: decision.actor.id,
      decided_by_name: decision.actor.displayName,
      decision_comment: decision.comment ?? null,
      decided_at: at,
    })
    .where('request_id', '=', decision.requestId)
    .where('stage', '=', decision.stage)
    .where((eb) => (extensionFor === null ? eb('extension_for', 'is', null) : eb('extension_for', '=', extensionFor)))
    .where('state', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
  if (!decided) throw new StageAlreadyDecided();
  await insertAudit(trx, {
    requestId: decision.requestId,
    at,
    actor: decision.actor,
    action: decision.decision === 'approved' ? 'stageApproved' : 'stageRejected',
    detail: { stage: decision.stage, resourceId: decided.resource_id, ...(extensionFor === null ? {} : { extensionFor }) },
  });
  const states = await trx
    .selectFrom('approval_stages')
    .select('state')
    .where('request_id', '=', decision.requestId)
    .where((eb) => (extensionFor === null ? eb('extension_for', 'is', null) : eb('extension_for', '=', extensionFor)))
    .execute();
  return { decided, states: states.map((r) => r.state as StageState) };
}

function toApprovalStage(row: Selectable<ApprovalStagesTable>): ApprovalStage {
  return {
    requestId: row.request_id,
    stage: row.stage,
    resourceId: row.resource_id,
    state: row.state as StageState,
    approvers: row.approvers ? (JSON.parse(row.approvers) as StageApprover[]) : undefined,
    cards: row.cards ? (JSON.parse(row.cards) as StageCard[]) : undefined,
    decidedBy: row.decided_by_id ? { id: row.decided_by_id, displayName: row.decided_by_name ?? '' } : undefined,
    decisionComment: row.decision_comment ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    remindedAt: row.reminded_at ?? undefined,
    openedAt: row.opened_at,
    extensionFor: row.extension_for ?? undefined,
  };
}

export function insertAudit(trx: Transaction<Schema>, event: AuditEvent) {
  const row: Insertable<AuditEventsTable> = {
    request_id: event.requestId,
    at: event.at,
    actor_kind: event.actor.kind,
    actor_id: event.actor.kind === 'user' ? event.actor.id : null,
    actor_name: event.actor.kind === 'user' ? event.actor.displayName : null,
    action: event.action,
    from_state: event.fromState ?? null,
    to_state: event.toState ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
  };
  return trx.insertInto('audit_events').values(row).execute();
}

/** What an audit reader needs from a patch; the redeem URL is a credential and stays out. */
export function auditDetailOf(patch: RequestPatch): Record<string, unknown> | undefined {
  const { inviteRedeemUrl, ...rest } = patch;
  const detail: Record<string, unknown> = { ...rest };
  if (inviteRedeemUrl) detail.inviteRedeemUrl = '(stored)';
  return Object.keys(detail).length > 0 ? detail : undefined;
}

const ONLY_WHILE_COLUMNS = {
  endsAt: 'ends_at',
  withdrawalDueAt: 'withdrawal_due_at',
  approverRemindedAt: 'approver_reminded_at',
  extensionOfferedFor: 'extension_offered_for',
  extensionAnswer: 'extension_answer',
  sponsorId: 'sponsor_id',
  sponsorLeftAt: 'sponsor_left_at',
  requesterLeftAt: 'requester_left_at',
  inactivityAskedAt: 'inactivity_asked_at',
  inactivityAnswer: 'inactivity_answer',
} as const;

/** The columns `recordOnce` may test for "not yet". */
const ONCE_COLUMNS: Partial<Record<keyof RequestPatch, 'nudged_at' | 'accepted_at' | 'invited_at'>> = {
  nudgedAt: 'nudged_at',
  acceptedAt: 'accepted_at',
  invitedAt: 'invited_at',
};

type RequestColumns = Updateable<AccessRequestsTable>;

/**
 * Mapped over this name rather than over `keyof RequestPatch` itself, the table below needs a row
 * for every field (the patch's own fields are optional), and each row's value type stays tied to
 * its field (see columnsOf).
 */
type PatchField = keyof RequestPatch;

/** How a field's value is written; a field set to undefined clears what it writes. */
type PatchColumns = { [F in PatchField]: (value: RequestPatch[F]) => RequestColumns };

/** A field kept as it is in one column, whose type it must fit. */
const column =
  <C extends keyof AccessRequestsTable>(name: C) =>
  (value: UpdateType<AccessRequestsTable[C]> | undefined): RequestColumns => ({ [name]: value ?? null });

/** A flag as its column keeps it: 1 or 0, or null when it was never said. */
const flag = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);

/**
 * Where each field of a patch is written: most as they are, in a column of their own; flags as 1
 * or 0, a list as JSON, and the offer and the card over several columns. A new field does not
 * build until it has its row here.
 */
const PATCH_COLUMNS: PatchColumns = {
  invitationStartedAt: column('invitation_started_at'),
  invitationEmailed: (emailed) => ({ invitation_emailed: flag(emailed) }),
  statusMessageId: column('status_message_id'),
  invitedAt: column('invited_at'),
  redemptionCheckAt: column('redemption_check_at'),
  nudgedAt: column('nudged_at'),
  withdrawalDueAt: column('withdrawal_due_at'),
  withdrawnAt: column('withdrawn_at'),
  acceptedAt: column('accepted_at'),
  activityCheckAt: column('activity_check_at'),
  lastSignInAt: column('last_sign_in_at'),
  inactivityQuestion: (question) => ({
    inactivity_asked_at: question?.askedAt ?? null,
    inactivity_card_id: question?.cardId ?? null,
    inactivity_answer: question?.answer ?? null,
  }),
  redemptionChecks: column('redemption_checks'),
  reinvitationJobId: column('reinvitation_job_id'),
  invitedUserId: column('invited_user_id'),
  createdGuestAccount: (created) => ({ created_guest_account: flag(created) }),
  inviteRedeemUrl: column('invite_redeem_url'),
  decisionComment: column('decision_comment'),
  decidedAt: column('decided_at'),
  failureReason: column('failure_reason'),
  endsAt: column('ends_at'),
  approverRemindedAt: column('approver_reminded_at'),
  extensionOffer: (offer) => ({
    extension_offered_for: offer?.for ?? null,
    extension_answer: offer?.answer ?? null,
    extension_card_id: offer?.cardId ?? null,
    extension_ends_at: offer?.endsAt ?? null,
  }),
  extensions: column('extensions'),
  endedAt: column('ended_at'),
  endReason: column('end_reason'),
  removedResourceIds: (ids) => ({ removed_resource_ids: ids ? JSON.stringify(ids) : null }),
  sponsor: (sponsor) => (sponsor ? { sponsor_id: sponsor.id, sponsor_name: sponsor.displayName, sponsor_address: sponsor.address } : {}),
  sponsorLocale: (locale) => (locale ? { sponsor_locale: locale } : {}),
  sponsorCheckAt: column('sponsor_check_at'),
  sponsorLeftAt: column('sponsor_left_at'),
  formerSponsor: (former) => ({ former_sponsor_id: former?.id ?? null, former_sponsor_name: former?.displayName ?? null }),
  sponsorshipOfferedToId: column('sponsorship_offered_to_id'),
  requesterLeftAt: column('requester_left_at'),
  approvalCard: (card) => ({
    approval_conversation_id: card?.conversationId ?? null,
    approval_activity_id: card?.activityId ?? null,
    approval_local_test: card?.localTest ? 1 : 0,
  }),
};

/**
 * The columns a patch sets: those of each field it names, in the table's order whatever the
 * patch's, so the same fields always make the same SQL and SQLite's statement cache prepares it once.
 */
export function toColumns(patch: RequestPatch): RequestColumns {
  const columns: RequestColumns = {};
  for (const field of Object.keys(PATCH_COLUMNS) as PatchField[]) {
    if (field in patch) Object.assign(columns, columnsOf(field, patch[field]));
  }
  return columns;
}

function columnsOf<F extends PatchField>(field: F, value: RequestPatch[F]): RequestColumns {
  const write: PatchColumns[F] = PATCH_COLUMNS[field];
  return write(value);
}

export function toAccessRequest(row: Row): AccessRequest {
  return {
    id: row.id,
    requestId: row.request_id,
    guestNumber: row.guest_number,
    state: row.state as RequestState,
    version: row.version,
    tenantId: row.tenant_id,
    requester: { id: row.requester_id, displayName: row.requester_name, address: row.requester_address },
    requesterLocale: row.requester_locale,
    requesterConversationId: row.requester_conversation_id,
    guestEmail: row.guest_email,
    resourceIds: JSON.parse(row.resource_ids) as string[],
    justification: row.justification,
    sponsor: { id: row.sponsor_id, displayName: row.sponsor_name, address: row.sponsor_address },
    sponsorLocale: row.sponsor_locale,
    invitationStartedAt: row.invitation_started_at ?? undefined,
    invitationEmailed: row.invitation_emailed === null ? undefined : row.invitation_emailed === 1,
    statusMessageId: row.status_message_id ?? undefined,
    invitedAt: row.invited_at ?? undefined,
    redemptionCheckAt: row.redemption_check_at ?? undefined,
    redemptionChecks: row.redemption_checks ?? undefined,
    nudgedAt: row.nudged_at ?? undefined,
    withdrawalDueAt: row.withdrawal_due_at ?? undefined,
    withdrawnAt: row.withdrawn_at ?? undefined,
    acceptedAt: row.accepted_at ?? undefined,
    activityCheckAt: row.activity_check_at ?? undefined,
    lastSignInAt: row.last_sign_in_at ?? undefined,
    inactivityQuestion: row.inactivity_asked_at
      ? { askedAt: row.inactivity_asked_at, cardId: row.inactivity_card_id ?? undefined, answer: (row.inactivity_answer ?? undefined) as 'kept' | undefined }
      : undefined,
    reinvitationJobId: row.reinvitation_job_id ?? undefined,
    existingGuest: row.existing_guest ? (JSON.parse(row.existing_guest) as ExistingGuest) : undefined,
    accessDays: row.access_days ?? undefined,
    endsAt: row.ends_at ?? undefined,
    approverRemindedAt: row.approver_reminded_at ?? undefined,
    extensionOffer: row.extension_offered_for
      ? {
          for: row.extension_offered_for,
          answer: (row.extension_answer ?? undefined) as ExtensionAnswer | undefined,
          cardId: row.extension_card_id ?? undefined,
          endsAt: row.extension_ends_at ?? undefined,
        }
      : undefined,
    extensions: row.extensions ?? undefined,
    endedAt: row.ended_at ?? undefined,
    endReason: (row.end_reason ?? undefined) as EndReason | undefined,
    removedResourceIds: row.removed_resource_ids ? (JSON.parse(row.removed_resource_ids) as string[]) : undefined,
    invitedUserId: row.invited_user_id ?? undefined,
    createdGuestAccount: row.created_guest_account === null ? undefined : row.created_guest_account === 1,
    inviteRedeemUrl: row.invite_redeem_url ?? undefined,
    approvalCard:
      row.approval_conversation_id && row.approval_activity_id
        ? {
            conversationId: row.approval_conversation_id,
            activityId: row.approval_activity_id,
            localTest: row.approval_local_test === 1,
          }
        : undefined,
    decisionComment: row.decision_comment ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    failureReason: row.failure_reason ?? undefined,
    sponsorCheckAt: row.sponsor_check_at ?? undefined,
    sponsorLeftAt: row.sponsor_left_at ?? undefined,
    formerSponsor: row.former_sponsor_id ? { id: row.former_sponsor_id, displayName: row.former_sponsor_name ?? '' } : undefined,
    sponsorshipOfferedToId: row.sponsorship_offered_to_id ?? undefined,
    requesterLeftAt: row.requester_left_at ?? undefined,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Where the request's approval card is (the sponsor's chat) is every guest's to know: each one's
 * own messages to the sponsor (their offer to extend, the question about a guest who has not signed
 * in, the notices, a reset's link) go to that chat. So the card's place is written on every row of
 * the request, in the transaction that records it.
 */
async function shareTheCard(trx: Transaction<Schema>, row: Row, patch: RequestPatch): Promise<void> {
  if (!('approvalCard' in patch)) return;
  await trx
    .updateTable('access_requests')
    .set(toColumns({ approvalCard: patch.approvalCard }))
    .where('request_id', '=', row.request_id)
    .where('id', '!=', row.id)
    .execute();
}

/**
 * What a change of state moved, its jobs to queue: the guest, or, for guests decided together, the
 * request (its id), whose first guest stands for them.
 */
type Moved = MovedGuest | { guest?: undefined; requestId: string; jobs: NewJob[] };
type MovedGuest = { guest: AccessRequest; requestId: string; jobs: NewJob[] };

/** One guest's change: the row if still in `from` (and as `onlyWhile` says), its audit event, the stages it opens. */
async function moveOne(trx: Transaction<Schema>, change: StateChange, move: Move, now: Date): Promise<MovedGuest | undefined> {
  const at = now.toISOString();
  let update = trx
    .updateTable('access_requests')
    .set({ ...toColumns(move.patch), state: move.to, updated_at: at, version: (eb) => eb('version', '+', 1) })
    .where('id', '=', change.id)
    .where('state', '=', change.from);
  for (const condition of change.onlyWhile ?? []) {
    const column = ONLY_WHILE_COLUMNS[condition.field];
    update = condition.equals === null ? update.where(column, 'is', null) : update.where(column, '=', condition.equals);
  }
  const updated = await update.returningAll().executeTakeFirst();
  if (!updated) return undefined;
  await insertAudit(trx, { requestId: change.id, at, ...move.audit });
  if (change.openStages?.length) await openStages(trx, updated.id, change.openStages, at);
  const guest = toAccessRequest(updated);
  return { guest, requestId: guest.requestId, jobs: move.jobsFor(guest) };
}

/** A planned change written: what it moved (see Moved), with the jobs that follow queued; undefined when nothing was still in `from`. */
async function writePlan(trx: Transaction<Schema>, change: StateChange, plan: ChangePlan, now: Date): Promise<Moved | undefined> {
  const moved = plan.together ? await moveTogether(trx, change, plan, now) : await moveOne(trx, change, plan.moved, now);
  if (moved) await insertJobs(trx, distinctJobs(moved.jobs), now);
  return moved;
}

/**
 * A change of a request still waiting for a decision moves every guest of it still in `from`
 * (those the plan leaves out to `left_out`), each with its audit event, and the work of them all,
 * the request's own once. Undefined when no guest of it was in `from` any more.
 */
async function moveTogether(trx: Transaction<Schema>, change: StateChange, plan: ChangePlan, now: Date): Promise<Moved | undefined> {
  const at = now.toISOString();
  const leaveOut = new Set(change.leaveOut ?? []);
  const lead = await trx.selectFrom('access_requests').select('request_id').where('id', '=', change.id).executeTakeFirst();
  if (!lead) return undefined;
  // The guests still waiting, read and locked in one statement (an update that changes nothing):
  // on PostgreSQL a decision that comes second waits here for the first to commit, then finds none
  // still waiting, before it has changed anything (a guest swapped below, a stage opened).
  const locked = await trx
    .updateTable('access_requests')
    .set((eb) => ({ version: eb.ref('version') }))
    .where('request_id', '=', lead.request_id)
    .where('state', '=', change.from)
    .returning(['id', 'guest_number'])
    .execute();
  const waiting = locked.sort((a, b) => a.guest_number - b.guest_number);
  // Leaving out every guest still waiting would be a rejection: the caller asks for that by name.
  if (waiting.length === 0 || waiting.every((row) => leaveOut.has(row.id))) return undefined;
  if (leaveOut.has(lead.request_id)) {
    const kept = waiting.find((row) => !leaveOut.has(row.id)) as { id: string };
    await swapGuests(trx, lead.request_id, kept.id);
    leaveOut.delete(lead.request_id);
    leaveOut.add(kept.id);
  }
  const jobs: NewJob[] = [];
  for (const { id } of waiting) {
    const move = leaveOut.has(id) && plan.leftOut ? plan.leftOut : plan.moved;
    const updated = await trx
      .updateTable('access_requests')
      .set({ ...toColumns(move.patch), state: move.to, updated_at: at, version: (eb) => eb('version', '+', 1) })
      .where('id', '=', id)
      .where('state', '=', change.from)
      .returningAll()
      .executeTakeFirst();
    if (!updated) continue;
    await insertAudit(trx, { requestId: id, at, ...move.audit });
    jobs.push(...move.jobsFor(toAccessRequest(updated)));
  }
  if (change.openStages?.length) await openStages(trx, lead.request_id, change.openStages, at);
  return { requestId: lead.request_id, jobs };
}

/** The owner stages a change opens, pending from `at`. */
async function openStages(trx: Transaction<Schema>, requestId: string, stages: NonNullable<StateChange['openStages']>, at: string): Promise<void> {
  await trx
    .insertInto('approval_stages')
    .values(stages.map(({ stage, resourceId }) => ({ request_id: requestId, stage, resource_id: resourceId, state: 'pending', opened_at: at })))
    .execute();
}

/** Every guest of a request (by the request's id), in order: its first stands for it. */
async function guestsIn(db: Kysely<Schema> | Transaction<Schema>, requestId: string): Promise<AccessRequest[]> {
  const rows = await db
    .selectFrom('access_requests')
    .selectAll()
    .where('request_id', '=', (eb) => eb.selectFrom('access_requests as lead').select('lead.request_id').where('lead.id', '=', requestId))
    .orderBy('guest_number')
    .execute();
  return rows.map(toAccessRequest);
}

/**
 * The request's first row stands for the request (its card, its owner stages, its timers and the
 * requester's message are kept on it), so it must hold a guest who goes on: when the first guest is
 * left out, their guest and the first kept one trade rows (the first row stays first). Nothing of a
 * guest is on a row before the approval but who they are, so the trade loses nothing.
 */
async function swapGuests(trx: Transaction<Schema>, a: string, b: string): Promise<void> {
  const columns = ['guest_email', 'existing_guest'] as const;
  const first = await trx.selectFrom('access_requests').select(columns).where('id', '=', a).executeTakeFirstOrThrow();
  const second = await trx.selectFrom('access_requests').select(columns).where('id', '=', b).executeTakeFirstOrThrow();
  await trx.updateTable('access_requests').set(second).where('id', '=', a).execute();
  await trx.updateTable('access_requests').set(first).where('id', '=', b).execute();
}

/** The row of a request's `number`-th guest: the request's own id for the first. */
export function guestRowId(requestId: string, number: number): string {
  return number === 1 ? requestId : `${requestId}-${number}`;
}

/**
 * The jobs of a change that moved several guests, each job once: the request's own work is the
 * same for each, due at the soonest any guest's change calls for it (one guest approved holds the
 * card's redraw back, another left out wants it now: see followUp's CARD_SETTLE_MS).
 */
function distinctJobs(jobs: readonly NewJob[]): NewJob[] {
  const soonest = new Map<string, NewJob>();
  for (const job of jobs) {
    const { runAt, ...rest } = job;
    const key = JSON.stringify(rest);
    const kept = soonest.get(key);
    if (!kept || (kept.runAt && (!runAt || runAt < kept.runAt))) soonest.set(key, job);
  }
  return [...soonest.values()];
}
