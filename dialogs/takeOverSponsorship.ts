/**
 * `sponsor GA-…` (`patrocinador GA-…`, the **I'll sponsor** button) and `sponsor GA-… someone@contoso.com`:
 * the requester, or the old sponsor's manager the bot asked, takes over a request whose sponsor
 * left, or names another member to (useCases/takeOverSponsorship). A nominee the dialog would
 * refuse is refused in the dialog's words (sponsorAnswer), with the command to try again.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import type { Directory } from '../src/directory/directory';
import { senderOf } from '../src/http/identity';
import { ANSWER_LIMITS } from '../src/requests/answerLimits';
import type { RequestRepository } from '../src/requests/requestRepository';
import { takeOverSponsorship } from '../src/useCases/takeOverSponsorship';
import { plainText } from '../cards/plainText';
import { sponsorProblemText } from './sponsorAnswer';

export interface TakeOverSponsorshipCommandDependencies {
  requests: RequestRepository;
  directory: Pick<Directory, 'getUser' | 'findUserByAddress'>;
  localDefaultUserId?: string;
}

export async function takeOverSponsorshipCommand(
  context: TurnContext,
  requestId: string,
  nominee: string,
  deps: TakeOverSponsorshipCommandDependencies,
): Promise<void> {
  const t = translatorFor(context.activity.locale);
  if (nominee.length > ANSWER_LIMITS.sponsor) {
    await context.sendActivity(t('dialog.sponsor.tooLong', { max: ANSWER_LIMITS.sponsor }));
    return;
  }
  // The person sees the bot is working while it asks the directory.
  await context.sendActivity({ type: ActivityTypes.Typing });
  const someone = {
    ...senderOf(context.activity, deps.localDefaultUserId),
    displayName: context.activity.from.name ?? '',
    locale: context.activity.locale ?? 'en',
  };
  const taken = await takeOverSponsorship(deps, requestId, someone, nominee);
  const command = t('sponsorship.nameCommand', { id: requestId });
  switch (taken.outcome) {
    case 'notFound':
      await context.sendActivity(t('sponsorship.notFound', { id: requestId }));
      return;
    case 'hasSponsor':
      await context.sendActivity(t('sponsorship.hasSponsor', { id: requestId, sponsor: plainText(taken.request.sponsor.displayName) }));
      return;
    case 'refused': {
      const name = plainText(taken.candidate?.displayName ?? nominee);
      const why = taken.problem === 'isGuest' ? t('sponsorship.isGuest', { name, command }) : sponsorProblemText(t, taken.problem, nominee, taken.candidate);
      await context.sendActivity(taken.problem === 'isGuest' ? why : `${why}\n\n${t('sponsorship.tryAgain', { command })}`);
      return;
    }
    case 'tookOver':
      await context.sendActivity(
        t('sponsorship.tookOver', { id: requestId, sponsor: plainText(taken.sponsor.displayName), guest: plainText(taken.request.guestEmail) }),
      );
  }
}
