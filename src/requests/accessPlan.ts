/**
 * What an approved request turns into in the directory: where the guest lands after redeeming,
 * and the access to grant.
 */
import type { AccessGrant, RevocableGrant } from '../directory/directory';
import type { AccessRequest } from './accessRequest';
import { isDirectAppRole, maxDaysOf, type Resource } from './catalog';

/**
 * A tenant-specific landing page: the resource's own link when exactly one resource with a link
 * was asked for; otherwise My Apps in the inviting tenant, where every granted app shows up.
 */
export function invitationRedirectUrl(resources: readonly Resource[], tenantId: string): string {
  const linked = resources.filter((r) => r.link);
  if (resources.length === 1 && linked.length === 1 && linked[0].link) return linked[0].link;
  return myAppsUrl(tenantId);
}

/** My Apps in the inviting tenant: a guest's way in once they have accepted (plain My Apps would send them home). */
export function myAppsUrl(tenantId: string): string {
  return `https://myapps.microsoft.com/?tenantid=${encodeURIComponent(tenantId)}`;
}

/**
 * A membership or app role per resource, and the sponsor relation: unless this request's own
 * invitation made the account, which recorded the sponsor with it (`invitedUserSponsors`), so a
 * second write would only spend the tenant's write quota.
 */
export function grantsFor(request: AccessRequest, resources: readonly Resource[]): AccessGrant[] {
  const resourceGrants = resourceGrantsFor(resources);
  return request.createdGuestAccount === true ? resourceGrants : [...resourceGrants, { kind: 'sponsor', sponsorId: request.sponsor.id }];
}

/**
 * What the resources give: what is taken back at the end of access (the sponsor relation stays).
 * An app offered through a group is a membership like any other; only a direct app-role entry
 * makes the bot assign an app role.
 */
export function resourceGrantsFor(resources: readonly Resource[]): RevocableGrant[] {
  return resources.map((resource) =>
    isDirectAppRole(resource)
      ? { kind: 'appRole', resourceId: resource.id, servicePrincipalId: resource.servicePrincipalId, appRoleId: resource.appRoleId }
      : { kind: 'group', resourceId: resource.id, groupId: resource.groupId },
  );
}

/**
 * An extension adds the period asked for again to the current end, but ends no later than the
 * shortest `maxDays` of the resources allows counted from `now`: a resource that allows 30 days
 * at a time never gives more than 30 days ahead, however often it is extended. `days` is what it
 * adds, in whole days; 0 or less when the current end already reaches the limit.
 */
export function extendedEndDate(
  request: AccessRequest,
  resources: readonly Resource[],
  defaultDays: number,
  dayMs: number,
  now: Date,
): { endsAt: string; days: number } {
  const from = Date.parse(request.endsAt ?? now.toISOString());
  const limit = maxDaysOf(resources);
  const end = Math.min(from + (request.accessDays ?? defaultDays) * dayMs, limit === undefined ? Number.POSITIVE_INFINITY : now.getTime() + limit * dayMs);
  return { endsAt: new Date(end).toISOString(), days: Math.floor((end - from) / dayMs) };
}
