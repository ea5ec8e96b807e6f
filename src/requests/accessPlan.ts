/**
 * What an approved request turns into in the directory: where the guest lands after redeeming,
 * and the access to grant.
 */
import type { AccessGrant, RevocableGrant } from '../directory/directory';
import type { AccessRequest } from './accessRequest';
import type { Resource } from './catalog';

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

/** A membership or app role per resource, and the sponsor relation. */
export function grantsFor(request: AccessRequest, resources: readonly Resource[]): AccessGrant[] {
  return [...resourceGrantsFor(resources), { kind: 'sponsor', sponsorId: request.sponsor.id }];
}

/** What the resources give: what is taken back at the end of access (the sponsor relation stays). */
export function resourceGrantsFor(resources: readonly Resource[]): RevocableGrant[] {
  return resources.map((resource) =>
    resource.kind === 'app'
      ? { kind: 'appRole', resourceId: resource.id, servicePrincipalId: resource.servicePrincipalId, appRoleId: resource.appRoleId }
      : { kind: 'group', resourceId: resource.id, groupId: resource.groupId },
  );
}

/** An extension adds the period asked for again, within what the resources allow today. */
export function extendedEndDate(request: AccessRequest, resources: readonly Resource[], defaultDays: number, dayMs: number): { endsAt: string; days: number } {
  const limits = resources.map((r) => r.maxDays).filter((days): days is number => days !== undefined);
  const days = Math.min(request.accessDays ?? defaultDays, ...limits);
  return { endsAt: new Date(Date.parse(request.endsAt ?? new Date().toISOString()) + days * dayMs).toISOString(), days };
}
