/**
 * `link GA-…` (`enlace GA-…`) and `email GA-…` (`correo GA-…`): the requester or the sponsor
 * asks for a fresh invitation link, or for Microsoft's invitation email, for a guest who has not
 * accepted yet. Microsoft emails the guest at most once an invitation (each email counts against
 * the guest's and the tenant's limits, and a repeat looks like spam): a second `email` gets a
 * plain answer and the way to a link instead. The turn only checks, records the ask and queues the work (Graph is never waited
 * on in a turn); the outcome follows in a moment from the job (access/reinviteGuest).
 */
import type { TurnContext } from 'botbuilder';
import { actsAsSponsor, isRequesterOf } from '../src/approvals/roles';
import { translatorFor } from '../src/i18n';
import type { AccessRequest, Actor } from '../src/requests/accessRequest';
import type { LinkAskedBy } from '../src/requests/jobs';
import type { RequestRepository } from '../src/requests/requestRepository';
import { whyNoLink } from '../src/access/reinviteGuest';
import { directoryUserIdOf } from '../src/http/identity';
import { plainText } from '../cards/plainText';

export interface ReinviteDependencies {
  requests: RequestRepository;
  localDefaultUserId?: string;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
}

type AskedReinvitation = 'sendFreshLink' | 'sendInvitationEmail';

interface Asker {
  isRequester: boolean;
  actsAsSponsor: boolean;
  /** Where their answer goes: the requester's chat when they are both (a local test). */
  role: LinkAskedBy;
  actor: Actor;
}

/** What this activity's sender is to the request; undefined when they are nobody to it. */
export function askerOf(
  context: TurnContext,
  request: AccessRequest | undefined,
  deps: Pick<ReinviteDependencies, 'localDefaultUserId' | 'localTestsAllowed'>,
): Asker | undefined {
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  if (!request || !userId) return undefined;
  const someone = { userId, conversationId: context.activity.conversation.id };
  const relation = { isRequester: isRequesterOf(someone, request), actsAsSponsor: actsAsSponsor(someone, request, deps.localTestsAllowed) };
  if (!relation.isRequester && !relation.actsAsSponsor) return undefined;
  return {
    ...relation,
    role: relation.isRequester ? 'requester' : 'sponsor',
    actor: { kind: 'user', id: userId, displayName: context.activity.from.name ?? '' },
  };
}

export async function askToReinvite(context: TurnContext, requestId: string, kind: AskedReinvitation, deps: ReinviteDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const request = await deps.requests.get(requestId);
  const asker = askerOf(context, request, deps);
  if (!request || !asker) {
    await context.sendActivity(t('reinvite.notFound', { id: requestId }));
    return;
  }
  if (request.state !== 'invited') {
    await context.sendActivity(whyNoLink(t, request));
    return;
  }
  if (kind === 'sendInvitationEmail' && request.invitationEmailed) {
    await context.sendActivity(whyNoLink(t, request, 'alreadyEmailed'));
    return;
  }
  // Said before the job is queued: the job may answer within milliseconds, and must come second.
  await context.sendActivity(
    t(kind === 'sendFreshLink' ? 'freshLink.queued' : 'invitationEmail.queued', { id: request.id, guest: plainText(request.guestEmail) }),
  );
  const asked = await deps.requests.recordAsk({
    id: request.id,
    states: ['invited'],
    actor: asker.actor,
    action: kind === 'sendFreshLink' ? 'freshLinkAsked' : 'invitationEmailAsked',
    detail: { by: asker.role },
    jobs: [{ kind, requestId: request.id, notice: asker.role }],
  });
  // The guest accepted (or the access ended) in the moment between: say so rather than nothing.
  if (!asked) await context.sendActivity(whyNoLink(t, (await deps.requests.get(request.id)) ?? request));
}
