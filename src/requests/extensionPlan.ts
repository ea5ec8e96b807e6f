/**
 * What extending a guest's access would do now, or why it cannot: the guest policy as today's
 * settings say (the address may no longer be allowed), the resources' `maxDays` counted from
 * today, and which resources' owners must approve the extension too.
 */
import type { AccessRequest } from './accessRequest';
import { extendedEndDate } from './accessPlan';
import { maxDaysOf, type Resource } from './catalog';
import { checkGuestAgain, type GuestPolicy, type GuestPolicyProblem } from './policy';

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
