/**
 * The admin's `audit` card: how many requests filed this month stand in each state, and the
 * latest failures with their request ids and why, to look up in the log or the export.
 */
import { type Attachment, CardFactory } from 'botbuilder';
import { translatorFor, formatDate } from '../src/i18n';
import { failureReasonText } from './failureReasonText';
import { REQUEST_STATES, type RequestState } from '../src/requests/lifecycle';
import { plainText } from './plainText';
import template from './auditSummary.json';
import { expandCard } from './expandCard';

interface AuditSummaryView {
  since: Date;
  counts: ReadonlyMap<RequestState, number>;
  failures: ReadonlyArray<{ id: string; failureReason?: string; guestEmail: string; at: string }>;
  locale: string;
}

export function auditSummaryAttachment(view: AuditSummaryView): Attachment {
  const t = translatorFor(view.locale);
  const since = formatDate(view.since.toISOString(), view.locale);
  const card = expandCard(template, {
    title: t('audit.title'),
    countsHeading: t('audit.countsHeading', { since }),
    failuresHeading: t('audit.failuresHeading'),
    strings: { noRequests: t('audit.noRequests'), noFailures: t('audit.noFailures'), export: t('audit.export') },
    // In the lifecycle's order, so the card reads like the life of a request.
    counts: REQUEST_STATES.filter((state) => view.counts.has(state)).map((state) => ({
      state: t(`requestState.${state}`),
      count: String(view.counts.get(state)),
    })),
    failures: view.failures.map((failure) => ({
      line: `${failure.id} · ${formatDate(failure.at, view.locale)} · ${failureReasonText(t, failure, plainText)}`,
    })),
  });
  return CardFactory.adaptiveCard(card);
}
