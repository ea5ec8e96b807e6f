/** Asking for a fresh link or Microsoft's email for a guest who has not accepted yet: who may, when, and what is recorded. */
import assert from 'node:assert/strict';
import type { Someone } from '../../src/approvals/roles';
import { askForInvitation } from '../../src/useCases/askForInvitation';
import { jobRows } from '../support/jobRows';
import { ADELE, filedRequest, grantedRequest, MEGAN, shownAsLocalTestIn, SOMEONE } from '../support/requestStates';
import { withRequestRepository } from '../support/requestRepository';

const { adele, megan, diego } = SOMEONE;

describe('asking for an invitation again', () => {
  const store = withRequestRepository();

  const ask = (kind: 'sendFreshLink' | 'sendInvitationEmail', requestId: string, someone: Someone, name = 'Adele Vance', localTestsAllowed = false) =>
    askForInvitation({ requests: store.requests, localTestsAllowed }, kind, requestId, someone, name);
  const asks = async (requestId: string) =>
    (await store.requests.auditTrail(requestId)).filter((e) => e.action === 'freshLinkAsked' || e.action === 'invitationEmailAsked');
  const reinvitations = async (requestId: string) =>
    (await jobRows(store.db, requestId)).filter((job) => job.kind === 'sendFreshLink' || job.kind === 'sendInvitationEmail');

  it('records the requester’s ask, under their name, with the job that answers them, and nothing before it is recorded', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    const checked = await ask('sendFreshLink', invited.id, adele);
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome !== 'mayAsk') return;
    assert.deepEqual(await reinvitations(invited.id), [], 'the check alone queues nothing: the caller says "queued" first');

    assert.deepEqual(await checked.record(), { outcome: 'asked' });
    assert.deepEqual(
      (await reinvitations(invited.id)).map((job) => [job.kind, job.status, JSON.parse(job.payload ?? '{}').notice]),
      [['sendFreshLink', 'queued', 'requester']],
    );
    const [asked] = await asks(invited.id);
    assert.deepEqual([asked?.action, asked?.actor, asked?.detail], ['freshLinkAsked', ADELE, { by: 'requester' }]);
  });

  it('answers the sponsor in their own chat: the email they ask for tells them how it went', async () => {
    const invited = await grantedRequest(store.requests, 'invited', { invitationEmailed: false });
    const checked = await ask('sendInvitationEmail', invited.id, megan, 'Megan Bowen');
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome === 'mayAsk') await checked.record();
    assert.deepEqual(
      (await reinvitations(invited.id)).map((job) => [job.kind, JSON.parse(job.payload ?? '{}').notice]),
      [['sendInvitationEmail', 'sponsor']],
    );
    assert.deepEqual(
      (await asks(invited.id)).map((e) => [e.action, e.actor, e.detail]),
      [['invitationEmailAsked', MEGAN, { by: 'sponsor' }]],
    );
  });

  it('finds no request for anyone else, nor for someone unknown, nor for an id that does not exist', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    assert.deepEqual(await ask('sendFreshLink', invited.id, diego, 'Diego Siciliani'), { outcome: 'notFound' });
    assert.deepEqual(await ask('sendFreshLink', invited.id, { userId: undefined, conversationId: 'a:adele' }), { outcome: 'notFound' });
    assert.deepEqual(await ask('sendFreshLink', 'GA-NOSUCH', adele), { outcome: 'notFound' });
    assert.deepEqual(await asks(invited.id), []);
  });

  it('lets whoever holds a local-test card ask as its sponsor only while local tests are allowed', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    await shownAsLocalTestIn(store.requests, invited.id, diego.conversationId);
    assert.deepEqual(await ask('sendFreshLink', invited.id, diego, 'Diego Siciliani'), { outcome: 'notFound' });
    const checked = await ask('sendFreshLink', invited.id, diego, 'Diego Siciliani', true);
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome === 'mayAsk') await checked.record();
    assert.deepEqual(
      (await asks(invited.id)).map((e) => e.detail),
      [{ by: 'sponsor' }],
    );
  });

  it('answers in the requester’s chat when the requester is also the one holding the local-test card', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    await shownAsLocalTestIn(store.requests, invited.id, adele.conversationId);
    const checked = await ask('sendFreshLink', invited.id, adele, 'Adele Vance', true);
    if (checked.outcome === 'mayAsk') await checked.record();
    assert.deepEqual(
      (await asks(invited.id)).map((e) => e.detail),
      [{ by: 'requester' }],
    );
  });

  it('has no invitation to send again before the guest is invited, nor after they accepted', async () => {
    const waiting = await filedRequest(store.requests);
    const early = await ask('sendFreshLink', waiting.id, adele);
    assert.deepEqual([early.outcome, early.outcome === 'notInvited' && early.request.state], ['notInvited', 'pending_approval']);
    const accepted = await grantedRequest(store.requests, 'accepted');
    const late = await ask('sendInvitationEmail', accepted.id, adele);
    assert.deepEqual([late.outcome, late.outcome === 'notInvited' && late.request.state], ['notInvited', 'accepted']);
  });

  it('refuses a second email for the same invitation, and still sends a link', async () => {
    const emailed = await grantedRequest(store.requests, 'invited', { invitationEmailed: true });
    assert.equal((await ask('sendInvitationEmail', emailed.id, adele)).outcome, 'alreadyEmailed');
    assert.equal((await ask('sendFreshLink', emailed.id, adele)).outcome, 'mayAsk');
    assert.deepEqual(await asks(emailed.id), []);
  });

  it('records nothing when the guest accepted between the check and the record, and says how it stands now', async () => {
    const invited = await grantedRequest(store.requests, 'invited');
    const checked = await ask('sendFreshLink', invited.id, adele);
    await store.requests.transition({ id: invited.id, from: 'invited', to: 'accepted', actor: { kind: 'system' } });
    assert.equal(checked.outcome, 'mayAsk');
    if (checked.outcome !== 'mayAsk') return;
    const recorded = await checked.record();
    assert.deepEqual([recorded.outcome, recorded.outcome === 'notInvited' && recorded.request.state], ['notInvited', 'accepted']);
    assert.deepEqual(await reinvitations(invited.id), []);
    assert.deepEqual(await asks(invited.id), []);
  });
});
