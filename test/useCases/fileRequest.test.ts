/** Filing a request, the one way the dialog, `request again` and everything else file one. */
import assert from 'node:assert/strict';
import type { OpenDatabase } from '../../src/storage/database';
import { fileRequest } from '../../src/useCases/fileRequest';
import { jobRows } from '../support/jobRows';
import { requestDraft } from '../support/requestDraft';
import { requestRepository } from '../support/requestRepository';
import { memoryDatabase } from '../support/sqliteMemory';

const DAY = 86_400_000;
const now = new Date('2026-12-01T09:00:00.000Z');
const adele = { kind: 'user' as const, id: 'a1b2c3d4-0001-4000-8000-000000000001', displayName: 'Adele Vance' };

describe('filing a request', () => {
  let database: OpenDatabase;
  beforeEach(async () => {
    database = await memoryDatabase();
  });
  afterEach(async () => database.close());

  it('counts the end date from the moment of filing and stores the request with its card and timers', async () => {
    const requests = requestRepository(database.db, { clock: () => now });
    const filing = await fileRequest({ requests, maxOpenRequests: 2, timing: { dayMs: DAY }, clock: () => now }, { ...requestDraft(), accessDays: 30 }, adele);
    assert.equal(filing.outcome, 'filed');
    if (filing.outcome !== 'filed') return;
    assert.equal(filing.request.endsAt, new Date(now.getTime() + 30 * DAY).toISOString());
    assert.deepEqual(
      (await jobRows(database.db, filing.request.id)).map((job) => job.kind),
      ['deliverApprovalCard', 'remindApprover', 'expireRequest'],
    );
  });

  it('files nothing once the requester has as many requests waiting as allowed, and names them', async () => {
    const requests = requestRepository(database.db, { clock: () => now });
    const deps = { requests, maxOpenRequests: 1, timing: { dayMs: DAY }, clock: () => now };
    const first = await fileRequest(deps, { ...requestDraft(), accessDays: 30 }, adele);
    const second = await fileRequest(deps, { ...requestDraft({ guestEmail: 'other@fabrikam.com' }), accessDays: 30 }, adele);
    assert.equal(second.outcome, 'tooManyOpen');
    assert.deepEqual(second.outcome === 'tooManyOpen' && second.open.map((r) => r.id), [first.outcome === 'filed' && first.request.id]);
    assert.equal((await requests.requestsFiledBy(adele.id, 10)).total, 1);
  });

  it('counts a request for several guests as one open request, and names it once by its id', async () => {
    const requests = requestRepository(database.db, { clock: () => now });
    const deps = { requests, maxOpenRequests: 2, timing: { dayMs: DAY }, clock: () => now };
    const several = { ...requestDraft({ moreGuests: [{ guestEmail: 'jo@fabrikam.com' }, { guestEmail: 'lee@fabrikam.com' }] }), accessDays: 30 };
    const first = await fileRequest(deps, several, adele);
    assert.equal(first.outcome, 'filed', 'three guests are one request of the two allowed');
    const second = await fileRequest(deps, { ...requestDraft({ guestEmail: 'other@fabrikam.com' }), accessDays: 30 }, adele);
    assert.equal(second.outcome, 'filed');
    const third = await fileRequest(deps, { ...requestDraft({ guestEmail: 'third@fabrikam.com' }), accessDays: 30 }, adele);
    assert.deepEqual(third.outcome === 'tooManyOpen' && third.open.map((r) => r.requestId), [
      first.outcome === 'filed' && first.request.id,
      second.outcome === 'filed' && second.request.id,
    ]);
    assert.equal((await requests.requestsFiledBy(adele.id, 10)).total, 2);
  });
});
