/**
 * What can be done when an invitation link does not get the guest in: a fresh link, Microsoft's
 * own invitation email (with the one sentence that says when it is the better way), and for the
 * sponsor a reset of the guest's redemption. The buttons go under every message that hands a link
 * on, and on the sponsor's and the requester's cards. Each is an `Action.Execute` with verb
 * `command` whose turn runs exactly as typing the command would (see GuestAccessBot).
 */
import type { Attachment } from 'botbuilder';
import { translatorFor, type Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { plainText } from './plainText';
import { type CommandButton, commandCardAttachment } from './commandCard';
import { guestTarget } from './guestTarget';

/**
 * The buttons that apply to the request now: while the guest has not accepted, a fresh link and
 * (unless Microsoft has emailed them already) Microsoft's email; for the sponsor, once invited, a
 * reset of redemption and ending the access now; for the requester of an expired request, or one
 * whose invitation was withdrawn, filing it again (only the requester may: the new request is theirs).
 */
export function followUpButtons(
  t: Translate,
  request: Pick<AccessRequest, 'id' | 'requestId' | 'guestNumber' | 'guestEmail' | 'state' | 'invitationEmailed'>,
  viewer: {
    forSponsor: boolean;
    /** The request asks for other guests too, so each button names this one (known without asking for any guest after the first). */
    severalGuests?: boolean;
  },
): CommandButton[] {
  const { forSponsor } = viewer;
  const id = guestTarget(request, viewer.severalGuests ?? request.guestNumber > 1);
  const invited = request.state === 'invited';
  const granted = invited || request.state === 'accepted';
  return [
    ...(invited ? [{ title: t('linkChoices.freshLink'), command: t('linkChoices.freshLinkCommand', { id }) }] : []),
    ...(invited && !request.invitationEmailed ? [{ title: t('linkChoices.email'), command: t('linkChoices.emailCommand', { id }) }] : []),
    ...(forSponsor && granted ? [{ title: t('linkChoices.reset'), command: t('linkChoices.resetCommand', { id }) }] : []),
    ...(forSponsor && granted ? [{ title: t('endAccess.button'), command: t('endAccess.command', { id }) }] : []),
    ...(!forSponsor && (request.state === 'expired' || request.state === 'withdrawn')
      ? [{ title: t('requestAgain.button'), command: t('requestAgain.command', { id }) }]
      : []),
  ];
}

interface LinkChoicesView {
  /** Invited, with the link just handed on. */
  request: Pick<AccessRequest, 'id' | 'requestId' | 'guestNumber' | 'state' | 'guestEmail' | 'invitationEmailed'>;
  /** The language of whoever reads the message. */
  locale: string;
  forSponsor: boolean;
  /** The request asks for other guests too: each button names this one (requests/requestRepository.isOneOfSeveral). */
  severalGuests?: boolean;
}

export function linkChoicesAttachment(view: LinkChoicesView): Attachment {
  const t = translatorFor(view.locale);
  const guest = plainText(view.request.guestEmail);
  // Once Microsoft has emailed the guest, the message says so; offering it again would confuse.
  const advice = view.request.invitationEmailed ? t('linkChoices.freshLinkOnly', { guest }) : t('linkChoices.emailIsBetter', { guest });
  return commandCardAttachment(advice, followUpButtons(t, view.request, view));
}
