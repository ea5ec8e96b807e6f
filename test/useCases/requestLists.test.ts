/** The lists a person asks for, a page each: their own requests, and what waits on their decision. */
import assert from 'node:assert/strict';
import { listAwaitingDecision, listOwnRequests } from '../../src/useCases/requestLists';
import { ADELE, filedRequest, MEGAN } from '../support/requestStates';
import { withRequestRepository } from '../support/requestRepository';

const PAGE = 10;
const owner = { id: 'a1b2c3d4-0004-4000-8000-000000000004', displayName: 'Lee Gu', address: 'lee.gu@contoso.com', locale: 'en-US' };

describe('the lists of requests', () => {
  /** Each request is filed a minute after the one before, so that their order is certain. */
  let minute = 0;
  const store = withRequestRepository({ clock: () => new Date(Date.UTC(2026, 11, 1, 9, minute)) });
  beforeEach(() => {
    minute = 0;
  });

  async function file(count: number, changes: Parameters<typeof filedRequest>[1] = {}) {
    const filed = [];
    for (let n = 0; n < count; n++, minute++) filed.push(await filedRequest(store.requests, { guestEmail: `guest${minute}@fabrikam.com`, ...changes }));
    return filed;
  }

  /** A request Megan approved that waits on the owner of Project Falcon, who was resolved as its approver. */
  async function awaitingOwner() {
    const [{ id }] = await file(1);
    await store.requests.transition({
      id,
      from: 'pending_approval',
      to: 'pending_owner_approval',
      actor: MEGAN,
      openStages: [{ stage: 1, resourceId: 'falcon-team' }],
    });
    await store.requests.updateStage(id, 1, { approvers: [owner] }, { kind: 'system' }, 'stageApproversResolved');
    return id;
  }

  it('lists the requester’s newest page of requests and counts the older ones', async () => {
    const filed = await file(PAGE + 2);
    const own = await listOwnRequests(store.requests, { userId: ADELE.id });
    assert.equal(own.outcome, 'listed');
    if (own.outcome !== 'listed') return;
    assert.deepEqual(
      own.requests.map(([r]) => r.id),
      filed
        .slice(2)
        .reverse()
        .map((r) => r.id),
    );
    assert.equal(own.older, 2);
  });

  it('lists none for someone who filed none, or whom the activity does not name', async () => {
    await file(1);
    assert.deepEqual(await listOwnRequests(store.requests, { userId: MEGAN.id }), { outcome: 'none' });
    assert.deepEqual(await listOwnRequests(store.requests, { userId: undefined }), { outcome: 'none' });
  });

  it('lists what waits on the sponsor oldest first, then the stages waiting on them as an owner', async () => {
    const sponsored = await file(2);
    const staged = await awaitingOwner();
    await file(1, { sponsor: { id: owner.id, displayName: owner.displayName, address: owner.address } });
    const waiting = await listAwaitingDecision(store.requests, { userId: owner.id });
    assert.equal(waiting.outcome, 'listed');
    if (waiting.outcome !== 'listed') return;
    assert.deepEqual(
      waiting.approvals.map((r) => r.sponsor.id),
      [owner.id],
    );
    assert.deepEqual(
      waiting.stages.map(({ request, stage }) => [request.id, stage.stage]),
      [[staged, 1]],
    );
    assert.equal(waiting.more, 0);
    const megans = await listAwaitingDecision(store.requests, { userId: MEGAN.id });
    assert.deepEqual(
      megans.outcome === 'listed' && megans.approvals.map((r) => r.id),
      sponsored.map((r) => r.id),
    );
  });

  it('fills one page with the sponsor’s approvals first and counts the ones left over, leaving no room for stages', async () => {
    await file(PAGE + 3, { sponsor: { id: owner.id, displayName: owner.displayName, address: owner.address } });
    await awaitingOwner();
    const waiting = await listAwaitingDecision(store.requests, { userId: owner.id });
    assert.deepEqual(waiting.outcome === 'listed' && [waiting.approvals.length, waiting.stages.length, waiting.more], [PAGE, 0, 3]);
  });

  it('lists nothing waiting on someone who has nothing to decide, or whom the activity does not name', async () => {
    await file(1);
    assert.deepEqual(await listAwaitingDecision(store.requests, { userId: ADELE.id }), { outcome: 'none' });
    assert.deepEqual(await listAwaitingDecision(store.requests, { userId: undefined }), { outcome: 'none' });
  });

  describe('a request for several guests', () => {
    const moreGuests = [{ guestEmail: 'jo@fabrikam.com' }, { guestEmail: 'lee@fabrikam.com' }];

    it('is one of the requester’s requests, with its guests in order, and one approval for the sponsor', async () => {
      const [several] = await file(1, { moreGuests });
      const [single] = await file(1);
      const own = await listOwnRequests(store.requests, { userId: ADELE.id });
      assert.deepEqual(own.outcome === 'listed' && own.requests.map((guests) => guests.map((guest) => guest.id)), [
        [single.id],
        [several.id, `${several.id}-2`, `${several.id}-3`],
      ]);
      assert.equal(own.outcome === 'listed' && own.older, 0);
      const waiting = await listAwaitingDecision(store.requests, { userId: MEGAN.id });
      assert.deepEqual(waiting.outcome === 'listed' && [waiting.approvals.length, waiting.more], [2, 0]);
    });

    it('waits on its owners while any guest does, though the sponsor left its first guest out', async () => {
      const [{ id }] = await file(1, { moreGuests });
      await store.requests.transition({
        id,
        from: 'pending_approval',
        to: 'pending_owner_approval',
        actor: MEGAN,
        openStages: [{ stage: 1, resourceId: 'falcon-team' }],
        leaveOut: [id],
      });
      await store.requests.updateStage(id, 1, { approvers: [owner] }, { kind: 'system' }, 'stageApproversResolved');
      const waiting = await listAwaitingDecision(store.requests, { userId: owner.id });
      assert.deepEqual(waiting.outcome === 'listed' && waiting.stages.map(({ request, stage }) => [request.requestId, stage.stage]), [[id, 1]]);
    });
  });
});
