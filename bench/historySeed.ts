/**
 * A database with history, for `--history` (bench/history.ts): 100,000 past requests spread over
 * every lifecycle state and 20,000 guests invited and waiting to accept, written through the
 * repository (create, transition) as the bot writes them, each change with its audit event and
 * jobs. Made once into a template file and copied for each run: seeding takes minutes, a copy
 * a second.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { acceptance } from '../src/access/redemptionWatcher';
import { loadConfig } from '../src/config';
import type { Actor, NewAccessRequest } from '../src/requests/accessRequest';
import { REQUEST_STATES, type RequestState } from '../src/requests/lifecycle';
import { openDatabase } from '../src/storage/database';
import { pruneFinishedJobs } from '../src/storage/missingWork';
import type { Schema } from '../src/storage/schema';
import { guestRowId, SqlRequestRepository } from '../src/storage/sqlRequestRepository';
import { requestDraft } from '../test/support/requestDraft';
import { BENCH_SPONSORS, benchSponsor } from './benchSponsors';

export const PAST_REQUESTS = 100_000;
export const WAITING_GUESTS = 20_000;
/** Bump when what is seeded changes, so an old template is not reused. */
const SEED_VERSION = 2;

const DAY_MS = 86_400_000;
const SYSTEM: Actor = { kind: 'system' };
/** States a request rests in for good: spread over the past year, older than JOB_RETENTION_DAYS' 30 days. */
const FINISHED: readonly RequestState[] = ['rejected', 'cancelled', 'expired', 'ended', 'withdrawn', 'left_out', 'failed'];

/** The steps from `pending_approval` to `state`, each a transition the bot makes. */
const PATHS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending_approval: [],
  pending_owner_approval: ['pending_owner_approval'],
  approved: ['approved'],
  rejected: ['rejected'],
  cancelled: ['cancelled'],
  expired: ['expired'],
  left_out: ['approved'],
  failed: ['approved', 'failed'],
  invited: ['approved', 'invited'],
  accepted: ['approved', 'invited', 'accepted'],
  ended: ['approved', 'invited', 'accepted', 'ended'],
  withdrawn: ['approved', 'invited', 'withdrawn'],
};

/**
 * The template's file: made by the first `--history` run of the day (its requests' due times are
 * counted from when it was seeded), reused by the others.
 */
export function templateFile(counts: { past: number; waiting: number }): string {
  const day = new Date().toISOString().slice(0, 10);
  return join(tmpdir(), `guest-access-bench-history-v${SEED_VERSION}-${counts.past}-${counts.waiting}-${day}.db`);
}

/** The template, seeded now unless today's exists; how long seeding took (0 when reused). */
export async function historyTemplate(
  log: (line: string) => void = console.log,
  counts = { past: PAST_REQUESTS, waiting: WAITING_GUESTS },
): Promise<{ file: string; seedSeconds: number }> {
  const file = templateFile(counts);
  if (existsSync(file)) return { file, seedSeconds: 0 };
  const started = Date.now();
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  await seed(partial, new Date(), counts, log);
  renameSync(partial, file);
  return { file, seedSeconds: Math.round((Date.now() - started) / 1000) };
}

/** A copy of the template at `to`, its watchers caught up to now (see catchUp). */
export async function historyCopy(template: string, to: string): Promise<void> {
  copyFileSync(template, to);
  const database = await openDatabase(to);
  try {
    await catchUp(new SqlRequestRepository(database.db, { followUp: loadConfig({}) }), new Date());
  } finally {
    await database.close();
  }
}

/**
 * A deployment's steady state: the watchers have been running all along, so every guest's next
 * check is somewhere in the next interval (the redemption watcher's ceiling, the sponsor check's
 * period), not all due at once. Done through the watchers' own claims.
 */
export async function catchUp(requests: SqlRequestRepository, now: Date): Promise<void> {
  const config = loadConfig({});
  const within = (ms: number) => new Date(now.getTime() + Math.random() * ms);
  await requests.claimRedemptionChecks(now, 1_000_000, () => within(config.redemption.maxCheckIntervalMs));
  for (;;) {
    const claimed = await requests.claimSponsorChecks(now, 500, within(config.sponsorCheck.intervalMs));
    if (claimed.length === 0) break;
  }
}

async function seed(file: string, end: Date, counts: { past: number; waiting: number }, log: (line: string) => void): Promise<void> {
  const database = await openDatabase(file);
  // A bench file, not the bot's: no fsync at each of the seeding's 300,000 commits.
  await sql`PRAGMA synchronous = OFF`.execute(database.db);
  let now = end;
  const config = loadConfig({});
  const requests = new SqlRequestRepository(database.db, { followUp: config, clock: () => now });
  try {
    const total = counts.past + counts.waiting;
    for (let n = 0; n < total; n++) {
      const past = n < counts.past;
      const state = past ? REQUEST_STATES[n % REQUEST_STATES.length] : 'invited';
      // Finished requests over the past year; the ones still under way (and every waiting guest) over the last two days.
      // (At most four steps a minute apart: all done by `end`.)
      const startsAgo = 5 * 60_000 + (FINISHED.includes(state) ? 31 * DAY_MS + Math.random() * 334 * DAY_MS : Math.random() * 2 * DAY_MS);
      now = new Date(end.getTime() - startsAgo);
      await fileOne(requests, n, state, () => (now = new Date(now.getTime() + 60_000)));
      if (n % 10_000 === 9_999) log(`  seeded ${n + 1} of ${total} requests`);
    }
    now = end;
    await workerRan(database.db, end);
    await pruneFinishedJobs(database.db, new Date(end.getTime() - config.jobs.retentionMs));
    await catchUp(requests, end);
    // One file, the WAL folded in, so that a copy of it is the whole database.
    await sql`PRAGMA journal_mode = DELETE`.execute(database.db);
  } finally {
    await database.close();
  }
}

/**
 * What the worker did meanwhile: every job due by `end` ran (those past JOB_RETENTION_DAYS are then
 * pruned, as the sweeper does); timers still ahead (withdrawals, end dates) stay queued. A request
 * still `approved` is one whose invitation Graph keeps refusing: its provisioning waits for its
 * next attempt, a day on (done, the sweeper would queue it again: it is due while approved).
 */
export async function workerRan(db: Kysely<Schema>, end: Date): Promise<void> {
  await db
    .updateTable('jobs')
    .set((eb) => ({ status: 'done', updated_at: eb.ref('run_at') }))
    .where('status', '=', 'queued')
    .where('run_at', '<=', end.toISOString())
    .execute();
  await db
    .updateTable('jobs')
    .set({ status: 'queued', run_at: new Date(end.getTime() + DAY_MS).toISOString(), attempts: 3 })
    .where('kind', '=', 'provisionGuest')
    .where('request_id', 'in', (eb) => eb.selectFrom('access_requests').select('access_requests.id').where('state', '=', 'approved'))
    .execute();
}

/**
 * Who filed the requests still awaiting a decision: enough people that none has more than
 * MAX_OPEN_REQUESTS (10) waiting, as the bot holds every requester to at filing. Seeded from the
 * hundred requesters instead, each had about 170 waiting, which no deployment can hold, and each of
 * the load's filings read all of Adele's to count them: a third more CPU per request, from the seed.
 */
const AWAITING_REQUESTERS = 2_000;
const AWAITING_DECISION: readonly RequestState[] = ['pending_approval', 'pending_owner_approval'];

/** Request `n`'s requester: one of a hundred (Adele, every bench requester's Entra id, among them), or, awaiting a decision, of AWAITING_REQUESTERS. */
function requesterOf(n: number, state: RequestState): NewAccessRequest['requester'] {
  // The states go round REQUEST_STATES, so request n is the (n ÷ their count)th of its state: ten each at most, Adele's too.
  const awaiting = AWAITING_DECISION.includes(state);
  const prefix = awaiting ? 'd' : 'c';
  const i = awaiting ? Math.floor(n / REQUEST_STATES.length) % AWAITING_REQUESTERS : n % 100;
  return i === 0 ? requestDraft().requester : { id: person(prefix, i), displayName: `Requester ${prefix}${i}`, address: `r${prefix}${i}@contoso.com` };
}

/** Request `n`, filed and taken to `state` through the repository, a minute between steps. */
async function fileOne(requests: SqlRequestRepository, n: number, state: RequestState, later: () => Date): Promise<void> {
  const draft: NewAccessRequest = requestDraft({
    // The bench's sponsors and Megan.
    requester: requesterOf(n, state),
    sponsor: n % (BENCH_SPONSORS + 1) === BENCH_SPONSORS ? requestDraft().sponsor : sponsorOf(n),
    guestEmail: `history-${n}@fabrikam.com`,
    // A left-out guest is one of a request for two, the other approved.
    moreGuests: state === 'left_out' ? [{ guestEmail: `history-${n}-2@fabrikam.com` }] : undefined,
  });
  const { id } = await requests.create(draft, SYSTEM);
  let from: RequestState = 'pending_approval';
  for (const to of PATHS[state]) {
    const at = later();
    const change = { id, from, to, actor: SYSTEM };
    if (to === 'pending_owner_approval') await requests.transition({ ...change, openStages: [{ stage: 1, resourceId: 'falcon-team' }] });
    else if (to === 'approved' && state === 'left_out') await requests.transition({ ...change, leaveOut: [guestRowId(id, 2)] });
    else if (to === 'invited')
      await requests.transition({ ...change, patch: { invitedUserId: randomUUID(), inviteRedeemUrl: `https://login.microsoftonline.com/redeem?n=${n}` } });
    else if (to === 'accepted') await requests.transition({ ...change, patch: acceptance({ state: 'Accepted' }, at) });
    else if (to === 'ended') await requests.transition({ ...change, patch: { endedAt: at.toISOString(), endReason: 'endDate', inviteRedeemUrl: undefined } });
    else if (to === 'withdrawn')
      await requests.transition({ ...change, patch: { withdrawnAt: at.toISOString(), inviteRedeemUrl: undefined, redemptionCheckAt: undefined } });
    else await requests.transition(change);
    from = to;
  }
}

function sponsorOf(n: number) {
  const sponsor = benchSponsor(n);
  return { id: sponsor.aadObjectId as string, displayName: sponsor.name, address: sponsor.mail };
}

function person(prefix: string, n: number): string {
  return `${prefix}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
