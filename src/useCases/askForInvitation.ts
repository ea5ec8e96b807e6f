/**
 * The requester or the sponsor asks for a fresh invitation link, or for Microsoft's invitation
 * email, for a guest who has not accepted yet. Microsoft emails the guest at most once an
 * invitation (each email counts against the guest's and the tenant's limits, and a repeat looks
 * like spam), so a second email is refused. Nothing is sent here: the ask is recorded with its
 * job (access/reinviteGuest), whose outcome reaches the asker in a moment. Someone else's request
 * is answered like one that does not exist: ids are quoted in chats.
 *
 * Checking and recording are two steps, the second a `record()` that only a passed check carries:
 * the caller says "queued" between them, because the job may answer within milliseconds and its
 * answer must come second. A record that travels with the check cannot be made without one, nor
 * for another request or another asker than the one checked.
 */
import { askerOf, type Someone } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import type { ReinvitationKind } from '../requests/jobs';
import type { RequestRepository } from '../requests/requestRepository';

interface InvitationAskDependencies {
  requests: RequestRepository;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
}

/** What the asker wants: a fresh link, or Microsoft's email. */
export type AskedInvitation = Extract<ReinvitationKind, 'sendFreshLink' | 'sendInvitationEmail'>;

/** After the ask is recorded: its job is queued, or the guest accepted (or the access ended) in the moment between. */
type RecordedInvitationAsk = { outcome: 'asked' } | { outcome: 'notInvited'; request: AccessRequest };

type InvitationAsk =
  | { outcome: 'notFound' }
  | { outcome: 'notInvited'; request: AccessRequest }
  | { outcome: 'alreadyEmailed'; request: AccessRequest }
  | { outcome: 'mayAsk'; request: AccessRequest; record(): Promise<RecordedInvitationAsk> };

export async function askForInvitation(
  deps: InvitationAskDependencies,
  kind: AskedInvitation,
  requestId: string,
  someone: Someone,
  displayName: string,
): Promise<InvitationAsk> {
  const request = await deps.requests.get(requestId);
  const asker = request && askerOf(someone, displayName, request, deps.localTestsAllowed);
  if (!request || !asker) return { outcome: 'notFound' };
  if (request.state !== 'invited') return { outcome: 'notInvited', request };
  if (kind === 'sendInvitationEmail' && request.invitationEmailed) return { outcome: 'alreadyEmailed', request };
  return {
    outcome: 'mayAsk',
    request,
    async record() {
      const asked = await deps.requests.recordAsk({
        id: request.id,
        states: ['invited'],
        actor: asker.actor,
        action: kind === 'sendFreshLink' ? 'freshLinkAsked' : 'invitationEmailAsked',
        detail: { by: asker.role },
        jobs: [{ kind, requestId: request.id, notice: asker.role }],
      });
      return asked ? { outcome: 'asked' } : { outcome: 'notInvited', request: (await deps.requests.get(request.id)) ?? request };
    },
  };
}
