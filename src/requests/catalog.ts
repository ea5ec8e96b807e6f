/**
 * The resources a guest can be given, as the operator lists them in the catalog file, and how a
 * requester's typed answer maps onto them.
 */

export type ResourceKind = 'group' | 'team' | 'site' | 'app';

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
  | (ResourceBase & { kind: 'app'; servicePrincipalId: string; appRoleId: string });

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

/**
 * Reads an answer such as `1, 3` or `falcon, expenses`: comma- or semicolon-separated numbers of
 * the list shown, ids, names, or any part of a name that names one resource only, ignoring case
 * and accents. Duplicates collapse; order is kept.
 */
export function selectResources(catalog: ResourceCatalog, answer: string): ResourceSelection {
  const parts = answer
    .split(/[,;\n]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const chosen: Resource[] = [];
  const unknown: string[] = [];
  const ambiguous: Array<{ part: string; candidates: NumberedResource[] }> = [];
  for (const part of parts) {
    const found = findResource(catalog, part);
    if (found.length === 0) unknown.push(part);
    else if (found.length > 1) ambiguous.push({ part, candidates: found });
    else if (!chosen.includes(found[0].resource)) chosen.push(found[0].resource);
  }
  if (unknown.length > 0 || ambiguous.length > 0 || chosen.length === 0) return { ok: false, unknown, ambiguous };
  return { ok: true, resources: chosen };
}

/** What `part` names: one resource, several (a part of more than one name), or none. */
function findResource(catalog: ResourceCatalog, part: string): NumberedResource[] {
  const numbered = catalog.resources.map((resource, index) => ({ number: index + 1, resource }));
  if (/^\d+$/.test(part)) return numbered.filter(({ number }) => number === Number(part));
  const wanted = folded(part);
  const exact = numbered.filter(({ resource }) => folded(resource.id) === wanted || folded(resource.name) === wanted);
  if (exact.length > 0) return exact.slice(0, 1);
  return numbered.filter(({ resource }) => folded(resource.name).includes(wanted) || folded(resource.id).includes(wanted));
}

/** The longest access these resources allow together: the shortest of their `maxDays`, if any. */
export function maxDaysOf(resources: readonly Resource[]): number | undefined {
  const limits = resources.map((r) => r.maxDays).filter((days): days is number => days !== undefined);
  return limits.length > 0 ? Math.min(...limits) : undefined;
}

export function resourcesByIds(catalog: ResourceCatalog, ids: readonly string[]): Resource[] {
  return ids.map((id) => {
    const resource = catalog.resources.find((r) => r.id === id);
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
  return catalog.resources
    .map((resource, index) => ({ number: index + 1, resource }))
    .filter(({ resource }) => [resource.name, resource.id, resource.description ?? ''].some((field) => folded(field).includes(wanted)));
}

function folded(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
