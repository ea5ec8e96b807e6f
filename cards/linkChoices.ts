/**
 * What can be done when an invitation link does not get the guest in, under every message that
 * hands one on: a fresh link, Microsoft's own invitation email (with the one sentence that says
 * when it is the better way), and for the sponsor a reset of the guest's redemption. A button
 * sends the same text as typing the command would, so clients without card actions lose nothing.
 */
import { Template } from 'adaptivecards-templating';
import { type Attachment, CardFactory } from 'botbuilder';
import { translatorFor } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { plainText } from '../src/teams/plainText';
import template from './linkChoices.json';

export interface LinkChoicesView {
  request: Pick<AccessRequest, 'id' | 'guestEmail' | 'invitationEmailed'>;
  /** The language of whoever reads the message. */
  locale: string;
  /** The sponsor may also reset the guest's redemption. */
  forSponsor: boolean;
}

export function linkChoicesAttachment(view: LinkChoicesView): Attachment {
  const t = translatorFor(view.locale);
  const { id } = view.request;
  const guest = plainText(view.request.guestEmail);
  // Once Microsoft has emailed the guest, the message says so; offering it again would confuse.
  const offerEmail = !view.request.invitationEmailed;
  const actions = [
    { title: t('linkChoices.freshLink'), command: t('linkChoices.freshLinkCommand', { id }) },
    ...(offerEmail ? [{ title: t('linkChoices.email'), command: t('linkChoices.emailCommand', { id }) }] : []),
    ...(view.forSponsor ? [{ title: t('linkChoices.reset'), command: t('linkChoices.resetCommand', { id }) }] : []),
  ];
  const advice = offerEmail ? t('linkChoices.emailIsBetter', { guest }) : t('linkChoices.freshLinkOnly', { guest });
  const card = new Template(template).expand({ $root: { advice, actions } });
  return CardFactory.adaptiveCard(card);
}
