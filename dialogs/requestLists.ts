/**
 * `status` (`estado`) and `pending` (`pendientes`): the requester's own requests as one card, and
 * the approvals waiting on the sponsor (and, for a resource owner, the stages waiting on them) as
 * their approval cards, which decide in place with the same check as the card in their chat.
 */
import type { TurnContext } from 'botbuilder';
import { approvalCardAttachment } from '../cards/approvalCard';
import { statusCardAttachment } from '../cards/statusCard';
import { translatorFor, wordingFor } from '../src/i18n';
import { type ResourceCatalog, resourcesByIds } from '../src/requests/catalog';
import type { AccessRequest } from '../src/requests/accessRequest';
import type { ApprovalStage } from '../src/requests/approvalStage';
import type { RequestRepository } from '../src/requests/requestRepository';
import { directoryUserIdOf } from '../src/http/identity';
import { listAwaitingDecision, listOwnRequests } from '../src/useCases/requestLists';

export interface RequestListsDependencies {
  requests: RequestRepository;
  catalog: ResourceCatalog;
  localDefaultUserId?: string;
}

export async function showStatus(context: TurnContext, deps: RequestListsDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const own = await listOwnRequests(deps.requests, { userId: directoryUserIdOf(context.activity, deps.localDefaultUserId) });
  if (own.outcome === 'none') {
    await context.sendActivity(translatorFor(locale)('status.none'));
    return;
  }
  await context.sendActivity({ attachments: [statusCardAttachment({ requests: own.requests, older: own.older, catalog: deps.catalog, locale })] });
}

export async function showPendingApprovals(context: TurnContext, deps: RequestListsDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const t = translatorFor(locale);
  const waiting = await listAwaitingDecision(deps.requests, { userId: directoryUserIdOf(context.activity, deps.localDefaultUserId) });
  if (waiting.outcome === 'none') {
    await context.sendActivity(t('pending.none'));
    return;
  }
  const { approvals, stages, more } = waiting;
  const card = (request: AccessRequest, stage?: ApprovalStage) =>
    approvalCardAttachment({
      request,
      resources: resourcesByIds(deps.catalog, request.resourceIds),
      stage,
      wording: wordingFor(locale),
      viewerIsSponsor: true,
    });
  const cards = [...approvals.map((request) => card(request)), ...stages.map(({ request, stage }) => card(request, stage))];
  await context.sendActivity({ text: t('pending.intro', { count: approvals.length + more + stages.length }), attachments: cards, attachmentLayout: 'list' });
  if (more > 0) await context.sendActivity(t('pending.more', { count: more }));
}
