/**
 * The sponsor's answer to the offer to extend, as the use case returns it: only the sponsor
 * answers, once; the requester looks on; today's settings are held to; owners are asked when
 * their resources need them. The card drawn from it is tested through the bot (test/approvals).
 */
import assert from 'node:assert/strict';
import { loadCatalog, SAMPLE_CATALOG_FILE } from '../../src/config';
import type { OpenDatabase } from '../../src/storage/database';
import type { SqlRequestRepository } from '../../src/storage/sqlRequestRepository';
import { answerExtension, type ExtensionAnswerContext } from '../../src/useCases/answerExtension';
import type { Clicker } from '../../src/useCases/clicker';
import { requestDraft } from '../support/requestDraft';
import { requestRepository } from '../support/requestRepository';
import { memoryDatabase } from '../support/sqliteMemory';

const DAY = 86_400_000;
const now = new Date('2026-12-01T09:00:00.000Z');
const endsAt = new Date(now.getTime() + 5 * DAY).toISOString();
const draft = requestDraft();
const at = (person: { id: string; displayName: string }): Clicker => ({
  userId: person.id,
  conversationId: `a:chat-${person.id}`,
  channelUserId: `29:${person.id}`,
  displayName: person.displayName,
});
const adele = at(draft.requester);
const megan = at(draft.sponsor);
const stranger = at({ id: 'a1b2c3d4-0009-4000-8000-000000000009', displayName: 'Someone Else' });
const system = { kind: 'system' as const };
const noPolicy = { allowedDomains: [], blockedDomains: [], internalDomains: ['contoso.com'] };

describe('answering the offer to extend', () => {
  let database: OpenDatabase;
  let requests: SqlRequestRepository;
  let context: ExtensionAnswerContext;
  let requestId: string;
  beforeEach(async () => {
    database = await memoryDatabase();
    requests = requestRepository(database.db, { clock: () => now });
    const { resources } = loadCatalog(SAMPLE_CATALOG_FILE);
    context = {
      requests,
      catalog: { resources: resources.map(({ approvers: _approvers, ...r }) => r) },
      guestPolicy: noPolicy,
      timing: { accessDays: 30, dayMs: DAY },
      localTestsAllowed: false,
      clock: () => now,
    };
    requestId = (await requests.create({ ...draft, endsAt }, { kind: 'user', ...draft.requester })).id;
    await requests.transition({ id: requestId, from: 'pending_approval', to: 'approved', actor: system });
    await requests.transition({ id: requestId, from: 'approved', to: 'invited', actor: system, patch: { invitedAt: now.toISOString() } });
    await requests.changeIf({ id: requestId, states: ['invited'], patch: { extensionOffer: { for: endsAt } }, actor: system, action: 'extensionOffered' });
  });
  afterEach(async () => database.close());

  const answer = (clicker: Clicker, verb: 'extend' | 'letEnd' | 'refreshExtension' = 'extend', offeredFor: unknown = endsAt) =>
    answerExtension({ verb, requestId, offeredFor, clicker }, context);

  it('tells a stranger nothing, and answers a click without the offer’s date as an unknown id', async () => {
    assert.deepEqual(await answer(stranger), { outcome: 'refused' });
    assert.deepEqual(await answer(megan, 'extend', 42), { outcome: 'notFound' });
  });

  it('shows the requester the offer read-only', async () => {
    const shown = await answer(adele);
    assert.equal(shown.outcome, 'readOnly');
    assert.equal((await requests.get(requestId))?.endsAt, endsAt);
  });

  it('extends by the period first asked for, once: a second click finds it answered', async () => {
    const extended = await answer(megan);
    assert.equal(extended.outcome, 'extended');
    assert.equal(extended.outcome === 'extended' && extended.request.endsAt, new Date(Date.parse(endsAt) + 30 * DAY).toISOString());
    assert.equal((await answer(megan, 'letEnd')).outcome, 'unchanged');
  });

  it('lets it end when the sponsor says so, and a refresh changes nothing', async () => {
    assert.equal((await answer(megan, 'refreshExtension')).outcome, 'unchanged');
    const declined = await answer(megan, 'letEnd');
    assert.deepEqual(declined.outcome === 'declined' && [declined.request.extensionOffer?.answer, declined.request.endsAt], ['declined', endsAt]);
  });

  it('extends nothing when today’s guest policy no longer allows the address', async () => {
    context = { ...context, guestPolicy: { ...noPolicy, blockedDomains: ['fabrikam.com'] } };
    assert.equal((await answer(megan)).outcome, 'notAllowed');
    assert.equal((await requests.get(requestId))?.extensionOffer?.answer, undefined);
  });

  it('asks the owners when a resource needs them, and leaves the end where it is meanwhile', async () => {
    const owner = 'a1b2c3d4-0006-4000-8000-000000000006';
    context = { ...context, catalog: { resources: context.catalog.resources.map((r) => (r.id === 'falcon-team' ? { ...r, approvers: [owner] } : r)) } };
    const asked = await answer(megan);
    assert.deepEqual(asked.outcome === 'ownersAsked' && [asked.request.extensionOffer?.answer, asked.request.endsAt], ['awaitingOwners', endsAt]);
    assert.deepEqual(
      (await requests.stagesOf(requestId)).map((s) => [s.resourceId, s.extensionFor]),
      [['falcon-team', endsAt]],
    );
  });
});
