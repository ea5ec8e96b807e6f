/**
 * `link GA-…` (`enlace GA-…`) and `email GA-…` (`correo GA-…`): the requester or the sponsor
 * asks for a fresh invitation link, or for Microsoft's invitation email, for a guest who has not
 * accepted yet (useCases/askForInvitation). This turn says what happened; the outcome follows in
 * a moment from the job (access/reinviteGuest). `requestId` is the guest's row: the request's id
 * for its first (or only) guest, `GA-…-2` and so on for the others (see useCases/findGuest).
 */
import type { TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import type { RequestRepository } from '../src/requests/requestRepository';
import { whyNoLink } from '../src/access/reinviteGuest';
import { senderOf } from '../src/http/identity';
import { askForInvitation, type AskedInvitation } from '../src/useCases/askForInvitation';
import { plainText } from '../cards/plainText';

export interface ReinviteDependencies {
  requests: RequestRepository;
  localDefaultUserId?: string;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
}

export async function askToReinvite(context: TurnContext, requestId: string, kind: AskedInvitation, deps: ReinviteDependencies): Promise<void> {
  const t = translatorFor(context.activity.locale);
  const ask = await askForInvitation(deps, kind, requestId, senderOf(context.activity, deps.localDefaultUserId), context.activity.from.name ?? '');
  if (ask.outcome !== 'mayAsk') {
    await context.sendActivity(
      ask.outcome === 'notFound'
        ? t('reinvite.notFound', { id: requestId })
        : whyNoLink(t, ask.request, ask.outcome === 'alreadyEmailed' ? ask.outcome : undefined),
    );
    return;
  }
  const { request } = ask;
  // Said before the ask is recorded: its job may answer within milliseconds, and must come second.
  await context.sendActivity(
    t(kind === 'sendFreshLink' ? 'freshLink.queued' : 'invitationEmail.queued', { id: request.requestId, guest: plainText(request.guestEmail) }),
  );
  const recorded = await ask.record();
  // The guest accepted (or the access ended) in the moment between: say so rather than nothing.
  if (recorded.outcome === 'notInvited') await context.sendActivity(whyNoLink(t, recorded.request));
}
