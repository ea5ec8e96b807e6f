/**
 * The catalog as the form offers it: a multi-select the person filters by typing. A catalog of up
 * to STATIC_CHOICES resources goes into the card whole; a longer one would not fit a card (Teams
 * takes about 28 KB), so the card carries its first resources and those already chosen, and names
 * a dataset: as the person types, Teams asks the bot (`application/search`, Adaptive Cards'
 * dynamic typeahead) and the bot answers from the catalog's own search (resourcesMatching, the
 * search the dialog's resources question has).
 */
import type { Translate } from '../../i18n';
import { type Resource, type ResourceCatalog, resourcesMatching } from '../../requests/catalog';

/** The dataset the form's choice set names; an `application/search` for another is not the form's. */
export const CATALOG_DATASET = 'guestAccessCatalog';

/** A catalog this long goes into the card whole: a few kilobytes, with room for the rest of the form. */
const STATIC_CHOICES = 50;
/** What a long catalog's card shows before anything is typed, and the most Teams shows for a search. */
const SEARCH_PAGE = 15;

export interface ResourceChoice {
  title: string;
  value: string;
}

export function resourceChoicesFor(
  t: Translate,
  catalog: ResourceCatalog,
  chosenIds: readonly string[],
): { choices: ResourceChoice[]; searchDataset?: string } {
  const { resources } = catalog;
  if (resources.length <= STATIC_CHOICES) return { choices: resources.map((r) => choiceOf(t, r)) };
  // The chosen ones must be among the choices, or the card could not show them as chosen.
  const shown = new Set([...resources.slice(0, SEARCH_PAGE).map((r) => r.id), ...chosenIds]);
  return { choices: resources.filter((r) => shown.has(r.id)).map((r) => choiceOf(t, r)), searchDataset: CATALOG_DATASET };
}

/** The resources a search finds (name, id or description), a page from `skip`; with nothing typed, the catalog from the start. */
export function searchedChoices(t: Translate, catalog: ResourceCatalog, query: { text: string; skip: number; top: number }): ResourceChoice[] {
  const found = query.text.trim() ? resourcesMatching(catalog, query.text).map((n) => n.resource) : catalog.resources;
  const top = Math.min(Math.max(query.top, 1), SEARCH_PAGE);
  return found.slice(Math.max(query.skip, 0), Math.max(query.skip, 0) + top).map((r) => choiceOf(t, r));
}

function choiceOf(t: Translate, resource: Resource): ResourceChoice {
  return { title: `${resource.name} (${t(`dialog.resourceKind.${resource.kind}`)})`, value: resource.id };
}
