/**
 * `audit` (`auditoría`): for members of ADMIN_GROUP_ID, a short summary card of this month (counts
 * by state, the latest failures). Membership is asked of the directory on each use: a person
 * removed from the group loses it at once. Everyone else is told it is for admins.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { auditSummaryAttachment } from '../cards/auditSummaryCard';
import type { Directory } from '../src/directory/directory';
import { translatorFor } from '../src/i18n';
import type { RequestRepository } from '../src/requests/requestRepository';
import { directoryUserIdOf } from '../src/http/identity';

export interface AuditSummaryDependencies {
  requests: RequestRepository;
  directory: Pick<Directory, 'isMemberOf'>;
  adminGroupId?: string;
  localDefaultUserId?: string;
  clock?: () => Date;
}

const FAILURES_SHOWN = 5;

export async function showAuditSummary(context: TurnContext, deps: AuditSummaryDependencies): Promise<void> {
  const locale = context.activity.locale ?? 'en';
  const t = translatorFor(locale);
  if (!deps.adminGroupId) {
    await context.sendActivity(t('audit.notConfigured'));
    return;
  }
  const userId = directoryUserIdOf(context.activity, deps.localDefaultUserId);
  await context.sendActivity({ type: ActivityTypes.Typing });
  if (!userId || !(await deps.directory.isMemberOf(userId, deps.adminGroupId))) {
    await context.sendActivity(t('audit.adminsOnly'));
    return;
  }
  const now = (deps.clock ?? (() => new Date()))();
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const { counts, failures } = await deps.requests.summarySince(since, FAILURES_SHOWN);
  await context.sendActivity({ attachments: [auditSummaryAttachment({ since, counts, failures, locale })] });
}
