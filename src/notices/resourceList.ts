/** The resources of a request as a notice lists them, with each one's direct link and the delay Teams may take. */
import { plainText } from '../../cards/plainText';
import type { Translate } from '../i18n';
import type { Resource } from '../requests/catalog';

export function resourceList(
  t: Translate,
  resources: readonly Resource[],
  header: 'notify.resourcesHeader' | 'notify.acceptedResourcesHeader' | 'notify.links.resourcesHeader' = 'notify.resourcesHeader',
): string {
  const lines = resources.map((r) =>
    r.link ? t('notify.resourceWithLink', { name: plainText(r.name), link: r.link }) : t('notify.resourceWithoutLink', { name: plainText(r.name) }),
  );
  // Microsoft documents that a member added to a team's group can take up to 48 hours to appear in Teams.
  const teamDelay = resources.some((r) => r.kind === 'team') ? ['', t('notify.teamDelay')] : [];
  return [t(header), ...lines, ...teamDelay].join('\n');
}
