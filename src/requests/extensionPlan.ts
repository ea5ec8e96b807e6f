/**
 * What extending a guest's access would do now, or why it cannot: the guest policy as today's
 * settings say (the address may no longer be allowed), the resources' `maxDays` counted from
 * today, and which resources' owners must approve the extension too.
 */
import type { AccessRequest } from './accessRequest';
import { extendedEndDate } from './accessPlan';
import { maxDaysOf, type Resource, type ResourceCatalog, resourcesByIds } from './catalog';
import type { ExtensionAnswer } from './lifecycle';
import { checkGuestAgain, type GuestPolicy, type GuestPolicyProblem } from './policy';
import type { Timing } from './timers';

export type ExtensionPlan =
  | {
      ok: true;
      /** Days added to the current end, and the new end. */
      days: number;
      endsAt: string;
      /** The resources whose owners approve the extension before the end moves. */
      ownedResources: Resource[];
    }
  | { ok: false; why: 'guestPolicy'; problem: GuestPolicyProblem }
  | { ok: false; why: 'maxDays'; maxDays: number };

export function extensionPlan(
  request: AccessRequest,
  resources: readonly Resource[],
  settings: { guestPolicy: GuestPolicy; accessDays: number; dayMs: number },
  now: Date,
): ExtensionPlan {
  const guest = checkGuestAgain(request, settings.guestPolicy);
  if (!guest.ok) return { ok: false, why: 'guestPolicy', problem: guest.problem };
  const { endsAt, days } = extendedEndDate(request, resources, settings.accessDays, settings.dayMs, now);
  if (days < 1) return { ok: false, why: 'maxDays', maxDays: maxDaysOf(resources) ?? 0 };
  return { ok: true, days, endsAt, ownedResources: resources.filter((r) => (r.approvers?.length ?? 0) > 0) };
}

/** What an extension is measured against today: the catalog, the guest policy and the default period as configured now. */
export interface ExtensionSettings {
  catalog: ResourceCatalog;
  guestPolicy: GuestPolicy;
  timing: Pick<Timing, 'accessDays' | 'dayMs'>;
  clock: () => Date;
}

/** What extending this request would do now, by today's settings. */
export function extensionPlanNow(request: AccessRequest, settings: ExtensionSettings): ExtensionPlan {
  const { guestPolicy, timing } = settings;
  return extensionPlan(
    request,
    resourcesByIds(settings.catalog, request.resourceIds),
    { guestPolicy, accessDays: timing.accessDays, dayMs: timing.dayMs },
    settings.clock(),
  );
}

export type OfferStage = 'open' | ExtensionAnswer | 'ended';

/** Where the offer made for the end date `offeredFor` stands: answered, the access over, or still open. */
export function extensionStage(request: AccessRequest, offeredFor: string): OfferStage {
  if (request.state === 'ended') return 'ended';
  // A newer offer is only ever made after an extension moved the end.
  if (request.extensionOffer?.for !== offeredFor) return 'extended';
  return request.extensionOffer.answer ?? 'open';
}
