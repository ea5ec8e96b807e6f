/** What only the sponsor may ask of granted access, a reset or an end: who may, when, and what is recorded. */
import assert from 'node:assert/strict';
import type { Someone } from '../../src/approvals/roles';
import { askAsSponsor, type SponsorOnlyAction } from '../../src/useCases/askAsSponsor';
import { jobRows } from '../support/jobRows';
import { ADELE, filedRequest, grantedRequest, MEGAN, shownAsLocalTestIn, SOMEONE } from '../support/requestStates';
import { withRequestRepository } from '../support/requestRepository';

const { adele, megan, diego } = SOMEONE;
const now = new Date('2026-12-01T09:00:00.000Z');

describe('asking, as the sponsor, to reset a redemption or end access', () => {
  const store = withRequestRepository();

  const ask = (action: SponsorOnlyAction, requestId: string, someone: Someone, name: string, localTestsAllowed = false) =>
    askAsSponsor({ requests: store.requests, localTestsAllowed, clock: () => now }, action, requestId, someone, name);
  const jobsOf = async (requestId: string, kind: string) => (await jobRows(store.db, requestId)).filter((job) => job.kind === kind);
  const audited = async (requestId: string, action: string) => (await store.requests.auditTrail(requestId)).filter((e) => e.action === action);

  it('records a reset under the sponsor’s name with its job, once the check has passed and not before', async () => {
    const accepted = await grantedRequest(store.requests, 'accepted');
    const checked = await ask('resetRedemption', accepted.id, megan, 'Megan Bowen');
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome !== 'mayAsk') return;
    assert.deepEqual(await jobsOf(accepted.id, 'resetRedemption'), [], 'the check alone queues nothing: the caller says "queued" first');

    assert.deepEqual(await checked.record(), { outcome: 'asked' });
    assert.deepEqual(
      (await jobsOf(accepted.id, 'resetRedemption')).map((job) => [job.status, JSON.parse(job.payload ?? '{}').notice]),
      [['queued', 'sponsor']],
    );
    assert.deepEqual(
      (await audited(accepted.id, 'redemptionResetAsked')).map((e) => e.actor),
      [MEGAN],
    );
  });

  it('ends access now: the end date becomes the clock’s now, the old one is audited, and the end is queued', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    const checked = await ask('endAccess', invited.id, megan, 'Megan Bowen');
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome === 'mayAsk') assert.deepEqual(await checked.record(), { outcome: 'asked' });
    const ended = await store.requests.get(invited.id);
    assert.deepEqual([ended?.endsAt, ended?.endReason, ended?.state], [now.toISOString(), 'sponsor', 'invited']);
    assert.deepEqual(
      (await audited(invited.id, 'endAccessAsked')).map((e) => [e.actor, e.detail?.endsAtBefore]),
      [[MEGAN, invited.endsAt]],
    );
    assert.equal((await jobsOf(invited.id, 'endAccess')).filter((job) => job.run_at <= new Date().toISOString()).length, 1, 'the end, due now');
  });

  it('tells the requester only the sponsor may, and finds no request for anyone else or any id that does not exist', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    const requester = await ask('endAccess', invited.id, adele, 'Adele Vance');
    assert.deepEqual([requester.outcome, requester.outcome === 'sponsorOnly' && requester.request.id], ['sponsorOnly', invited.id]);
    assert.deepEqual(await ask('endAccess', invited.id, diego, 'Diego Siciliani'), { outcome: 'notFound' });
    assert.deepEqual(await ask('resetRedemption', 'GA-NOSUCH', megan, 'Megan Bowen'), { outcome: 'notFound' });
    assert.equal((await store.requests.get(invited.id))?.endReason, undefined);
  });

  it('lets the requester act as sponsor on a local-test card in their own chat, only while local tests are allowed', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    await shownAsLocalTestIn(store.requests, invited.id, adele.conversationId);
    assert.equal((await ask('resetRedemption', invited.id, adele, 'Adele Vance')).outcome, 'sponsorOnly');
    const checked = await ask('resetRedemption', invited.id, adele, 'Adele Vance', true);
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome === 'mayAsk') await checked.record();
    assert.deepEqual(
      (await audited(invited.id, 'redemptionResetAsked')).map((e) => e.actor),
      [ADELE],
    );
  });

  it('has no access to reset or end before it is granted', async () => {
    const waiting = await filedRequest(store.requests);
    for (const action of ['resetRedemption', 'endAccess'] as const) {
      const checked = await ask(action, waiting.id, megan, 'Megan Bowen');
      assert.deepEqual([checked.outcome, checked.outcome === 'notGranted' && checked.request.state], ['notGranted', 'pending_approval'], action);
    }
  });

  it('records nothing when the access ended between the check and the record, and says how it stands now', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    const checked = await ask('endAccess', invited.id, megan, 'Megan Bowen');
    await store.requests.transition({ id: invited.id, from: 'invited', to: 'ended', actor: { kind: 'system' } });
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome !== 'mayAsk') return;
    const recorded = await checked.record();
    assert.deepEqual([recorded.outcome, recorded.outcome === 'notGranted' && recorded.request.state], ['notGranted', 'ended']);
    assert.deepEqual(await audited(invited.id, 'endAccessAsked'), []);
  });
});
