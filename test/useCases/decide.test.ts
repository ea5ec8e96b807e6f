/**
 * A decision on an approval card, as the use case returns it: who may decide (the sponsor on
 * theirs, an approver on a stage's), who only looks on, who learns nothing, and what a click
 * changes. The Teams edge that draws these results is tested through the bot (test/approvals).
 */
import assert from 'node:assert/strict';
import { loadCatalog, SAMPLE_CATALOG_FILE } from '../../src/config';
import type { ResourceCatalog } from '../../src/requests/catalog';
import type { OpenDatabase } from '../../src/storage/database';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import type { Clicker } from '../../src/useCases/clicker';
import { loadConfig } from '../../src/config';
import { type Decision, type DecisionContext, decide } from '../../src/useCases/decide';
import { jobRows } from '../support/jobRows';
import { requestDraft } from '../support/requestDraft';
import { requestRepository } from '../support/requestRepository';
import { memoryDatabase } from '../support/sqliteMemory';

const now = new Date('2026-12-01T09:00:00.000Z');
const draft = requestDraft();
const at = (person: { id: string; displayName: string }, conversationId = `a:chat-${person.id}`): Clicker => ({
  userId: person.id,
  conversationId,
  channelUserId: `29:${person.id}`,
  displayName: person.displayName,
});
const adele = at(draft.requester);
const megan = at(draft.sponsor);
const lidia = at({ id: 'a1b2c3d4-0006-4000-8000-000000000006', displayName: 'Lidia Holloway' });
const stranger = at({ id: 'a1b2c3d4-0009-4000-8000-000000000009', displayName: 'Someone Else' });

/** The sample catalog, with Lidia as the approver of Project Falcon when `owned`. */
function catalog(owned: boolean): ResourceCatalog {
  const { resources } = loadCatalog(SAMPLE_CATALOG_FILE);
  return {
    resources: resources.map(({ approvers: _approvers, ...r }) => (owned && r.id === 'falcon-team' ? { ...r, approvers: [lidia.userId as string] } : r)),
  };
}

describe('deciding on an approval card', () => {
  let database: OpenDatabase;
  let requests: SqlRequestRepository;
  let context: DecisionContext;
  let requestId: string;
  beforeEach(async () => {
    database = await memoryDatabase();
    requests = requestRepository(database.db, { clock: () => now });
    context = { requests, catalog: catalog(false), localTestsAllowed: false, clock: () => now, followUp: loadConfig({}) };
    requestId = (await requests.create({ ...draft, endsAt: '2027-03-01T09:00:00.000Z' }, { kind: 'user', ...draft.requester })).id;
  });
  afterEach(async () => database.close());

  const click = (
    clicker: Clicker,
    verb: 'approve' | 'reject' | 'refresh' = 'approve',
    more: { comment?: unknown; stage?: unknown; requestId?: unknown } = {},
  ) => decide({ verb, requestId, comment: undefined, clicker, ...more }, context);
  const outcomeOf = (decision: Decision) => decision.outcome;

  it('answers an unknown id, a malformed one and a stranger alike, telling them nothing', async () => {
    assert.equal(outcomeOf(await click(megan, 'approve', { requestId: 'GA-ZZZZZZ' })), 'notFound');
    assert.equal(outcomeOf(await click(megan, 'approve', { requestId: { $ne: null } })), 'notFound');
    assert.deepEqual(await click(stranger), { outcome: 'refused' });
    assert.equal((await requests.get(requestId))?.state, 'pending_approval');
  });

  it('shows the requester where their request stands, and lets them decide nothing', async () => {
    const decision = await click(adele);
    assert.equal(decision.outcome, 'readOnly');
    assert.equal(decision.outcome === 'readOnly' && decision.request.state, 'pending_approval');
  });

  it('approves for the sponsor with their comment, once: a second click finds it decided', async () => {
    const first = await click(megan, 'approve', { comment: '  Welcome aboard  ' });
    assert.deepEqual(first.outcome === 'approved' && [first.request.state, first.request.decisionComment, first.isTheirs], [
      'approved',
      'Welcome aboard',
      true,
    ]);
    assert.ok((await jobRows(database.db, requestId)).some((job) => job.kind === 'provisionGuest'));
    const second = await click(megan, 'reject');
    assert.deepEqual(second.outcome === 'unchanged' && second.request.state, 'approved');
  });

  it('rejects for the sponsor, and a refresh changes nothing', async () => {
    assert.equal(outcomeOf(await click(megan, 'refresh')), 'unchanged');
    assert.equal((await requests.get(requestId))?.state, 'pending_approval');
    const rejected = await click(megan, 'reject');
    assert.deepEqual(rejected.outcome === 'rejected' && rejected.request.state, 'rejected');
  });

  it('decides nothing on a comment longer than the card takes', async () => {
    assert.equal(outcomeOf(await click(megan, 'approve', { comment: 'x'.repeat(5_000) })), 'commentTooLong');
    assert.equal((await requests.get(requestId))?.state, 'pending_approval');
  });

  it('in a local test, lets whoever holds the card in the requester’s chat decide, as a stand-in', async () => {
    const chat = 'a:local-chat';
    await requests.update(requestId, { approvalCard: { conversationId: chat, activityId: '1', localTest: true } }, { kind: 'system' }, 'approvalCardPosted');
    context = { ...context, localTestsAllowed: true };
    const decided = await click(at(draft.requester, chat));
    assert.deepEqual(decided.outcome === 'approved' && decided.isTheirs, false);
  });

  describe('with an owner stage', () => {
    beforeEach(async () => {
      context = { ...context, catalog: catalog(true) };
      await click(megan);
      await requests.updateStage(
        requestId,
        1,
        { approvers: [{ id: lidia.userId as string, displayName: 'Lidia Holloway', address: 'lidia.holloway@contoso.com', locale: 'en-US' }] },
        { kind: 'system' },
        'stageApproversFound',
      );
    });

    it('opens the stage on the sponsor’s approval instead of provisioning', async () => {
      assert.equal((await requests.get(requestId))?.state, 'pending_owner_approval');
      assert.deepEqual(
        (await requests.stagesOf(requestId)).map((s) => [s.stage, s.resourceId, s.state]),
        [[1, 'falcon-team', 'pending']],
      );
    });

    it('lets the stage’s approver decide it, which approves the request', async () => {
      const decision = await click(lidia, 'approve', { stage: 1 });
      assert.deepEqual(decision.outcome === 'approved' && [decision.stage?.state, decision.request.state], ['approved', 'approved']);
    });

    it('shows the stage to the requester and the sponsor read-only, and refuses everyone else', async () => {
      for (const onlooker of [adele, megan]) assert.equal(outcomeOf(await click(onlooker, 'approve', { stage: 1 })), 'readOnly');
      assert.equal(outcomeOf(await click(stranger, 'approve', { stage: 1 })), 'refused');
      assert.equal(outcomeOf(await click(lidia, 'approve', { stage: 2 })), 'notFound');
      assert.equal((await requests.stagesOf(requestId))[0]?.state, 'pending');
    });

    it('reads a stage that is not a whole number as the sponsor’s card', async () => {
      assert.equal(outcomeOf(await click(lidia, 'approve', { stage: '1.5' })), 'refused');
    });
  });
});
