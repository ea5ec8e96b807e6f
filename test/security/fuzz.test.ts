/**
 * Property-based fuzzing of POST /api/messages over real HTTP: thousands of generated hostile
 * posts (see activityArbitraries.ts), none of which may be answered 5xx, crash or wedge the
 * process, or change anything. A pending request is seeded first, so "nothing changed" has
 * something to protect: every generated post is one that must not decide it.
 *
 * FUZZ_RUNS (default 10,000) sets how many posts; FUZZ_SEED replays a run (fast-check prints the
 * seed and the shrunk counterexample when a property fails). TEST_LOG_LEVEL=debug shows the bot's
 * log, with the stack of a failed turn.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import pino from 'pino';
import { freePort } from '../../src/server';
import { BOT, TENANT_ID } from '../support/fakeTeamsChannel';
import { settleJobs } from '../support/settle';
import { fileRequest, startTestBot, type TestBot, users } from '../support/testBot';
import { type FuzzTargets, type PostCase, posts } from './activityArbitraries';

const runs = wholeNumberFrom(process.env.FUZZ_RUNS, 10_000);
const seed = process.env.FUZZ_SEED === undefined || process.env.FUZZ_SEED === '' ? undefined : Number(process.env.FUZZ_SEED);
/** A reply to a serviceUrl where nothing listens takes the connector ~10 s of retries; anything slower is a hang. */
const POST_TIMEOUT_MS = 30_000;

function wholeNumberFrom(text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`FUZZ_RUNS must be a whole number above 0, got ${text}`);
  return value;
}

describe('fuzzing POST /api/messages', function () {
  // About 6 ms a post on a 2-core machine, plus a few replies to a dead port (~10 s each) and shrinking.
  this.timeout(180_000 + runs * 25);

  let bot: TestBot;
  /**
   * Error lines the bot logged. The turn error handler answers a failed turn politely, so a post
   * that breaks a turn shows up here rather than as a 500.
   */
  const loggedErrors: string[] = [];
  beforeEach(async () => {
    loggedErrors.length = 0;
    const errorLog = { write: (line: string) => void loggedErrors.push(line) };
    // Fuzzing sends far more than a person's turns a minute; at the default limit nearly every
    // post would stop at the rate limiter and never reach the dialogs or the approvals.
    bot = await startTestBot({ MAX_TURNS_PER_MINUTE: '1000000000' }, pino({ level: 'error' }, errorLog));
  });
  afterEach(async () => bot.close());

  const db = () => bot.app.database.db;
  const requestRows = () => db().selectFrom('access_requests').select(['id', 'state', 'version', 'updated_at']).orderBy('id').execute();
  const jobRows = () => db().selectFrom('jobs').select(['id', 'kind', 'request_id', 'status', 'run_at']).orderBy('id').execute();
  const auditCount = async () =>
    Number(
      (
        await db()
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function send(post: PostCase, abort: AbortSignal): Promise<{ status: number; body: string }> {
    const headers: Record<string, string> = {};
    if (post.contentType !== undefined) headers['content-type'] = post.contentType;
    if (post.contentEncoding !== undefined) headers['content-encoding'] = post.contentEncoding;
    // fetch labels a string body text/plain unless told otherwise; bytes go without a Content-Type.
    const body = typeof post.body === 'string' && post.contentType === undefined ? new TextEncoder().encode(post.body) : post.body;
    const response = await fetch(`${bot.app.url}/api/messages`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any([abort, AbortSignal.timeout(POST_TIMEOUT_MS)]),
    });
    return { status: response.status, body: await response.text() };
  }

  it('answers every generated post below 500, stays up, and changes nothing', async () => {
    const simulator = bot.app.simulator;
    assert.ok(simulator, 'the test bot runs on the simulated directory');
    const { request, cardConversationId } = await fileRequest(bot);
    // The seed's own work (delivering the card) must be over, or its job's status would change under the snapshot.
    await settleJobs(bot);

    const snapshot = {
      requests: await requestRows(),
      jobs: await jobRows(),
      audits: await auditCount(),
      graphWrites: simulator.writeRequestCount,
      recorded: simulator.requests.length,
    };
    assert.equal(snapshot.requests.length, 1);
    assert.equal(snapshot.requests[0].state, 'pending_approval');

    const targets: FuzzTargets = {
      channelUrl: bot.channel.url,
      deadServiceUrl: `http://127.0.0.1:${await freePort()}/`,
      tenantId: TENANT_ID,
      bot: { id: BOT.id, name: BOT.name ?? 'Guest Access' },
      seededRequestId: request.id,
      knownConversationIds: [bot.teams.conversationOf(users.adele), cardConversationId],
      requester: users.adele,
      sponsor: users.megan,
      others: [users.diego],
    };

    // Whatever the bot lets escape: a rejection nobody awaited, or an exception nobody caught.
    // An uncaught exception would kill the bot in production. Under mocha it would end this test
    // at once without naming the post; so mocha's handler is held aside for the run, the post in
    // flight is aborted (its request may never be answered) and fails, and fast-check shrinks it.
    const escaped: string[] = [];
    let inFlight: AbortController | undefined;
    const onRejection = (reason: unknown) => escaped.push(`unhandled rejection: ${explain(reason)}`);
    const onException = (error: Error, origin: string) => {
      escaped.push(`${origin}: ${explain(error)}`);
      inFlight?.abort(error);
    };
    const keepRunning = () => undefined;
    const mochaHandlers = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', keepRunning);
    process.on('unhandledRejection', onRejection);
    process.on('uncaughtExceptionMonitor', onException);

    // Kept across runs so each post is judged on what it changed itself, also while shrinking.
    let lastRequests = snapshot.requests;
    let lastJobs = snapshot.jobs.length;
    let lastEscaped = 0;
    let lastLogged = loggedErrors.length;
    let firstFailure: string | undefined;
    const statuses = new Map<number | 'none', number>();

    /** What is wrong with how the bot took `post`, if anything. */
    async function judge(post: PostCase): Promise<string[]> {
      const problems: string[] = [];
      inFlight = new AbortController();
      try {
        const answer = await send(post, inFlight.signal);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.body.slice(0, 500) || '(empty body)'}`);
      } catch (error) {
        statuses.set('none', (statuses.get('none') ?? 0) + 1);
        problems.push(`no answer (${explain(error)})`);
      } finally {
        inFlight = undefined;
      }
      if (escaped.length > lastEscaped) problems.push(escaped.slice(lastEscaped).join('; '));
      lastEscaped = escaped.length;
      // A reply to a dead port or a path the fake channel lacks fails, as it would if Teams were
      // down: the connector's RestError is no fault of the bot's.
      const failedTurns = loggedErrors.slice(lastLogged).filter((line) => !replyFailed(line));
      if (failedTurns.length > 0) problems.push(`logged an error: ${failedTurns[0].slice(0, 1500)}`);
      lastLogged = loggedErrors.length;

      const requests = await requestRows();
      if (!isDeepStrictEqual(requests, lastRequests))
        problems.push(`changed access_requests from ${JSON.stringify(lastRequests)} to ${JSON.stringify(requests)}`);
      lastRequests = requests;
      const jobs = (await jobRows()).length;
      if (jobs !== lastJobs) problems.push(`queued ${jobs - lastJobs} job(s)`);
      lastJobs = jobs;
      return problems;
    }

    const started = Date.now();
    const failures: string[] = [];
    try {
      await fc.assert(
        fc.asyncProperty(posts(targets), async (post) => {
          const problems = await judge(post);
          if (problems.length > 0) {
            firstFailure ??= `${fc.stringify(post)}\n  → ${problems.join('\n  → ')}`;
            throw new Error(problems.join('\n'));
          }
        }),
        { numRuns: runs, seed },
      );
    } catch (error) {
      failures.push(`${(error as Error).message}\n\nFirst offending post (before shrinking):\n${firstFailure ?? '(none recorded)'}`);
    } finally {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtExceptionMonitor', onException);
      process.off('uncaughtException', keepRunning);
      for (const handler of mochaHandlers) process.on('uncaughtException', handler);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const posted = [...statuses.values()].reduce((sum, n) => sum + n, 0);
    console.log(`      fuzz: ${posted} posts (${runs} runs asked) in ${seconds} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);

    // Work queued by a turn runs in the background: all that is due must be done before judging.
    await settleJobs(bot);

    const health = await fetch(`${bot.app.url}/healthz`).then(
      (response) => `${response.status}`,
      (error: unknown) => explain(error),
    );
    if (health !== '200') failures.push(`GET /healthz answered ${health} after the run`);
    if (escaped.length > 0) failures.push(`${escaped.length} error(s) escaped during the run, first: ${escaped[0]}`);
    // The counter sees every write; the recorded requests (the last 1000) show which, while they still reach back to the snapshot.
    const writes = simulator.writeRequestCount - snapshot.graphWrites;
    const recent = simulator.requests.length < 1000 ? simulator.requests.slice(snapshot.recorded) : simulator.requests;
    const recordedWrites = recent.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    if (writes > 0 || recordedWrites.length > 0) {
      failures.push(
        `${writes} write(s) reached the simulated directory, e.g. ${recordedWrites
          .slice(0, 3)
          .map((r) => `${r.method} ${r.path}`)
          .join(', ')}`,
      );
    }
    const requestsAfter = await requestRows();
    if (!isDeepStrictEqual(requestsAfter, snapshot.requests))
      failures.push(`access_requests changed: ${JSON.stringify(snapshot.requests)} → ${JSON.stringify(requestsAfter)}`);
    const jobsAfter = await jobRows();
    if (!isDeepStrictEqual(jobsAfter, snapshot.jobs)) failures.push(`jobs changed: ${JSON.stringify(snapshot.jobs)} → ${JSON.stringify(jobsAfter)}`);
    const auditsAfter = await auditCount();
    if (auditsAfter !== snapshot.audits) failures.push(`${auditsAfter - snapshot.audits} audit event(s) were written`);

    if (failures.length > 0) assert.fail(failures.join('\n\n'));
  });
});

/** Whether a logged error line is the connector failing to deliver a reply. */
function replyFailed(line: string): boolean {
  const { err } = JSON.parse(line) as { err?: { type?: string; name?: string } };
  return err?.type === 'RestError' || err?.name === 'RestError';
}

function explain(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}${error.cause ? ` (cause: ${explain(error.cause)})` : ''}` : String(error);
}
