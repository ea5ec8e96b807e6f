/**
 * The repository, job queue, conversation references and dialog state storage, run the same
 * on SQLite and on PostgreSQL: one schema, one code path.
 */
import { sql } from 'kysely';
import sinon from 'sinon';
import assert from 'node:assert/strict';
import type { AccessRequest } from '../../src/requests/accessRequest';
import type { StageDecision } from '../../src/requests/requestRepository';
import type { OpenDatabase } from '../../src/storage/database';
import { ConversationReferenceStore } from '../../src/storage/conversationReferenceStore';
import { DialogStateStorage } from '../../src/storage/dialogStateStorage';
import { JobQueue } from '../../src/storage/jobQueue';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { testDatabases } from '../support/databases';
import { eventually } from '../support/eventually';
import { jobRows } from '../support/jobRows';
import { requestDraft } from '../support/requestDraft';

const adele = { kind: 'user' as const, id: 'adele-id', displayName: 'Adele Vance' };
const megan = { kind: 'user' as const, id: 'megan-id', displayName: 'Megan Bowen' };

const draft = requestDraft({
  requester: { id: 'adele-id', displayName: 'Adele Vance', address: 'adele.vance@contoso.com' },
  requesterLocale: 'es-ES',
  sponsor: { id: 'megan-id', displayName: 'Megan Bowen', address: 'megan.bowen@contoso.com' },
});

for (const target of testDatabases) {
  describe(`storage on ${target.name}`, function () {
    let database: OpenDatabase;
    let requests: SqlRequestRepository;
    let queue: JobQueue;
    let queued: number;

    beforeEach(async () => {
      database = await target.open();
      queued = 0;
      requests = requestRepository(database.db, { onJobsQueued: () => queued++ });
      queue = new JobQueue(database.db);
    });
    afterEach(async () => database.close());

    describe('owner stages and conditional changes', () => {
      const lidia = { kind: 'user' as const, id: 'lidia-id', displayName: 'Lidia Holloway' };
      const nestor = { kind: 'user' as const, id: 'nestor-id', displayName: 'Nestor Wilke' };
      /** Whether an owner's decision on a stage counted. */
      const decided = async (decision: StageDecision) => (await requests.decideOnCard({ stage: decision }))?.decided;
      async function awaitingOwners(): Promise<string> {
        const { id } = await requests.create(draft, adele);
        await requests.transition({
          id,
          from: 'pending_approval',
          to: 'pending_owner_approval',
          actor: megan,
          openStages: [
            { stage: 1, resourceId: 'falcon-team' },
            { stage: 2, resourceId: 'expenses-app' },
          ],
        });
        return id;
      }

      it('settles the request exactly once when the last two stages are decided at the same moment', async () => {
        for (let round = 0; round < 5; round++) {
          const id = await awaitingOwners();
          const [first, second] = await Promise.all([
            decided({ requestId: id, stage: 1, decision: 'approved', actor: lidia }),
            decided({ requestId: id, stage: 2, decision: 'approved', actor: nestor }),
          ]);
          assert.ok(first && second, 'both decisions count');
          assert.equal((await requests.get(id))?.state, 'approved');
          assert.equal((await jobRows(database.db, id)).filter((j) => j.kind === 'provisionGuest').length, 1, 'provisioned once');
          assert.deepEqual((await requests.auditTrail(id)).filter((e) => e.toState === 'approved').length, 1);
        }
      });

      it('lets one decision per stage count, and none once a stage has rejected the request', async () => {
        const id = await awaitingOwners();
        assert.equal(await decided({ requestId: id, stage: 1, decision: 'rejected', actor: lidia, comment: 'not yet' }), true);
        assert.equal(await decided({ requestId: id, stage: 1, decision: 'approved', actor: lidia }), false);
        assert.equal(await decided({ requestId: id, stage: 2, decision: 'approved', actor: nestor }), false);
        const stages = await requests.stagesOf(id);
        assert.deepEqual(
          stages.map((s) => [s.stage, s.state, s.decisionComment]),
          [
            [1, 'rejected', 'not yet'],
            [2, 'pending', undefined],
          ],
        );
        assert.equal((await requests.get(id))?.state, 'rejected');
      });

      it('changes a field only while it still holds the value a change expects', async () => {
        const { id } = await requests.create({ ...draft, endsAt: '2027-01-01T00:00:00.000Z', accessDays: 30 }, adele);
        await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: megan });
        await requests.transition({ id, from: 'approved', to: 'invited', actor: { kind: 'system' } });
        const offer = { id, states: ['invited', 'accepted'] as const, actor: { kind: 'system' as const }, action: 'extensionOffered' };
        assert.ok(
          await requests.changeIf({
            ...offer,
            onlyWhile: [{ field: 'endsAt', equals: '2027-01-01T00:00:00.000Z' }],
            patch: { extensionOffer: { for: '2027-01-01T00:00:00.000Z' } },
          }),
        );
        const answer = {
          id,
          states: ['invited'] as const,
          onlyWhile: [
            { field: 'extensionOfferedFor' as const, equals: '2027-01-01T00:00:00.000Z' },
            { field: 'extensionAnswer' as const, equals: null },
          ],
          actor: megan,
          action: 'extended',
        };
        const [one, two] = await Promise.all([
          requests.changeIf({
            ...answer,
            patch: { endsAt: '2027-01-31T00:00:00.000Z', extensionOffer: { for: '2027-01-01T00:00:00.000Z', answer: 'extended' } },
          }),
          requests.changeIf({
            ...answer,
            patch: { endsAt: '2027-01-31T00:00:00.000Z', extensionOffer: { for: '2027-01-01T00:00:00.000Z', answer: 'extended' } },
          }),
        ]);
        assert.equal([one, two].filter(Boolean).length, 1, 'one of two clicks extends');
        assert.equal((await requests.get(id))?.endsAt, '2027-01-31T00:00:00.000Z');
      });
    });

    describe('requests', () => {
      it('creates a request with a readable id, its audit event and its job in one go', async () => {
        const created = await requests.create(draft, adele);
        assert.match(created.id, /^GA-[0-9A-HJKMNP-TV-Z]{6}$/);
        assert.equal(created.state, 'pending_approval');
        assert.equal(created.version, 1);
        const read = (await requests.get(created.id)) as AccessRequest;
        assert.deepEqual(read, created);
        assert.deepEqual(read.resourceIds, ['falcon-team', 'expenses-app']);
        assert.deepEqual(
          (await requests.auditTrail(created.id)).map((e) => [e.action, e.toState, e.actor]),
          [['submitted', 'pending_approval', adele]],
        );
        // The work a new request calls for (requests/followUp.ts): its card, then a reminder and an expiry.
        assert.deepEqual(
          (await jobRows(database.db, created.id)).map((j) => [j.kind, j.status]),
          [
            ['deliverApprovalCard', 'queued'],
            ['remindApprover', 'queued'],
            ['expireRequest', 'queued'],
          ],
        );
        assert.equal(queued, 1, 'the worker was woken');
      });

      it('changes state only from the state the caller saw: the second decision loses', async () => {
        const { id } = await requests.create(draft, adele);
        const change = { id, from: 'pending_approval' as const, actor: megan };
        const [first, second] = await Promise.all([requests.transition({ ...change, to: 'approved' }), requests.transition({ ...change, to: 'rejected' })]);
        const winners = [first, second].filter(Boolean);
        assert.equal(winners.length, 1);
        const final = (await requests.get(id)) as AccessRequest;
        assert.equal(final.state, winners[0]?.state);
        assert.equal(final.version, 2);
        // After the three of the filing, only the winner's work exists.
        const decided = (await jobRows(database.db, id)).slice(3).map((j) => j.kind);
        assert.deepEqual(decided, ['updateApprovalCard', final.state === 'approved' ? 'provisionGuest' : 'notifyRequester']);
        assert.deepEqual(
          (await requests.auditTrail(id)).map((e) => e.action),
          ['submitted', final.state],
        );
      });

      // Only PostgreSQL runs two transactions at once (SQLite writes one after the other): there both
      // decisions read the request as waiting, and the second's update waits for the first's commit.
      if (target.name === 'PostgreSQL') {
        it('on PostgreSQL, a decision that read the request as waiting but found it moved on when its turn came changes nothing', async () => {
          const { id } = await requests.create(draft, adele);
          const change = { id, from: 'pending_approval' as const, actor: megan };
          const [first, second] = await database.db.connection().execute(async (holder) => {
            // Another writer holds the row, so both decisions read it as waiting and then queue for its lock.
            await sql`begin`.execute(holder);
            await sql`update access_requests set updated_at = updated_at where id = ${id}`.execute(holder);
            const decisions = Promise.all([
              requests.transition({ ...change, to: 'approved' }),
              requests.transition({ ...change, to: 'pending_owner_approval', openStages: [{ stage: 1, resourceId: 'falcon-team' }] }),
            ]);
            await eventually(async () => {
              const { rows } = await sql<{ waiting: number }>`
                select count(*)::int as waiting from pg_stat_activity
                where wait_event_type = 'Lock' and query like 'update "access_requests"%'`.execute(database.db);
              return rows[0].waiting === 2;
            }, 'both decisions waiting for the row');
            await sql`commit`.execute(holder);
            return decisions;
          });
          const winners = [first, second].filter(Boolean);
          assert.equal(winners.length, 1, 'one decision counts; the other is told it lost');
          const final = (await requests.get(id)) as AccessRequest;
          assert.equal(final.state, winners[0]?.state);
          assert.deepEqual(
            (await requests.auditTrail(id)).map((e) => e.action),
            ['submitted', final.state],
          );
          const stages = await database.db.selectFrom('approval_stages').select('stage').where('request_id', '=', id).execute();
          assert.equal(stages.length, final.state === 'pending_owner_approval' ? 1 : 0, 'the loser opened no stage');
        });
      }

      it('refuses a transition the lifecycle does not allow', async () => {
        const { id } = await requests.create(draft, adele);
        await assert.rejects(requests.transition({ id, from: 'pending_approval', to: 'invited', actor: megan }), /cannot go from pending_approval to invited/);
      });

      it('records facts without a state change, keeping the redeem link out of the audit trail', async () => {
        const { id } = await requests.create(draft, adele);
        const updated = await requests.update(
          id,
          { invitedUserId: 'guest-id', inviteRedeemUrl: 'https://login.example/redeem?secret' },
          { kind: 'system' },
          'invitationCreated',
        );
        assert.equal(updated.invitedUserId, 'guest-id');
        assert.equal(updated.inviteRedeemUrl, 'https://login.example/redeem?secret');
        assert.equal(updated.state, 'pending_approval');
        const event = (await requests.auditTrail(id)).at(-1);
        assert.deepEqual(event?.detail, { invitedUserId: 'guest-id', inviteRedeemUrl: '(stored)' });
        assert.deepEqual(event?.actor, { kind: 'system' });
      });

      it('lists the requests whose card never reached their sponsor', async () => {
        const waiting = await requests.create(draft, adele);
        const delivered = await requests.create(draft, adele);
        await requests.update(
          delivered.id,
          { approvalCard: { conversationId: 'a:megan', activityId: 'act-1', localTest: false } },
          { kind: 'system' },
          'approvalCardPosted',
        );
        assert.deepEqual(
          (await requests.awaitingCardFor('megan-id')).map((r) => r.id),
          [waiting.id],
        );
        assert.deepEqual(await requests.awaitingCardFor('someone-else'), []);
      });

      it('keeps a request for several guests as rows sharing its id, decided together, the request’s own work queued once', async () => {
        const filed = await requests.create({ ...draft, moreGuests: [{ guestEmail: 'jo@fabrikam.com' }, { guestEmail: 'lee@fabrikam.com' }] }, adele);
        const guests = await requests.guestsOfRequest(filed.id);
        assert.deepEqual(
          guests.map((g) => [g.id, g.requestId, g.guestNumber, g.guestEmail]),
          [
            [filed.id, filed.id, 1, draft.guestEmail],
            [`${filed.id}-2`, filed.id, 2, 'jo@fabrikam.com'],
            [`${filed.id}-3`, filed.id, 3, 'lee@fabrikam.com'],
          ],
        );
        // Its one card is waiting, listed once.
        assert.deepEqual(
          (await requests.awaitingCardFor('megan-id')).map((r) => r.id),
          [filed.id],
        );
        const cardJobs = async () =>
          (await database.db.selectFrom('jobs').select(['kind', 'request_id']).where('request_id', 'like', `${filed.id}%`).execute()).filter(
            (job) => job.kind === 'deliverApprovalCard' || job.kind === 'updateApprovalCard' || job.kind === 'provisionGuest',
          );
        assert.deepEqual(await cardJobs(), [{ kind: 'deliverApprovalCard', request_id: filed.id }]);
        // The sponsor leaves the third guest out: the others are approved together, with one card update and one provisioning.
        const approved = await requests.transition({ id: filed.id, from: 'pending_approval', to: 'approved', actor: adele, leaveOut: [`${filed.id}-3`] });
        assert.equal(approved?.state, 'approved');
        assert.deepEqual(
          (await requests.guestsOfRequest(filed.id)).map((g) => g.state),
          ['approved', 'approved', 'left_out'],
        );
        assert.deepEqual((await cardJobs()).map((job) => `${job.kind} ${job.request_id}`).sort(), [
          `deliverApprovalCard ${filed.id}`,
          `provisionGuest ${filed.id}`,
          `updateApprovalCard ${filed.id}`,
        ]);
        // A second decision finds nobody waiting.
        assert.equal(await requests.transition({ id: filed.id, from: 'pending_approval', to: 'rejected', actor: adele }), undefined);
      });
    });

    describe('job queue', () => {
      it('gives a due job to one worker at a time, and to another once the lease runs out', async () => {
        const { id } = await requests.create(draft, adele);
        const [a, b] = await Promise.all([queue.claim('worker-a', 60_000), queue.claim('worker-b', 60_000)]);
        assert.equal([a, b].filter(Boolean).length, 1);
        assert.equal((a ?? b)?.requestId, id);
        assert.equal((a ?? b)?.attempts, 1);

        // The holder crashed: its lease expires and the job is claimed again.
        const later = new JobQueue(database.db, () => new Date(Date.now() + 61_000));
        const again = await later.claim('worker-c', 60_000);
        assert.equal(again?.id, (a ?? b)?.id);
        assert.equal(again?.attempts, 2);
      });

      it('schedules a retry, then gives up for good', async () => {
        await requests.create(draft, adele);
        const job = await queue.claim('w', 60_000);
        assert.ok(job);
        await queue.fail(job.lease, { message: 'throttled', retryAt: new Date(Date.now() + 30_000) });
        assert.equal(await queue.claim('w', 60_000), undefined, 'not due yet');
        const [scheduled] = await jobRows(database.db, job.requestId);
        assert.ok(new Date(scheduled.run_at).getTime() > Date.now() + 20_000, scheduled.run_at);

        const future = new JobQueue(database.db, () => new Date(Date.now() + 31_000));
        const retried = await future.claim('w', 60_000);
        assert.equal(retried?.attempts, 2);
        await future.fail((retried as NonNullable<typeof retried>).lease, {
          message: 'Microsoft Entra refused kim.lee@fabrikam.com; link https://login.microsoftonline.com/redeem?rd=x',
        });
        const [row] = await jobRows(database.db, job.requestId);
        assert.equal(row.status, 'dead');
        // Operators read stored errors like log lines: the address masked, the link gone.
        assert.equal(row.last_error, 'Microsoft Entra refused k***@fabrikam.com; link [redeem link]');
        assert.equal(await future.claim('w', 60_000), undefined);
      });

      it('carries what a notice job says', async () => {
        const { id } = await requests.create(draft, adele);
        await requests.transition({ id, from: 'pending_approval', to: 'rejected', actor: megan });
        let job = await queue.claim('w', 60_000);
        // The card's delivery and update come first; the notice follows them.
        while (job && job.kind !== 'notifyRequester') {
          await queue.complete(job.lease);
          job = await queue.claim('w', 60_000);
        }
        assert.deepEqual([job?.kind, job?.notice], ['notifyRequester', 'rejected']);
        await queue.complete((job as NonNullable<typeof job>).lease);
        assert.equal((await jobRows(database.db, id)).find((j) => j.kind === 'notifyRequester')?.status, 'done');
      });
    });

    describe('conversation references', () => {
      it('finds a user’s personal conversation, newest first, and not their group chats', async () => {
        const store = new ConversationReferenceStore(database.db);
        await store.save(
          { channelId: 'msteams', serviceUrl: 'https://smba/', conversation: { id: 'a:old', isGroup: false, conversationType: 'personal', name: '' } },
          'megan-id',
        );
        await store.save(
          { channelId: 'msteams', serviceUrl: 'https://smba/', conversation: { id: '19:group', isGroup: true, conversationType: 'groupChat', name: '' } },
          'megan-id',
        );
        assert.equal((await store.personalConversationOf('megan-id'))?.conversation?.id, 'a:old');
        assert.equal((await store.byConversation('a:old'))?.serviceUrl, 'https://smba/');
        assert.equal(await store.byConversation('a:unknown'), undefined);
        assert.equal(await store.personalConversationOf('nobody'), undefined);
      });

      it('keeps a turn’s reference current, and asks the database nothing for one this instance already knows', async () => {
        let queries = 0;
        const counted = database.db.withPlugin({ transformQuery: (args) => (queries++, args.node), transformResult: async (args) => args.result });
        const store = new ConversationReferenceStore(counted);
        const reference = {
          channelId: 'msteams',
          serviceUrl: 'https://smba/emea/',
          conversation: { id: 'a:kept', isGroup: false, conversationType: 'personal', name: '' },
        };
        assert.equal(await store.keep(reference, 'megan-id'), 'new');
        const afterFirst = queries;
        const reads = sinon.spy(store, 'byConversation');
        assert.equal(await store.keep(reference, 'megan-id'), 'known');
        assert.equal(queries, afterFirst, 'a known conversation costs no write');
        assert.equal(reads.callCount, 0, 'nor a read');
        // Another instance, which has not seen it, reads it once and then knows it too.
        const other = new ConversationReferenceStore(counted);
        assert.equal(await other.keep(reference, 'megan-id'), 'known');
        // Teams moved the conversation: stored again, and found there by proactive messages.
        const moved = { ...reference, serviceUrl: 'https://smba/amer/' };
        assert.equal(await store.keep(moved, 'megan-id'), 'moved');
        assert.equal((await other.byConversation('a:kept'))?.serviceUrl, 'https://smba/amer/');
        assert.equal(await other.keep(moved, 'megan-id'), 'known');
      });
    });

    describe('dialog state storage', () => {
      it('reads back what it wrote, with an eTag', async () => {
        const storage = new DialogStateStorage(database.db);
        await storage.write({ 'msteams/conversations/a:1/': { dialogState: { step: 2 } } });
        const read = await storage.read(['msteams/conversations/a:1/', 'missing']);
        assert.deepEqual(Object.keys(read), ['msteams/conversations/a:1/']);
        assert.deepEqual(read['msteams/conversations/a:1/'].dialogState, { step: 2 });
        assert.equal(typeof read['msteams/conversations/a:1/'].eTag, 'string');
      });

      it('refuses a write based on a stale eTag: another turn saved first', async () => {
        const storage = new DialogStateStorage(database.db);
        await storage.write({ key: { n: 1 } });
        const seen = (await storage.read(['key'])).key;
        await storage.write({ key: { ...seen, n: 2 } });
        await assert.rejects(storage.write({ key: { ...seen, n: 3 } }), /eTag conflict/);
        assert.equal((await storage.read(['key'])).key.n, 2);
        await storage.write({ key: { n: 4, eTag: '*' } });
        assert.equal((await storage.read(['key'])).key.n, 4);
      });

      it('deletes', async () => {
        const storage = new DialogStateStorage(database.db);
        await storage.write({ key: { n: 1 } });
        await storage.delete(['key']);
        assert.deepEqual(await storage.read(['key']), {});
      });
    });
  });
}
