/**
 * The owner stages of an extension in storage, the same on SQLite and PostgreSQL: opened with the
 * sponsor's ask in one transaction, settled exactly once whatever the order and timing of the
 * owners' decisions, and an approval counts only while the extension waits and its end has not come.
 */
import assert from 'node:assert/strict';
import type { StageDecision } from '../../src/requests/requestRepository';
import type { OpenDatabase } from '../../src/storage/database';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { requestRepository } from '../support/requestRepository';
import { testDatabases } from '../support/databases';
import { jobRows } from '../support/jobRows';
import { requestDraft } from '../support/requestDraft';

const adele = { kind: 'user' as const, id: 'adele-id', displayName: 'Adele Vance' };
const megan = { kind: 'user' as const, id: 'megan-id', displayName: 'Megan Bowen' };
const lidia = { kind: 'user' as const, id: 'lidia-id', displayName: 'Lidia Holloway' };
const nestor = { kind: 'user' as const, id: 'nestor-id', displayName: 'Nestor Wilke' };

const END = '2027-01-01T00:00:00.000Z';
const ASKED_END = '2027-01-31T00:00:00.000Z';

for (const target of testDatabases) {
  describe(`extension stages in storage on ${target.name}`, function () {
    let database: OpenDatabase;
    let now: Date;
    let requests: SqlRequestRepository;

    beforeEach(async () => {
      database = await target.open();
      now = new Date('2026-12-28T00:00:00.000Z');
      requests = requestRepository(database.db, { clock: () => now });
    });
    afterEach(async () => database.close());

    /** An invited request whose sponsor asked to extend it; Falcon's and Expenses' owners must approve (stages 3 and 4, after the request's own 1 and 2). */
    /** Whether an owner's decision on a stage of an extension counted. */
    const decided = async (decision: StageDecision & { extensionFor: string }) => (await requests.decideOnCard({ extensionStage: decision }))?.decided;
    async function extensionAsked(): Promise<string> {
      const { id } = await requests.create(
        {
          ...requestDraft({
            requester: { id: 'adele-id', displayName: 'Adele Vance', address: 'adele.vance@contoso.com' },
            sponsor: { id: 'megan-id', displayName: 'Megan Bowen', address: 'megan.bowen@contoso.com' },
          }),
          endsAt: END,
          accessDays: 30,
        },
        adele,
      );
      await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: megan });
      await requests.transition({ id, from: 'approved', to: 'invited', actor: { kind: 'system' } });
      await requests.changeIf({ id, states: ['invited'], patch: { extensionOffer: { for: END } }, actor: { kind: 'system' }, action: 'extensionOffered' });
      const asked = await requests.changeIf({
        id,
        states: ['invited', 'accepted'],
        onlyWhile: [
          { field: 'extensionOfferedFor', equals: END },
          { field: 'extensionAnswer', equals: null },
        ],
        patch: { extensionOffer: { for: END, answer: 'awaitingOwners', endsAt: ASKED_END } },
        actor: megan,
        action: 'extensionAsked',
        openStages: [
          { stage: 3, resourceId: 'falcon-team', extensionFor: END },
          { stage: 4, resourceId: 'expenses-app', extensionFor: END },
        ],
      });
      assert.equal(asked?.extensionOffer?.endsAt, ASKED_END);
      return id;
    }

    it('opens the stages with the ask, and moves the end exactly once when the last two are approved at the same moment', async () => {
      for (let round = 0; round < 5; round++) {
        const id = await extensionAsked();
        assert.deepEqual(
          (await requests.stagesOf(id)).map((s) => [s.stage, s.state, s.extensionFor]),
          [
            [3, 'pending', END],
            [4, 'pending', END],
          ],
        );
        const [first, second] = await Promise.all([
          decided({ requestId: id, stage: 3, decision: 'approved', actor: lidia, extensionFor: END }),
          decided({ requestId: id, stage: 4, decision: 'approved', actor: nestor, extensionFor: END }),
        ]);
        assert.ok(first && second, 'both decisions count');
        const extended = await requests.get(id);
        assert.equal(extended?.endsAt, ASKED_END);
        assert.equal(extended?.extensions, 1);
        assert.equal(extended?.extensionOffer?.answer, 'extended');
        assert.equal(
          (await jobRows(database.db, id)).filter((j) => j.kind === 'notifyRequester' && j.payload === '{"notice":"extended"}').length,
          1,
          'told once',
        );
        assert.equal((await requests.auditTrail(id)).filter((e) => e.action === 'extended').length, 1);
      }
    });

    it('lets a rejection settle it, the end unmoved, and no decision count after', async () => {
      const id = await extensionAsked();
      assert.equal(await decided({ requestId: id, stage: 3, decision: 'rejected', actor: lidia, extensionFor: END, comment: 'not again' }), true);
      assert.equal(await decided({ requestId: id, stage: 4, decision: 'approved', actor: nestor, extensionFor: END }), false);
      const rejected = await requests.get(id);
      assert.equal(rejected?.endsAt, END);
      assert.equal(rejected?.extensionOffer?.answer, 'rejected');
      assert.deepEqual(
        (await requests.stagesOf(id)).map((s) => s.state),
        ['rejected', 'pending'],
      );
    });

    it('counts no approval once the end has come, nor one for a stage of another extension', async () => {
      const id = await extensionAsked();
      assert.equal(await decided({ requestId: id, stage: 3, decision: 'approved', actor: lidia, extensionFor: '2026-12-01T00:00:00.000Z' }), false);
      now = new Date(END);
      assert.equal(await decided({ requestId: id, stage: 3, decision: 'approved', actor: lidia, extensionFor: END }), false);
      assert.deepEqual(
        (await requests.stagesOf(id)).map((s) => s.state),
        ['pending', 'pending'],
      );
      assert.equal((await requests.get(id))?.endsAt, END);
    });
  });
}
