/**
 * After approval: the guest policy once more (it may have changed since the request was filed),
 * a message to the requester that it is under way, the tenant's own settings read anew, the invitation, then every membership, app
 * role and the sponsor in one Graph batch, then the request moves to `invited` with the notices
 * that follow. Any step can run again after a crash, or on another instance, without repeating
 * what people see:
 * - the intent to invite is recorded before Graph is called; an attempt that finds the intent but
 *   no invitation cannot know whether Graph made one, so it invites without an email: Graph then
 *   returns the same guest with a fresh redeem link, and the guest gets at most one email;
 * - grants that already exist count as done;
 * - the outcome updates the status message rather than posting another;
 * - every write carries the job's lease, so a worker that lost the job changes nothing.
 * The directory is shared, so the bot records what it gives (see requests/givenAccess): just before
 * the first invitation it looks the address up, so it knows whether its invitation creates the
 * account, and each grant is marked before it is asked for and settled after, so a membership
 * someone else gave is never taken for the bot's. It does so holding the guest (oneGuestAtATime):
 * no other request of the guest grants or takes away meanwhile.
 * An address that is already a guest who has accepted needs no invitation (there is nothing to
 * redeem): the access is added and the request is `accepted` at once, with the direct links. A
 * guest still `PendingAcceptance` is invited again as usual, which gives them a fresh link.
 * A provisioning that fails for good leaves the request `failed`, forgets its redeem link and
 * takes back whatever of the access it had given (an `endAccess` job): a failed request keeps
 * nothing.
 */
import type { GrantOutcome, RevocableGrant } from '../directory/directory';
import { translatorFor } from '../i18n';
import { maskPersonalData } from '../logging/personalData';
import { grantsFor } from '../requests/accessPlan';
import { throwIfAnyFailed } from './partialFailure';
import { settleGrants, type StateBefore } from '../requests/givenAccess';
import type { AccessRequest } from '../requests/accessRequest';
import type { JobLease } from '../requests/jobs';
import { type Resource, resourcesByIds } from '../requests/catalog';
import type { FailureReason } from '../requests/failureReason';
import { domainOf } from '../requests/domains';
import { checkGuestAddress } from '../requests/policy';
import { plainText } from '../../cards/plainText';
import { inviteGuest } from './invitation';
import { holdGuestOf } from '../jobs/oneGuestAtATime';
import type { JobContext } from '../jobs/jobContext';
import { PermanentJobError } from '../jobs/retryPolicy';
import type { JobHandler } from '../jobs/worker';

export function provisionGuest(ctx: JobContext): JobHandler {
  return {
    async run(job) {
      let request = await ctx.requests.get(job.requestId);
      if (!request || request.state !== 'approved') return;
      assertGuestStillAllowed(ctx, request);
      const resources = catalogEntriesOf(ctx, request);
      await holdGuestOf(ctx, request, job.lease);

      if (!request.statusMessageId) request = await postStatusMessage(ctx, request, job.lease);
      // Not for a guest who had accepted when it was filed: they are not invited again, and Entra's lists do not apply to them.
      if (!request.invitedUserId && request.existingGuest?.state !== 'Accepted') await assertTenantStillAllows(ctx, request);
      if (!request.invitedUserId) request = await invite(ctx, request, resources, job.lease);
      const invitedUserId = request.invitedUserId as string;
      const alreadyGuest = hadAcceptedBefore(request);

      const outcomes = await grantRecorded(ctx, request, invitedUserId, resources, job.lease);
      throwIfAnyFailed(outcomes, 'grant');

      const detail = { invitedUserId, grants: outcomes.map((o) => ({ kind: o.grant.kind, result: o.result })) };
      // From here the access runs until its end date, and an invited guest is watched until they accept (requests/followUp.ts).
      await ctx.requests.transition({
        id: request.id,
        from: 'approved',
        to: alreadyGuest ? 'accepted' : 'invited',
        actor: { kind: 'system' },
        detail: alreadyGuest ? { ...detail, alreadyGuest: true } : detail,
        lease: job.lease,
      });
    },

    async giveUp(job, error) {
      const reason: FailureReason = error instanceof PermanentJobError ? (error.reason as FailureReason) : 'unavailable';
      await ctx.requests.transition({
        id: job.requestId,
        from: 'approved',
        to: 'failed',
        actor: { kind: 'system' },
        // The link is a credential to a request that gives nothing: it is not kept.
        patch: { failureReason: reason, inviteRedeemUrl: undefined },
        detail: { error: maskPersonalData(error instanceof Error ? error.message : String(error)) },
        lease: job.lease,
      });
    },
  };
}

/** The same address rules as when the request was filed, with today's settings. */
function assertGuestStillAllowed(ctx: JobContext, request: AccessRequest): void {
  const policy = { ...ctx.guestPolicy, internalDomains: [...ctx.guestPolicy.internalDomains, domainOf(request.requester.address)] };
  const check = checkGuestAddress(request.guestEmail, policy);
  if (!check.ok) {
    throw new PermanentJobError(`The guest policy no longer allows this guest (${check.problem}, domain ${domainOf(request.guestEmail)}).`, check.problem);
  }
}

/**
 * The tenant's own external-collaboration settings, read anew: a block added since the request was
 * filed stops it here, before Graph is asked, and the failure names the setting.
 */
async function assertTenantStillAllows(ctx: JobContext, request: AccessRequest): Promise<void> {
  const check = await ctx.tenantPolicy.checkNow(request.guestEmail);
  if (!check.ok) {
    throw new PermanentJobError(
      `The tenant's own setting no longer allows this guest (${check.problem}, domain ${domainOf(request.guestEmail)}): ${check.setting}.`,
      check.problem,
    );
  }
}

function catalogEntriesOf(ctx: JobContext, request: AccessRequest): Resource[] {
  try {
    return resourcesByIds(ctx.catalog, request.resourceIds);
  } catch (error) {
    throw new PermanentJobError((error as Error).message, 'resourceMissing');
  }
}

/**
 * Tells the requester the sponsor approved and the invitation is under way, in a message the
 * outcome will replace. Without it (Teams unreachable just now) provisioning goes on, and the
 * outcome is posted as a message of its own.
 */
async function postStatusMessage(ctx: JobContext, request: AccessRequest, lease: JobLease): Promise<AccessRequest> {
  const t = translatorFor(request.requesterLocale);
  // A guest who had accepted when the request was filed is not invited: say what will happen.
  const key = request.existingGuest?.state === 'Accepted' ? 'notify.underWayExisting' : 'notify.underWay';
  const text = t(key, { id: request.id, sponsor: plainText(request.sponsor.displayName), guest: plainText(request.guestEmail) });
  let statusMessageId: string;
  try {
    statusMessageId = await ctx.messenger.post(request.requesterConversationId, { type: 'message', text, textFormat: 'markdown' });
  } catch {
    return request;
  }
  return ctx.requests.update(request.id, { statusMessageId }, { kind: 'system' }, 'statusMessagePosted', lease);
}

/**
 * A guest who had accepted before this request (found by the lookup, or so named by Graph's
 * answer to the invitation) is recorded with no redeem link; anyone invited is recorded with one.
 * Read from the request rather than from this attempt, so that a retry after a crash between the
 * invitation and the transition ends the request the same way.
 */
function hadAcceptedBefore(request: AccessRequest): boolean {
  return request.inviteRedeemUrl === undefined;
}

/**
 * The first attempt looks the address up: a guest who has accepted needs no invitation, and
 * whether anyone is there at all says whether the invitation creates the account. It records that
 * with its intent to invite; a later attempt may follow an invitation Graph did make.
 */
async function invite(ctx: JobContext, request: AccessRequest, resources: Resource[], lease: JobLease): Promise<AccessRequest> {
  const resumed = request.invitationStartedAt !== undefined;
  if (!resumed) {
    const existing = await ctx.directory.findUserByAddress(request.guestEmail);
    if (existing?.userType === 'Guest' && existing.externalUserState === 'Accepted') {
      return ctx.requests.update(request.id, { invitedUserId: existing.id, createdGuestAccount: false }, { kind: 'system' }, 'existingGuestFound', lease);
    }
    request = await ctx.requests.update(
      request.id,
      { invitationStartedAt: ctx.clock().toISOString(), createdGuestAccount: existing === undefined },
      { kind: 'system' },
      'invitationStarted',
      lease,
    );
  }
  const sendInvitationMessage = ctx.sendInvitationEmail && !resumed;
  const invitation = await inviteGuest(ctx, request, resources, { sendInvitationMessage });
  // `Completed`: the address is a guest who has redeemed already (another invitation accepted
  // since the request was filed, or the one a lost answer made), and their link has nothing to redeem.
  const alreadyRedeemed = invitation.status === 'Completed';
  return ctx.requests.update(
    request.id,
    {
      invitedUserId: invitation.invitedUserId,
      // An account that had already redeemed was not made by this invitation, whatever the look-up saw.
      ...(alreadyRedeemed ? { createdGuestAccount: false } : { inviteRedeemUrl: invitation.inviteRedeemUrl }),
      invitationEmailed: sendInvitationMessage,
    },
    { kind: 'system' },
    'invitationCreated',
    lease,
  );
}

/**
 * Grants the access and the sponsor relation in one batch, marking beforehand what is being added
 * and settling afterwards which of it the bot gave (see requests/givenAccess.settleGrants).
 */
async function grantRecorded(
  ctx: JobContext,
  request: AccessRequest,
  guestId: string,
  resources: readonly Resource[],
  lease: JobLease,
): Promise<GrantOutcome[]> {
  const grants = grantsFor(request, resources);
  const revocable = grants.filter((grant): grant is RevocableGrant => grant.kind !== 'sponsor');
  const rows = new Map((await ctx.given.of(guestId)).map((row) => [row.resourceId, row.state]));
  const fresh = new Set(
    await ctx.given.markAdding(
      guestId,
      request.id,
      revocable.map((grant) => ({ resourceId: grant.resourceId, grant })),
      lease,
    ),
  );
  const before = new Map<string, StateBefore>(
    revocable.map((grant) => [grant.resourceId, fresh.has(grant.resourceId) ? 'fresh' : (rows.get(grant.resourceId) ?? 'fresh')]),
  );
  const outcomes = await ctx.directory.grant(guestId, grants);
  const accountCreatedByBot = request.createdGuestAccount === true || (await ctx.given.accountCreatedByBot(guestId));
  await ctx.given.settle(guestId, request.id, settleGrants(outcomes, before, accountCreatedByBot), lease);
  return outcomes;
}
