/**
 * The resources a guest can be given, as the operator lists them in the catalog file, and how a
 * requester's typed answer maps onto them.
 */

interface ResourceBase {
  id: string;
  name: string;
  description?: string;
  /** Tenant-specific direct link the guest can open once they have redeemed. */
  link?: string;
  /** The longest access this resource may be given at once, in days. */
  maxDays?: number;
  /**
   * The resource's owners (email addresses or Entra object ids): after the sponsor, one of them
   * must approve too.
   */
  approvers?: readonly string[];
}

export type Resource =
  | (ResourceBase & { kind: 'group' | 'team' | 'site'; groupId: string })
  /** An app offered through a group that is assigned its app role: the bot only adds the guest to the group. */
  | (ResourceBase & { kind: 'app'; groupId: string })
  | DirectAppRoleResource;

/**
 * An app role the bot assigns to the guest itself, for tenants without Microsoft Entra ID P1
 * (which group-based app assignment needs). It takes AppRoleAssignment.ReadWrite.All, with which
 * the bot's Graph identity could grant any app role to anyone, itself included.
 */
type DirectAppRoleResource = ResourceBase & { kind: 'app'; servicePrincipalId: string; appRoleId: string };

export function isDirectAppRole(resource: Resource): resource is DirectAppRoleResource {
  return 'servicePrincipalId' in resource;
}

export interface ResourceCatalog {
  resources: readonly Resource[];
}

export type ResourceSelection =
  | { ok: true; resources: Resource[] }
  | {
      ok: false;
      /** Parts that name nothing. */
      unknown: string[];
      /** Parts that name several: which did they mean? */
      ambiguous: Array<{ part: string; candidates: NumberedResource[] }>;
    };

/** The parts of a list answer: what is between its commas, semicolons or line breaks. */
export function answerParts(answer: string): string[] {
  return answer
    .split(/[,;\n]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * Reads an answer such as `1, 3` or `falcon, expenses`: comma- or semicolon-separated numbers of
 * the list shown, ids, names, or any part of a name that names one resource only, ignoring case
 * and accents. Duplicates collapse; order is kept.
 */
export function selectResources(catalog: ResourceCatalog, answer: string): ResourceSelection {
  const index = indexOf(catalog);
  const chosen: Resource[] = [];
  const unknown: string[] = [];
  const ambiguous: Array<{ part: string; candidates: NumberedResource[] }> = [];
  for (const part of answerParts(answer)) {
    const found = findResource(index, part);
    if (found.length === 0) unknown.push(part);
    else if (found.length > 1) ambiguous.push({ part, candidates: found });
    else if (!chosen.includes(found[0].resource)) chosen.push(found[0].resource);
  }
  if (unknown.length > 0 || ambiguous.length > 0 || chosen.length === 0) return { ok: false, unknown, ambiguous };
  return { ok: true, resources: chosen };
}

/** What `part` names: one resource, several (a part of more than one name), or none. */
function findResource(index: CatalogIndex, part: string): NumberedResource[] {
  if (/^\d+$/.test(part)) {
    const entry = index.entries[Number(part) - 1];
    return entry ? [entry.numbered] : [];
  }
  const wanted = folded(part);
  const exact = index.byIdOrName.get(wanted);
  if (exact) return [exact.numbered];
  return index.entries.filter((entry) => entry.name.includes(wanted) || entry.id.includes(wanted)).map((entry) => entry.numbered);
}

/** The longest access these resources allow together: the shortest of their `maxDays`, if any. */
export function maxDaysOf(resources: readonly Resource[]): number | undefined {
  const limits = resources.map((r) => r.maxDays).filter((days): days is number => days !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

export function resourcesByIds(catalog: ResourceCatalog, ids: readonly string[]): Resource[] {
  const { byId } = indexOf(catalog);
  return ids.map((id) => {
    const resource = byId.get(id);
    // A request outlives catalog edits; an operator who removes an entry must see why work stops.
    if (!resource) throw new Error(`Resource "${id}" is no longer in the catalog (RESOURCE_CATALOG_FILE).`);
    return resource;
  });
}

/** A resource with its number in the list the requester is shown (1-based, catalog order). */
export interface NumberedResource {
  number: number;
  resource: Resource;
}

/**
 * Resources whose name, id or description contains `text`, ignoring case and accents: how a
 * requester finds one in a catalog too long to show at once.
 */
export function resourcesMatching(catalog: ResourceCatalog, text: string): NumberedResource[] {
  const wanted = folded(text.trim());
  if (!wanted) return [];
  return indexOf(catalog)
    .entries.filter((entry) => entry.name.includes(wanted) || entry.id.includes(wanted) || entry.description.includes(wanted))
    .map((entry) => entry.numbered);
}

/** A resource with its id, name and description as answers are compared with them. */
interface IndexedResource {
  numbered: NumberedResource;
  id: string;
  name: string;
  description: string;
}

/**
 * The catalog prepared for matching, once: folding every name for every part of every answer
 * made one long answer cost seconds of the event loop.
 */
interface CatalogIndex {
  /** In catalog order: entry n - 1 is number n. */
  entries: readonly IndexedResource[];
  /** Folded ids and names; where two resources share one, the first in the catalog, as the list shows it first. */
  byIdOrName: ReadonlyMap<string, IndexedResource>;
  byId: ReadonlyMap<string, Resource>;
}

/** A catalog's list is read once and never changed (it is readonly), so an index lives as long as its list. */
const INDEXES = new WeakMap<readonly Resource[], CatalogIndex>();

function indexOf(catalog: ResourceCatalog): CatalogIndex {
  let index = INDEXES.get(catalog.resources);
  if (!index) {
    const entries = catalog.resources.map((resource, i) => ({
      numbered: { number: i + 1, resource },
      id: folded(resource.id),
      name: folded(resource.name),
      description: folded(resource.description ?? ''),
    }));
    const byIdOrName = new Map<string, IndexedResource>();
    for (const entry of entries) {
      if (!byIdOrName.has(entry.id)) byIdOrName.set(entry.id, entry);
      if (!byIdOrName.has(entry.name)) byIdOrName.set(entry.name, entry);
    }
    const byId = new Map<string, Resource>();
    for (const resource of catalog.resources) if (!byId.has(resource.id)) byId.set(resource.id, resource);
    index = { entries, byIdOrName, byId };
    INDEXES.set(catalog.resources, index);
  }
  return index;
}

function folded(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}
