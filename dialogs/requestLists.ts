/**
 * `status` (`estado`) and `pending` (`pendientes`): the requester's own requests as one card, and
 * the approvals waiting on the sponsor (and, for a resource owner, the stages waiting on them) as
 * their approval cards, which decide in place with the same check as the card in their chat.
 */
import type { TurnContext } from 'botbuilder';
import { approvalCardAttachment } from '../cards/approvalCard';
import { statusCardAttachment } from '../cards/statusCard';
import { translatorFor } from '../src/i18n';
import { type ResourceCatalog, resourcesByIds } from '../src/requests/catalog';
import type { RequestRepository } from '../src/requests/requestRepository';
import { directoryUserIdOf } from '../src/http/identity';

export interface RequestListsDependencies {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  localDefaultUserId?: string;
}

/** A card is limited in size: this many requests on one, the rest counted. */
const PAGE = 10;

export async function showStatus(context: TurnContext, deps: RequestListsDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const { requests, total } = userId ? await deps.requests.filedBy(userId, PAGE) : { requests: [], total: 0 };
  if (requests.length === 0) {
    await context.sendActivity(translatorFor(locale)('status.none'));
    return;
  }
  await context.sendActivity({ attachments: [statusCardAttachment({ requests, older: total - requests.length, catalog: deps.catalog, locale })] });
}

export async function showPendingApprovals(context: TurnContext, deps: RequestListsDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const t = translatorFor(locale);
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  const { requests, total } = userId ? await deps.requests.awaitingDecisionBy(userId, PAGE) : { requests: [], total: 0 };
  // As a resource owner too: the stages waiting for them, after their sponsor's approvals.
  const stages = userId && requests.length < PAGE ? await deps.requests.stagesAwaitingDecisionBy(userId, PAGE - requests.length) : [];
  if (requests.length + stages.length === 0) {
    await context.sendActivity(t('pending.none'));
    return;
  }
  const cards = [
    ...requests.map((request) =>
      approvalCardAttachment({ request, resources: resourcesByIds(deps.catalog, request.resourceIds), locale, viewerIsSponsor: true }),
    ),
    ...stages.map(({ request, stage }) =>
      approvalCardAttachment({ request, resources: resourcesByIds(deps.catalog, request.resourceIds), stage, locale, viewerIsSponsor: true }),
    ),
  ];
  await context.sendActivity({ text: t('pending.intro', { count: total + stages.length }), attachments: cards, attachmentLayout: 'list' });
  if (total > requests.length) await context.sendActivity(t('pending.more', { count: total - requests.length }));
}
