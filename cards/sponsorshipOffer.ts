/**
 * The offer to take over a request whose sponsor left, as the requester and the old sponsor's
 * manager read it: what happens by when, and the two ways to answer (the **I'll sponsor** button,
 * which stands for `sponsor GA-…`, or the same command with another member's address).
 */
import { formatDate, type Translate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { CommandButton } from './commandCard';
import { plainText } from './plainText';

/** When the access ends if nobody takes over. */
export function orphanDeadline(request: Pick<AccessRequest, 'sponsorLeftAt'>, orphanGraceMs: number): string {
  return new Date(Date.parse(request.sponsorLeftAt ?? '') + orphanGraceMs).toISOString();
}

export function sponsorshipOfferText(
  t: Translate,
  request: Pick<AccessRequest, 'id' | 'guestEmail' | 'sponsorLeftAt'>,
  ctx: { clock: () => Date; sponsorCheck: { orphanGraceMs: number } },
  locale: string,
): string {
  return t('sponsorship.offer', {
    id: request.id,
    guest: plainText(request.guestEmail),
    deadline: formatDate(orphanDeadline(request, ctx.sponsorCheck.orphanGraceMs), locale, ctx.clock()),
    command: t('sponsorship.nameCommand', { id: request.id }),
  });
}

export function takeOverButton(t: Translate, requestId: string): CommandButton {
  return { title: t('sponsorship.takeOverButton'), command: t('sponsorship.takeOverCommand', { id: requestId }) };
}
