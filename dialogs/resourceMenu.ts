/**
 * The catalog as the resources question shows it. A long catalog is shown a page at a time and
 * can be searched by typing part of a name: a Teams message holds about 28 KB, and one that is
 * too big fails to send, which would stop every request at this question.
 */
import type { Translate } from '../src/i18n';
import type { NumberedResource, ResourceCatalog } from '../src/requests/catalog';
import { plainText } from '../cards/plainText';

/** Lines shown at once; with the longest descriptions still well under Teams' message size. */
const RESOURCE_PAGE_SIZE = 15;
const MAX_DESCRIPTION_LENGTH = 150;
/** Lists of candidates in one answer: three pages still fit a Teams message. */
const AMBIGUOUS_PARTS_SHOWN = 3;

function isPaged(catalog: ResourceCatalog): boolean {
  return catalog.resources.length > RESOURCE_PAGE_SIZE;
}

/** Page `page` (0-based, wrapping round after the last) with a footer saying how to see more. */
export function catalogPage(t: Translate, catalog: ResourceCatalog, page: number): string {
  const total = catalog.resources.length;
  const pages = Math.ceil(total / RESOURCE_PAGE_SIZE);
  const first = (page % pages) * RESOURCE_PAGE_SIZE;
  const entries = catalog.resources.slice(first, first + RESOURCE_PAGE_SIZE).map((resource, index) => ({ number: first + index + 1, resource }));
  if (!isPaged(catalog)) return resourceLines(t, entries);
  const footer = t(first + entries.length < total ? 'dialog.resourcesPage' : 'dialog.resourcesLastPage', {
    from: first + 1,
    to: first + entries.length,
    total,
  });
  return `${resourceLines(t, entries)}\n\n${footer}`;
}

/** What matched a search, at most a page of it, and how many more there were. */
export function searchResults(t: Translate, typed: string, matches: readonly NumberedResource[]): string {
  const shown = matches.slice(0, RESOURCE_PAGE_SIZE);
  const parts = [t('dialog.resourcesMatching', { text: plainText(typed.trim()) }), resourceLines(t, shown)];
  if (matches.length > shown.length) parts.push(t('dialog.resourcesMatchingMore', { count: matches.length - shown.length }));
  parts.push(t('dialog.resourcesMatchingNext'));
  return parts.join('\n\n');
}

/**
 * Parts of an answer that name several resources, each with its candidates: the first few only,
 * as each is up to a page, and a note of how many more there were.
 */
export function whichDidYouMean(t: Translate, ambiguous: ReadonlyArray<{ part: string; candidates: readonly NumberedResource[] }>): string {
  const shown = ambiguous.slice(0, AMBIGUOUS_PARTS_SHOWN).map(({ part, candidates }) => searchResults(t, part, candidates));
  if (ambiguous.length > AMBIGUOUS_PARTS_SHOWN) shown.push(t('dialog.resourcesAmbiguousMore', { count: ambiguous.length - AMBIGUOUS_PARTS_SHOWN }));
  return shown.join('\n\n');
}

function resourceLines(t: Translate, entries: readonly NumberedResource[]): string {
  return entries
    .map(({ number, resource }) => {
      const description = resource.description ? truncated(resource.description) : '';
      return t('dialog.resourceLine', {
        number,
        name: plainText(resource.name),
        kind: t(`dialog.resourceKind.${resource.kind}`),
        description: description ? `: ${plainText(description)}` : '',
      });
    })
    .join('\n');
}

function truncated(text: string): string {
  return text.length > MAX_DESCRIPTION_LENGTH ? `${text.slice(0, MAX_DESCRIPTION_LENGTH - 1).trimEnd()}…` : text;
}
