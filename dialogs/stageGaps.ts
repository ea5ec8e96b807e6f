/**
 * What the owner stages nobody could decide (approvals/stageApprovers stagesNobodyCouldDecide)
 * mean for the requester, worded once for the request dialog and for `request again`: a stage that
 * another sponsor would leave without anyone to decide it refuses the request, each reason said and
 * whom to ask; stages only the sponsor could decide ask for another sponsor instead.
 */
import type { StageGap } from '../src/approvals/stageApprovers';
import type { Translate } from '../src/i18n';
import type { Resource } from '../src/requests/catalog';
import { plainText } from '../cards/plainText';

/** The request refused, with why; or the question that asks for another sponsor. */
export type StageGapAnswer = { refusal: string } | { askAnotherSponsor: string };

/**
 * The answer to `gaps` with this sponsor, undefined when there are none. `headline` opens a refusal:
 * each caller says in its own words which request cannot be approved.
 */
export function stageGapAnswer(
  t: Translate,
  gaps: ReadonlyArray<{ resource: Pick<Resource, 'name'>; gap: StageGap }>,
  sponsor: { displayName: string },
  headline: string,
): StageGapAnswer | undefined {
  if (gaps.length === 0) return undefined;
  // Another sponsor would not mend these: asking for one first would only put off the refusal.
  const unfixable = gaps.filter(({ gap }) => gap !== 'onlySponsor');
  if (unfixable.length > 0) {
    const reasons = unfixable.map(({ resource, gap }) => t(`dialog.stageGap.${gap}`, { resource: plainText(resource.name) }));
    return { refusal: [headline, ...reasons, t('dialog.stageGap.askIt')].join('\n\n') };
  }
  const resources = gaps.map(({ resource }) => plainText(resource.name)).join(', ');
  return { askAnotherSponsor: t('dialog.stageGap.onlySponsor', { sponsor: plainText(sponsor.displayName), resources }) };
}
