/**
 * The job worker's promises: a transient failure is retried no sooner than the service asked,
 * a permanent one gives up at once and leaves the request honest, nothing stops the loop, and a
 * job's outcome counts only while its worker still holds the lease.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import sinon from 'sinon';
import pino from 'pino';
import { DirectoryError } from '../../src/directory/directory';
import { type Job, JOB_KINDS } from '../../src/requests/jobs';
import { PermanentJobError, retryDelayMs } from '../../src/jobs/retryPolicy';
import { DeliveryError } from '../../src/messaging/messenger';
import { type JobHandler, type JobHandlers, JobWorker, leaseRenewalIntervalMs } from '../../src/jobs/worker';
import { loadConfig } from '../../src/config';
import type { OpenDatabase } from '../../src/storage/database';
import { JobQueue } from '../../src/storage/jobQueue';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { requestDraft } from '../support/requestDraft';
import { eventually } from '../support/eventually';
import { jobRows } from '../support/jobRows';
import { workerIdle } from '../support/settle';
import { memoryDatabase } from '../support/sqliteMemory';

const policy = { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

describe('retry policy', () => {
  it('waits at least what the service asked, else doubles from the base delay', () => {
    const throttled = new DirectoryError('slow down', { status: 429, code: 'TooManyRequests', transient: true, retryAfterMs: 30_000 });
    assert.equal(retryDelayMs(throttled, 1, policy), 30_000);
    const outage = new DirectoryError('down', { status: 503, code: 'serviceNotAvailable', transient: true });
    assert.deepEqual(
      [1, 2].map((attempt) => retryDelayMs(outage, attempt, policy)),
      [1_000, 2_000],
    );
  });

  it('waits what Teams asked when it throttles a message, and spreads throttled jobs out by the jitter', () => {
    const throttled = new DeliveryError('slow down', { transient: true, status: 429, retryAfterMs: 30_000 });
    assert.equal(retryDelayMs(throttled, 1, policy), 30_000);
    const jittered = { ...policy, jitterRatio: 0.2 };
    assert.deepEqual(
      [0, 0.5, 0.999].map((draw) => retryDelayMs(throttled, 1, jittered, () => draw)),
      [30_000, 33_000, 35_994],
    );
  });

  it('gives up on a permanent error, and after the last attempt', () => {
    assert.equal(retryDelayMs(new PermanentJobError('no', 'rejectedByDirectory'), 1, policy), undefined);
    assert.equal(retryDelayMs(new DirectoryError('bad request', { status: 400, code: 'BadRequest', transient: false }), 1, policy), undefined);
    assert.equal(retryDelayMs(new Error('network'), 3, policy), undefined);
    assert.equal(retryDelayMs(new Error('network'), 2, policy), 2_000);
  });
});

describe('job worker', () => {
  let database: OpenDatabase;
  let queue: JobQueue;
  let requests: SqlRequestRepository;
  let requestId: string;

  beforeEach(async () => {
    database = await memoryDatabase();
    queue = new JobQueue(database.db);
    requests = requestRepository(database.db);
    ({ id: requestId } = await requests.create(requestDraft(), { kind: 'system' }));
    // Only the job under test: the filing's own work is not what these tests are about.
    await database.db.deleteFrom('jobs').execute();
    await queue.enqueue([{ kind: 'provisionGuest', requestId }]);
  });
  afterEach(async () => database.close());

  function handlersWith(handler: JobHandler): JobHandlers {
    const idle: JobHandler = { run: async () => undefined };
    return { ...(Object.fromEntries(JOB_KINDS.map((kind) => [kind, idle])) as JobHandlers), provisionGuest: handler };
  }

  function workerWith(handler: JobHandler): JobWorker {
    return new JobWorker(queue, handlersWith(handler), pino({ level: 'silent' }), { retryPolicy: policy });
  }

  it('marks a job done when its handler succeeds', async () => {
    const ran: Job[] = [];
    assert.equal(await workerWith({ run: async (job) => void ran.push(job) }).drain(), 1);
    assert.deepEqual(
      ran.map((j) => [j.kind, j.requestId, j.attempts]),
      [['provisionGuest', requestId, 1]],
    );
    assert.equal((await jobRows(database.db, requestId))[0].status, 'done');
  });

  it('reschedules a throttled job after its Retry-After, keeping the error for operators', async () => {
    const before = Date.now();
    await workerWith({
      run: async () => Promise.reject(new DirectoryError('Graph said 429', { status: 429, code: 'TooManyRequests', transient: true, retryAfterMs: 20_000 })),
    }).drain();
    const [row] = await jobRows(database.db, requestId);
    assert.equal(row.status, 'queued');
    assert.equal(row.last_error, 'Graph said 429');
    assert.ok(new Date(row.run_at).getTime() >= before + 20_000, row.run_at);
    assert.equal(row.locked_by, null);
  });

  it('gives up at once on a permanent failure and lets the handler record it, once', async () => {
    const givenUp: unknown[] = [];
    const worker = workerWith({
      run: async () => Promise.reject(new PermanentJobError('Entra refused', 'rejectedByDirectory')),
      giveUp: async (_job, error) => void givenUp.push(error),
    });
    await worker.drain();
    await worker.drain();
    assert.equal(givenUp.length, 1);
    assert.equal((givenUp[0] as PermanentJobError).reason, 'rejectedByDirectory');
    assert.equal((await jobRows(database.db, requestId))[0].status, 'dead');
  });

  it('tries the job again later when recording its failure fails, so the request is not left as it was', async () => {
    const worker = workerWith({
      run: async () => Promise.reject(new PermanentJobError('no', 'grantsFailed')),
      giveUp: async () => Promise.reject(new Error('database hiccup')),
    });
    assert.equal(await worker.drain(), 1);
    const [row] = await jobRows(database.db, requestId);
    assert.equal(row.status, 'queued');
    assert.ok(new Date(row.run_at).getTime() > Date.now() + 30_000, row.run_at);
  });

  it('gives up before marking the job dead, so a crash in between gives up again rather than never', async () => {
    const statusDuringGiveUp: string[] = [];
    await workerWith({
      run: async () => Promise.reject(new PermanentJobError('no', 'grantsFailed')),
      giveUp: async () => void statusDuringGiveUp.push((await jobRows(database.db, requestId))[0].status),
    }).drain();
    assert.deepEqual(statusDuringGiveUp, ['queued']);
    assert.equal((await jobRows(database.db, requestId))[0].status, 'dead');
  });

  it('renews the lease while a job runs, so no other worker takes it', async () => {
    const worker = new JobWorker(queue, handlersWith({ run: async () => new Promise((resolve) => setTimeout(resolve, 400)) }), pino({ level: 'silent' }), {
      leaseMs: 120,
    });
    const running = worker.drain();
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await queue.claim('another-worker', 60_000), undefined, 'the lease was renewed');
    assert.equal(await running, 1);
    assert.equal((await jobRows(database.db, requestId))[0].status, 'done');
  });

  it('holds a job 15 s unrenewed by default, renewed every 5 s, so a dead holder is replaced within about 20 s', () => {
    const { leaseMs } = loadConfig({}).jobs;
    assert.deepEqual([leaseMs, leaseRenewalIntervalMs(leaseMs)], [15_000, 5_000]);
  });

  it('lets a worker that lost its lease change nothing: not the request, not the job', async () => {
    let handedOver = false;
    const stalled = workerWith({
      run: async (job) => {
        // Another instance takes the job over while this worker is stalled past its lease...
        await database.db
          .updateTable('jobs')
          .set({ locked_until: new Date(Date.now() - 1).toISOString() })
          .execute();
        const takeover = await queue.claim('other-instance', 60_000);
        handedOver = takeover?.id === job.id;
        // ...then the stalled worker wakes up and tries to record what it did, and fails for good.
        await requests.update(job.requestId, { invitedUserId: 'stale' }, { kind: 'system' }, 'invitationCreated', job.lease);
      },
      giveUp: async () => assert.fail('a worker without the lease must not give up'),
    });
    assert.equal(await stalled.drain(), 1);
    assert.ok(handedOver);
    assert.equal((await requests.get(requestId))?.invitedUserId, undefined);
    const [row] = await jobRows(database.db, requestId);
    assert.deepEqual([row.status, row.locked_by, row.attempts], ['queued', 'other-instance', 2]);
    assert.equal(row.last_error, null, 'the stalled worker recorded no outcome');
  });

  it('runs several jobs at once, each under its own lease, and releases those still running when stopped', async () => {
    for (let i = 0; i < 3; i++) await queue.enqueue([{ kind: 'provisionGuest', requestId }]);
    let running = 0;
    let most = 0;
    const started: Job[] = [];
    let answerGraph = () => {};
    const graphAnswered = new Promise<void>((resolve) => (answerGraph = resolve));
    const worker = new JobWorker(
      queue,
      handlersWith({
        run: async (job) => {
          started.push(job);
          most = Math.max(most, ++running);
          // The first finishes; the others wait on "Graph" until the worker is stopped.
          if (started.length > 1) await graphAnswered;
          running -= 1;
        },
      }),
      pino({ level: 'silent' }),
      { concurrency: 3, pollIntervalMs: 60_000 },
    );
    worker.start();
    worker.wake();
    // Every loop in a job that waits on "Graph": none is free to start another, so the count is final.
    await eventually(() => started.length >= 4 && worker.activity.jobsInHand === 3, 'four jobs started, three of them in hand', 5_000);
    assert.equal(started.length, 4, 'all four queued jobs were started');
    assert.equal(most, 3, 'three at once, never more');
    assert.equal(new Set(started.map((job) => job.id)).size, 4, 'no job was run twice');
    assert.equal(await worker.stop(50), false, 'three were still running');
    const rows = await jobRows(database.db, requestId);
    assert.deepEqual(rows.map((row) => row.status).sort(), ['done', 'queued', 'queued', 'queued']);
    assert.ok(
      rows.filter((row) => row.status === 'queued').every((row) => row.locked_until === null),
      'released for another worker at once',
    );
    answerGraph();
    await eventually(() => worker.activity.jobsInHand === 0, 'the released jobs to end');
  });

  it('does not ask the queue again after a job once it has seen the queue empty, until woken', async () => {
    const claims = sinon.spy(queue, 'claim');
    let finish = () => {};
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let started = false;
    const worker = new JobWorker(queue, handlersWith({ run: async () => ((started = true), finished) }), pino({ level: 'silent' }), {
      concurrency: 4,
      pollIntervalMs: 60_000,
    });
    worker.start();
    // One loop took the job; the others found nothing and sleep until their poll.
    await eventually(() => started && isDeepStrictEqual(worker.activity, { jobsInHand: 1, loopsAsleep: 3, loops: 4 }), 'one loop in the job, three asleep');
    const claimed = claims.callCount;
    assert.ok(claimed >= 2);
    finish();
    // Every loop asleep: a loop that asked the queue again after the job has done so by now.
    await eventually(() => workerIdle(worker), 'every loop asleep');
    assert.equal(claims.callCount, claimed, 'the loop that finished waits for a wake-up or its poll');
    assert.equal((await jobRows(database.db, requestId))[0].status, 'done');
    // A job queued here wakes the worker as before.
    await queue.enqueue([{ kind: 'provisionGuest', requestId }]);
    worker.wake();
    for (let i = 0; i < 50 && (await jobRows(database.db, requestId)).some((row) => row.status !== 'done'); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok((await jobRows(database.db, requestId)).every((row) => row.status === 'done'));
    await worker.stop();
  });

  it('starts at once when woken, without waiting for its poll', async () => {
    let ran = false;
    const worker = new JobWorker(queue, handlersWith({ run: async () => void (ran = true) }), pino({ level: 'silent' }), { pollIntervalMs: 60_000 });
    await database.db
      .updateTable('jobs')
      .set({ run_at: new Date(Date.now() + 1).toISOString() })
      .execute();
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    worker.wake();
    for (let i = 0; i < 50 && !ran; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await worker.stop();
    assert.equal(ran, true);
  });
});

describe('a job that stands for its queued twins (a card redrawn as the request stands)', () => {
  let database: OpenDatabase;
  let queue: JobQueue;
  let requestId: string;
  let otherId: string;

  beforeEach(async () => {
    database = await memoryDatabase();
    queue = new JobQueue(database.db);
    const requests = requestRepository(database.db);
    ({ id: requestId } = await requests.create(requestDraft(), { kind: 'system' }));
    ({ id: otherId } = await requests.create(requestDraft(), { kind: 'system' }));
    await database.db.deleteFrom('jobs').execute();
  });
  afterEach(async () => database.close());

  it('settles the twins nobody holds, due or not, and leaves a held twin, other kinds and other requests alone', async () => {
    const later = new Date(Date.now() + 60_000);
    await queue.enqueue([
      { kind: 'updateApprovalCard', requestId },
      { kind: 'updateApprovalCard', requestId, runAt: later },
      { kind: 'updateApprovalCard', requestId: otherId },
      { kind: 'provisionGuest', requestId },
    ]);
    const held = await queue.claim('another worker', 60_000);
    assert.equal(held?.kind, 'updateApprovalCard');
    // The job that runs now (claimed in the worker; here only its row matters).
    await queue.enqueue([{ kind: 'updateApprovalCard', requestId }]);
    const mine = await database.db.selectFrom('jobs').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();

    assert.equal(await queue.settleTwinsOf({ id: mine.id, kind: 'updateApprovalCard', requestId }), 1);
    const rows = await database.db.selectFrom('jobs').select(['id', 'kind', 'request_id', 'status', 'locked_by']).orderBy('id').execute();
    assert.deepEqual(
      rows.map((row) => [row.kind, row.request_id === requestId ? 'this request' : 'other', row.status, row.locked_by]),
      [
        ['updateApprovalCard', 'this request', 'queued', 'another worker'],
        ['updateApprovalCard', 'this request', 'done', null],
        ['updateApprovalCard', 'other', 'queued', null],
        ['provisionGuest', 'this request', 'queued', null],
        ['updateApprovalCard', 'this request', 'queued', null],
      ],
    );
  });
});
