/** The one table of the work that follows each change, and what the sweeper reads from it. */
import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config';
import type { AccessRequest } from '../../src/requests/accessRequest';
import { CARD_SETTLE_MS, EXTENSION_FOLLOW_UP, followUpOf, jobsFor, REQUEST_FOLLOW_UP, requestWorkOf, sweptWork } from '../../src/requests/followUp';
import { canAnswerExtension, canTransition, REQUEST_STATES } from '../../src/requests/lifecycle';
import { requestDraft } from '../support/requestDraft';

const settings = loadConfig({});
const now = new Date('2026-12-01T09:00:00.000Z');
const request = (changes: Partial<AccessRequest> = {}): AccessRequest => ({
  ...requestDraft(),
  id: 'GA-7K3QZP',
  requestId: 'GA-7K3QZP',
  guestNumber: 1,
  state: 'invited',
  version: 2,
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
  ...changes,
});
const kinds = (work: ReturnType<typeof jobsFor>) => work.map((job) => ('notice' in job ? `${job.kind}:${job.notice}` : job.kind));

describe('the work that follows a change', () => {
  it('is written for every transition the lifecycle allows, and for no other', () => {
    const allowed = REQUEST_STATES.flatMap((from) => REQUEST_STATES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`));
    const written = REQUEST_FOLLOW_UP.filter((row) => row.from !== 'new').map((row) => `${row.from}→${row.to}`);
    assert.deepEqual(written.sort(), allowed.sort());
    assert.ok(EXTENSION_FOLLOW_UP.every((row) => canAnswerExtension(row.from === 'open' ? undefined : row.from, row.to)));
  });

  it('refuses a transition nobody wrote work for, naming the table', () => {
    assert.throws(() => requestWorkOf('ended', 'invited'), /REQUEST_FOLLOW_UP/);
  });

  it("updates the sponsor's card on every change that shows on it", () => {
    for (const row of REQUEST_FOLLOW_UP.filter((r) => r.from !== 'new')) {
      assert.ok(
        row.work.some((item) => 'job' in item && item.job === 'updateApprovalCard'),
        `${row.from}→${row.to}`,
      );
    }
  });

  it('holds back the redraw of an approved card by CARD_SETTLE_MS, for the invitation that follows; every other redraw is due at once', () => {
    for (const row of REQUEST_FOLLOW_UP.filter((r) => r.from !== 'new')) {
      const redraw = jobsFor(row.work, { request: request(), now }, settings).find((job) => job.kind === 'updateApprovalCard');
      const expected = row.to === 'approved' ? now.getTime() + CARD_SETTLE_MS : undefined;
      assert.equal(redraw?.runAt?.getTime(), expected, `${row.from}→${row.to}`);
    }
  });

  it('counts timers from the change: the access from its end date, each owner stage from its opening', () => {
    const endsAt = '2026-12-31T09:00:00.000Z';
    const invited = jobsFor(requestWorkOf('approved', 'invited'), { request: request({ endsAt }), now }, settings);
    assert.deepEqual(kinds(invited), ['updateApprovalCard', 'notifyRequester:invited', 'offerExtension', 'endAccess']);
    assert.equal(invited.find((job) => job.kind === 'endAccess')?.runAt?.toISOString(), endsAt);

    const owners = jobsFor(
      requestWorkOf('pending_approval', 'pending_owner_approval'),
      { request: request(), now, openedStages: [{ stage: 1 }, { stage: 2 }] },
      settings,
    );
    assert.deepEqual(kinds(owners).filter((kind) => kind === 'deliverApprovalCard').length, 2);
    const expiry = owners.find((job) => job.kind === 'expireRequest' && 'stage' in job && job.stage === 2);
    assert.equal(expiry?.runAt?.getTime(), now.getTime() + settings.timing.approvalTimeoutMs);
  });

  it('sets when an invitation is withdrawn with the invitation, and queues its last reminder 3 days before and the withdrawal at it', () => {
    const work = requestWorkOf('approved', 'invited');
    const followUp = followUpOf(work, { now }, settings);
    const dueAt = new Date(now.getTime() + 30 * settings.timing.dayMs).toISOString();
    assert.equal(followUp.patch.withdrawalDueAt, dueAt);
    const jobs = followUp.jobsFor(request({ withdrawalDueAt: dueAt }));
    assert.deepEqual(
      jobs
        .filter((job) => job.kind === 'withdrawInvitation' || ('notice' in job && job.notice === 'withdrawalSoon'))
        .map((job) => [job.kind, job.runAt?.toISOString()]),
      [
        ['notifyRequester', new Date(Date.parse(dueAt) - 3 * settings.timing.dayMs).toISOString()],
        ['withdrawInvitation', dueAt],
      ],
    );
    // A short wait: the reminder halfway, never at the invitation itself.
    const short = loadConfig({ PENDING_GUEST_DAYS: '2' });
    const shortDue = new Date(now.getTime() + 2 * short.timing.dayMs).toISOString();
    const reminder = followUpOf(work, { now }, short)
      .jobsFor(request({ withdrawalDueAt: shortDue }))
      .find((job) => 'notice' in job && job.notice === 'withdrawalSoon');
    assert.equal(reminder?.runAt?.getTime(), now.getTime() + short.timing.dayMs);
    // Off: nothing set, nothing queued.
    const off = loadConfig({ PENDING_GUEST_DAYS: '0' });
    assert.deepEqual(followUpOf(work, { now }, off).patch.withdrawalDueAt, undefined);
    assert.ok(!kinds(followUpOf(work, { now }, off).jobsFor(request())).includes('withdrawInvitation'));
    // A guest who accepted once and was reset is followed again, but never withdrawn.
    assert.equal(followUpOf(requestWorkOf('accepted', 'invited'), { now }, settings).patch.withdrawalDueAt, undefined);
  });

  it('takes back what a withdrawn invitation gave, and tells the requester and the sponsor', () => {
    const jobs = kinds(jobsFor(requestWorkOf('invited', 'withdrawn'), { request: request({ state: 'withdrawn', invitedUserId: 'guest-id' }), now }, settings));
    assert.deepEqual(jobs, ['updateApprovalCard', 'notifyRequester:withdrawn', 'notifySponsor:withdrawn', 'endAccess']);
    assert.ok(sweptWork().some((work) => work.from === 'invited' && work.to === 'withdrawn' && work.job === 'endAccess' && work.onlyIf === 'accessGiven'));
  });

  it('takes back at once what a failed request gave, and nothing when it gave nothing', () => {
    const work = requestWorkOf('approved', 'failed');
    assert.ok(kinds(jobsFor(work, { request: request({ invitedUserId: 'guest-id' }), now }, settings)).includes('endAccess'));
    assert.ok(!kinds(jobsFor(work, { request: request(), now }, settings)).includes('endAccess'));
  });

  it('gives the sweeper each job a change calls for, but no card update and no timer', () => {
    const swept = sweptWork();
    assert.ok(swept.every((work) => work.job !== 'updateApprovalCard'));
    assert.ok(swept.every((work) => !['remindApprover', 'expireRequest', 'offerExtension', 'withdrawInvitation'].includes(work.job)));
    const acceptedFrom = (from: string) => swept.filter((work) => work.to === 'accepted' && work.from === from).map((work) => work.notice);
    assert.deepEqual(acceptedFrom('invited'), ['accepted', 'accepted']);
    assert.deepEqual(acceptedFrom('approved'), ['alreadyGuest']);
    assert.ok(swept.some((work) => work.to === 'approved' && work.job === 'provisionGuest' && work.queuedOnly));
  });
});
