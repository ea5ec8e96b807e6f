/**
 * `guests` (`invitados`): the guests someone sponsors or asked for whose access is given or on its
 * way, as one card a page, soonest end first (useCases/requestLists). `guests 2` (`invitados 2`),
 * or the card's **Next** button, shows the next page: the page is in the command, so an old card's
 * button shows the list as it stands now rather than as it stood.
 */
import type { TurnContext } from 'botbuilder';
import { guestListCardAttachment } from '../cards/guestListCard';
import { commandOf, translatorFor } from '../src/i18n';
import type { ResourceCatalog } from '../src/requests/catalog';
import type { RequestRepository } from '../src/requests/requestRepository';
import { senderOf } from '../src/http/identity';
import { listGuests } from '../src/useCases/requestLists';

export interface GuestListDependencies {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  localDefaultUserId?: string;
  /** Unauthenticated runs: whoever holds a local-test card may act as its sponsor (see roles). */
  localTestsAllowed: boolean;
  clock?: () => Date;
}

/** Far more pages than anyone has guests for: a longer number is not a page. */
const PAGE_DIGITS = 4;

/** The page `guests`, `my guests 2` or `invitados 3` asks for (1 when none is said); undefined when the text is not that command. */
export function guestListPageIn(text: string): number | undefined {
  const typed = new RegExp(`^(.*?)(?:\\s+(\\d{1,${PAGE_DIGITS}}))?$`).exec(text.trim());
  if (!typed || !commandOf(typed[1], ['guests'])) return undefined;
  return typed[2] === undefined ? 1 : Math.max(1, Number(typed[2]));
}

export async function showGuests(context: TurnContext, page: number, deps: GuestListDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const t = translatorFor(locale);
  const list = await listGuests(deps, senderOf(context.activity, deps.localDefaultUserId), page);
  if (list.outcome === 'none') {
    await context.sendActivity(t('guestList.none'));
    return;
  }
  if (list.outcome === 'noSuchPage') {
    await context.sendActivity(t('guestList.noSuchPage', { page, total: list.total, count: list.pages }));
    return;
  }
  const now = (deps.clock ?? (() => new Date()))();
  await context.sendActivity({ attachments: [guestListCardAttachment({ ...list, catalog: deps.catalog, locale, now })] });
}
