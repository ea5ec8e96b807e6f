/**
 * What the bot counts as its own gift, and what it takes back: the rules of requests/givenAccess,
 * case by case (the whole bot proves them end to end in test/access/onlyWhatItGave.test.ts).
 */
import assert from 'node:assert/strict';
import { DirectoryError, type GrantOutcome } from '../../src/directory/directory';
import { type GivenGrant, planTakeBack, settleGrants, type StateBefore } from '../../src/requests/givenAccess';
import { requestDraft } from '../support/requestDraft';

const group = (resourceId: string) => ({ kind: 'group' as const, resourceId, groupId: `group-of-${resourceId}` });
const outcome = (resourceId: string, result: GrantOutcome['result'], transient = false): GrantOutcome => ({
  grant: group(resourceId),
  result,
  ...(result === 'failed' ? { error: new DirectoryError('no', { status: transient ? 503 : 404, code: 'x', transient }) } : {}),
});

describe('which grants the bot gave', () => {
  const cases: Array<{ what: string; outcome: GrantOutcome; before: StateBefore; botsAccount: boolean; given: boolean; forgotten: boolean }> = [
    { what: 'added now', outcome: outcome('r', 'granted'), before: 'fresh', botsAccount: false, given: true, forgotten: false },
    {
      what: 'there already, first asked now: someone else gave it',
      outcome: outcome('r', 'alreadyPresent'),
      before: 'fresh',
      botsAccount: true,
      given: false,
      forgotten: true,
    },
    {
      what: 'there already, the bot gave it before',
      outcome: outcome('r', 'alreadyPresent'),
      before: 'given',
      botsAccount: false,
      given: true,
      forgotten: false,
    },
    {
      what: 'there already after a lost answer, on an account the bot created',
      outcome: outcome('r', 'alreadyPresent'),
      before: 'adding',
      botsAccount: true,
      given: true,
      forgotten: false,
    },
    {
      what: 'there already after a lost answer, on an account someone else created',
      outcome: outcome('r', 'alreadyPresent'),
      before: 'adding',
      botsAccount: false,
      given: false,
      forgotten: true,
    },
    { what: 'refused for good', outcome: outcome('r', 'failed'), before: 'fresh', botsAccount: true, given: false, forgotten: true },
    {
      what: 'failed for now: it may have been made',
      outcome: outcome('r', 'failed', true),
      before: 'fresh',
      botsAccount: true,
      given: false,
      forgotten: false,
    },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const settled = settleGrants([c.outcome, { grant: { kind: 'sponsor', sponsorId: 's' }, result: 'granted' }], new Map([['r', c.before]]), c.botsAccount);
      assert.deepEqual(settled, { given: c.given ? ['r'] : [], forgotten: c.forgotten ? ['r'] : [] });
    });
  }
});

describe('what ending a request takes back', () => {
  const row = (resourceId: string, state: GivenGrant['state'] = 'given'): GivenGrant => ({
    resourceId,
    state,
    requestId: 'GA-OTHER1',
    grant: group(resourceId),
  });
  const request = requestDraft({ resourceIds: ['a', 'b', 'c', 'd'] });
  const mine = {
    ...request,
    id: 'GA-MINE01',
    requestId: 'GA-MINE01',
    guestNumber: 1,
    state: 'invited' as const,
    version: 1,
    createdAt: '',
    updatedAt: '',
    removedResourceIds: ['d'],
  };
  const other = { ...mine, id: 'GA-OTHER1', requestId: 'GA-OTHER1', resourceIds: ['b'], removedResourceIds: undefined };

  it('removes what the bot gave and nobody else needs; keeps what another request needs; leaves what the bot did not give', () => {
    const plan = planTakeBack(mine, [row('a'), row('b'), row('d')], [other], true);
    assert.deepEqual(
      plan.remove.map((g) => g.resourceId),
      ['a'],
    );
    assert.deepEqual(plan.keptForOtherRequests, ['b']);
    assert.deepEqual(plan.notGivenByBot, ['c']);
    assert.equal(plan.accountIsTheBots, false, 'another request holds the account');
  });

  it('acts on the account only when the bot created it and no other request holds it', () => {
    assert.equal(planTakeBack(mine, [], [], true).accountIsTheBots, true);
    assert.equal(planTakeBack(mine, [], [], false).accountIsTheBots, false);
  });

  it('counts a grant whose answer was lost as the bot’s only on an account the bot created', () => {
    assert.deepEqual(
      planTakeBack(mine, [row('a', 'adding')], [], true).remove.map((g) => g.resourceId),
      ['a'],
    );
    assert.deepEqual(planTakeBack(mine, [row('a', 'adding')], [], false).notGivenByBot, ['a', 'b', 'c']);
  });
});
