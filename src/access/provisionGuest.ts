/**
 * After approval, for every guest the approval gave (one job for the request, however many guests
 * it has; a refusal fails that guest only): the guest policy once more (it may have changed since
 * the request was filed), a message to the requester that it is under way, the tenant's own
 * settings read anew and the addresses looked up (once for all the guests), each invitation, then
 * every membership, app role and sponsor of them all in one Graph batch (up to 20 calls a batch),
 * then each guest moves to `invited` (in one transaction, so the card and the requester's message
 * are redrawn once) with the notices that follow. Any step can run again after a crash, or on another instance, without repeating
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
import type { DirectoryUser, GrantOutcome, RevocableGrant } from '../directory/directory';
import { translatorFor } from '../i18n';
import { maskPersonalData } from '../logging/personalData';
import { grantsFor } from '../requests/accessPlan';
import { throwIfAnyFailed } from './partialFailure';
import { settleGrants, type StateBefore } from '../requests/givenAccess';
import type { AccessRequest } from '../requests/accessRequest';
import { type JobLease, JobMustWait } from '../requests/jobs';
import type { StateChange } from '../requests/requestRepository';
import { type Resource, resourcesByIds } from '../requests/catalog';
import type { FailureReason } from '../requests/failureReason';
import type { TenantPolicyCheck } from '../requests/tenantPolicy';
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
      // The job is the request's: it provisions every guest of it the approval gave (and a retry, those still left).
      const guests = (await ctx.requests.guestsOfRequest(job.requestId)).filter((guest) => guest.state === 'approved');
      if (guests.length === 0) return;
      const resources = catalogEntriesOf(ctx, guests[0]);
      await postStatusMessageOnce(ctx, job.requestId, guests, job.lease);

      // Each guest on their own: a refusal for one (the policy, the tenant, Entra) fails that guest only.
      const refused: Array<{ guest: AccessRequest; error: PermanentJobError }> = [];
      let retryLater: unknown;
      const keep = (guest: AccessRequest, error: unknown) => {
        if (error instanceof JobMustWait) throw error;
        if (error instanceof PermanentJobError) refused.push({ guest, error });
        else retryLater ??= error;
      };
      // Every guest held first (no other request of theirs grants or takes away meanwhile), in the
      // order of their addresses, so two jobs sharing guests never hold one each and wait for the other.
      const held: AccessRequest[] = [];
      for (const guest of [...guests].sort((a, b) => a.guestEmail.localeCompare(b.guestEmail))) {
        try {
          assertGuestStillAllowed(ctx, guest);
          await holdGuestOf(ctx, guest, job.lease);
          held.push(guest);
        } catch (error) {
          keep(guest, error);
        }
      }
      // Then what every invitation needs, read once for them all.
      const putOff = (error: unknown): undefined => {
        retryLater ??= error;
        return undefined;
      };
      const tenantSays = await tenantChecks(ctx, held).catch(putOff);
      const lookedUp = await lookUps(ctx, held).catch(putOff);
      const ready: AccessRequest[] = [];
      for (const guest of held) {
        if ((needsTenantCheck(guest) && !tenantSays) || (needsLookUp(guest) && !lookedUp)) continue;
        try {
          ready.push(await invited(ctx, guest, { resources, tenantSays: tenantSays?.get(guest.id), lookedUp: lookedUp?.get(guest.guestEmail) }, job.lease));
        } catch (error) {
          keep(guest, error);
        }
      }

      const granted = await grantRecorded(ctx, ready, resources, job.lease);
      const changes: StateChange[] = refused.map(({ guest, error }) => failure(guest.id, error, job.lease));
      for (const { guest, outcomes } of granted) {
        try {
          throwIfAnyFailed(outcomes, 'grant');
        } catch (error) {
          if (error instanceof PermanentJobError) changes.push(failure(guest.id, error, job.lease));
          else retryLater ??= error;
          continue;
        }
        const invitedUserId = guest.invitedUserId as string;
        const alreadyGuest = hadAcceptedBefore(guest);
        const detail = { invitedUserId, grants: outcomes.map((o) => ({ kind: o.grant.kind, result: o.result })) };
        // From here the access runs until its end date, and an invited guest is watched until they accept (requests/followUp.ts).
        changes.push({
          id: guest.id,
          from: 'approved',
          to: alreadyGuest ? 'accepted' : 'invited',
          actor: { kind: 'system' },
          detail: alreadyGuest ? { ...detail, alreadyGuest: true } : detail,
        });
      }
      // Every guest settled now in one change, so the card and the requester's message are redrawn once.
      await ctx.requests.transitionEach(changes, job.lease);
      // The guests a passing failure held back are tried again with the job; the others are not touched again.
      if (retryLater !== undefined) throw retryLater;
    },

    async giveUp(job, error) {
      const reason: FailureReason = error instanceof PermanentJobError ? (error.reason as FailureReason) : 'unavailable';
      const left = (await ctx.requests.guestsOfRequest(job.requestId)).filter((guest) => guest.state === 'approved');
      await ctx.requests.transitionEach(
        left.map((guest) => ({
          ...failure(guest.id, error, job.lease),
          patch: { failureReason: reason, inviteRedeemUrl: undefined },
        })),
        job.lease,
      );
    },
  };
}

/** A guest who cannot be provisioned: failed, with the link forgotten (a credential to a request that gives nothing). */
function failure(id: string, error: unknown, lease: JobLease): StateChange {
  const reason: FailureReason = error instanceof PermanentJobError ? (error.reason as FailureReason) : 'unavailable';
  return {
    id,
    from: 'approved',
    to: 'failed',
    actor: { kind: 'system' },
    patch: { failureReason: reason, inviteRedeemUrl: undefined },
    detail: { error: maskPersonalData(error instanceof Error ? error.message : String(error)) },
    lease,
  };
}

/** One guest, held, invited (or found to need no invitation): the guest as recorded after. */
async function invited(ctx: JobContext, guest: AccessRequest, before: BeforeInviting, lease: JobLease): Promise<AccessRequest> {
  const { tenantSays } = before;
  if (tenantSays && !tenantSays.ok) {
    throw new PermanentJobError(
      `The tenant's own setting no longer allows this guest (${tenantSays.problem}, domain ${domainOf(guest.guestEmail)}): ${tenantSays.setting}.`,
      tenantSays.problem,
    );
  }
  return guest.invitedUserId ? guest : invite(ctx, guest, before.resources, before.lookedUp, lease);
}

/** What was read for every guest at once before inviting any: the catalog entries, the tenant's word, the look-up of the address. */
interface BeforeInviting {
  resources: Resource[];
  tenantSays?: TenantPolicyCheck;
  lookedUp?: DirectoryUser;
}

/** The first attempt looks the address up (see invite); a later one follows what it recorded. */
function needsLookUp(guest: AccessRequest): boolean {
  return !guest.invitedUserId && guest.invitationStartedAt === undefined;
}

/** Every address the first attempt looks up, in one `$batch`: who is there already. */
async function lookUps(ctx: JobContext, guests: readonly AccessRequest[]): Promise<Map<string, DirectoryUser | undefined>> {
  const addresses = guests.filter(needsLookUp).map((guest) => guest.guestEmail);
  return addresses.length === 0 ? new Map() : ctx.directory.findUsersByAddresses(addresses);
}

/**
 * Not for a guest who had accepted when it was filed, nor one invited already: they are not invited
 * (again), and Entra's lists do not apply to them.
 */
function needsTenantCheck(guest: AccessRequest): boolean {
  return !guest.invitedUserId && guest.existingGuest?.state !== 'Accepted';
}

/**
 * The tenant's own external-collaboration settings, read anew (once for every guest about to be
 * invited): a block added since the request was filed stops that guest here, before Graph is asked,
 * and the failure names the setting. Throws when Graph cannot answer just now.
 */
async function tenantChecks(ctx: JobContext, guests: readonly AccessRequest[]): Promise<Map<string, TenantPolicyCheck>> {
  const checked = guests.filter(needsTenantCheck);
  if (checked.length === 0) return new Map();
  const results = await ctx.tenantPolicy.checkNowEach(checked.map((guest) => guest.guestEmail));
  return new Map(checked.map((guest, index) => [guest.id, results[index]]));
}

/** The same address rules as when the request was filed, with today's settings. */
function assertGuestStillAllowed(ctx: JobContext, request: AccessRequest): void {
  const policy = { ...ctx.guestPolicy, internalDomains: [...ctx.guestPolicy.internalDomains, domainOf(request.requester.address)] };
  const check = checkGuestAddress(request.guestEmail, policy);
  if (!check.ok) {
    throw new PermanentJobError(`The guest policy no longer allows this guest (${check.problem}, domain ${domainOf(request.guestEmail)}).`, check.problem);
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
 * Tells the requester the sponsor approved and the invitations are under way, in a message the
 * outcome will replace (one for the request, however many guests it has: kept on its first
 * guest's row). Without it (Teams unreachable just now) provisioning goes on, and the outcome is
 * posted as a message of its own.
 */
async function postStatusMessageOnce(ctx: JobContext, requestId: string, approved: readonly AccessRequest[], lease: JobLease): Promise<void> {
  const first = approved[0].id === requestId ? approved[0] : await ctx.requests.get(requestId);
  if (!first || first.statusMessageId) return;
  const t = translatorFor(first.requesterLocale);
  const names = { id: requestId, sponsor: plainText(first.sponsor.displayName), guest: plainText(approved[0].guestEmail), count: approved.length };
  // A guest who had accepted when the request was filed is not invited: say what will happen.
  const text =
    approved.length > 1
      ? t('notify.underWayMany', names)
      : t(approved[0].existingGuest?.state === 'Accepted' ? 'notify.underWayExisting' : 'notify.underWay', names);
  let statusMessageId: string;
  try {
    statusMessageId = await ctx.messenger.post(first.requesterConversationId, { type: 'message', text, textFormat: 'markdown' });
  } catch {
    return;
  }
  await ctx.requests.update(requestId, { statusMessageId }, { kind: 'system' }, 'statusMessagePosted', lease);
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
async function invite(
  ctx: JobContext,
  request: AccessRequest,
  resources: Resource[],
  existing: DirectoryUser | undefined,
  lease: JobLease,
): Promise<AccessRequest> {
  const resumed = request.invitationStartedAt !== undefined;
  if (!resumed) {
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
 * Grants the access and the sponsor relation of every guest ready for it in one `$batch` (up to 20
 * calls, across guests), marking beforehand what is being added and settling afterwards which of
 * it the bot gave (see requests/givenAccess.settleGrants), guest by guest.
 */
async function grantRecorded(
  ctx: JobContext,
  guests: readonly AccessRequest[],
  resources: readonly Resource[],
  lease: JobLease,
): Promise<Array<{ guest: AccessRequest; outcomes: GrantOutcome[] }>> {
  if (guests.length === 0) return [];
  const plans = [];
  for (const guest of guests) {
    const guestId = guest.invitedUserId as string;
    const grants = grantsFor(guest, resources);
    const revocable = grants.filter((grant): grant is RevocableGrant => grant.kind !== 'sponsor');
    const rows = new Map((await ctx.given.of(guestId)).map((row) => [row.resourceId, row.state]));
    const fresh = new Set(
      await ctx.given.markAdding(
        guestId,
        guest.id,
        revocable.map((grant) => ({ resourceId: grant.resourceId, grant })),
        lease,
      ),
    );
    const before = new Map<string, StateBefore>(
      revocable.map((grant) => [grant.resourceId, fresh.has(grant.resourceId) ? 'fresh' : (rows.get(grant.resourceId) ?? 'fresh')]),
    );
    plans.push({ guest, guestId, grants, before });
  }
  const outcomes = await ctx.directory.grantEach(plans.map(({ guestId, grants }) => ({ userId: guestId, grants })));
  const settled = [];
  for (const [index, { guest, guestId, before }] of plans.entries()) {
    const accountCreatedByBot = guest.createdGuestAccount === true || (await ctx.given.accountCreatedByBot(guestId));
    await ctx.given.settle(guestId, guest.id, settleGrants(outcomes[index], before, accountCreatedByBot), lease);
    settled.push({ guest, outcomes: outcomes[index] });
  }
  return settled;
}
