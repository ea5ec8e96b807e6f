/**
 * `extend GA-…` (`ampliar GA-…`), and the **Extend** button of the `guests` list, which types it:
 * the sponsor asks for the choice to extend a guest's access now (useCases/askToExtend), and is
 * answered with the offer's own card, which says what extending would give (or why it cannot) and
 * takes the answer with its own check (useCases/answerExtension). The card is the confirmation:
 * nothing is extended until the sponsor clicks **Extend by … days** on it.
 */
import { CardFactory, type TurnContext } from 'botbuilder';
import { extensionCardFor } from '../cards/extensionCard';
import { plainText } from '../cards/plainText';
import { isSponsorOf } from '../src/approvals/roles';
import { senderOf } from '../src/http/identity';
import { translatorFor } from '../src/i18n';
import type { ExtensionSettings } from '../src/requests/extensionPlan';
import type { RequestRepository } from '../src/requests/requestRepository';
import { askToExtend } from '../src/useCases/askToExtend';

export interface ExtendAccessDependencies extends ExtensionSettings {
  requests: RequestRepository;
  localDefaultUserId?: string;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
}

export async function extendAccessCommand(context: TurnContext, requestId: string, deps: ExtendAccessDependencies): Promise<void> {
  const { activity } = context;
  const t = translatorFor(activity.locale);
  const sender = senderOf(activity, deps.localDefaultUserId);
  const ask = await askToExtend(deps, requestId, sender, activity.from.name ?? '');
  if (ask.outcome === 'notFound') {
    await context.sendActivity(t('reinvite.notFound', { id: requestId }));
    return;
  }
  const { request } = ask;
  const names = { id: request.requestId, guest: plainText(request.guestEmail), sponsor: plainText(request.sponsor.displayName) };
  if (ask.outcome === 'sponsorOnly') {
    await context.sendActivity(t('guestList.extendSponsorOnly', names));
    return;
  }
  if (ask.outcome === 'notGranted') {
    // Still given, but its end has come: the end of access is about to run.
    const ending = request.state === 'invited' || request.state === 'accepted';
    await context.sendActivity(
      ending ? t('guestList.extendTooLate', names) : t('guestList.extendNotGranted', { ...names, state: t(`requestState.${request.state}`) }),
    );
    return;
  }
  // The sponsor's own Teams id lets Teams refresh the card for them as the offer moves on.
  const card = extensionCardFor(request, ask.offeredFor, deps, {
    locale: activity.locale ?? 'en',
    isSponsor: true,
    sponsorMri: isSponsorOf(sender, request) ? activity.from.id : undefined,
  });
  await context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}
