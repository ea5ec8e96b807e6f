/**
 * Who can decide an owner stage. The catalog names a resource's approvers by email or Entra object
 * id; here they become people of the tenant (enabled members only: a guest, or an account blocked
 * from signing in, approves nothing), less whom separation of duties bars (roles.mayApproveStagesOf).
 * Asked when the request is confirmed, so nobody files a request nobody could approve, and again
 * when the stage's cards go out, as the directory then stands.
 */
import type { Directory, DirectoryUser } from '../directory/directory';
import type { AccessRequest } from '../requests/accessRequest';
import type { StageApprover } from '../requests/approvalStage';
import type { Resource } from '../requests/catalog';
import { mayApproveStagesOf } from './roles';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Why nobody could decide a resource's stage: nobody named is an enabled member of the tenant;
 * the only one is the requester; or the only ones are the sponsor (and perhaps the requester),
 * which another sponsor would solve.
 */
export type StageGap = 'noApprover' | 'onlyRequester' | 'onlySponsor';

/** The people a stage's approvers name, in catalog order, each once; whoever cannot approve is left out. */
export async function resolveApprovers(directory: Directory, refs: readonly string[], fallbackLocale: string): Promise<StageApprover[]> {
  const users = await Promise.all(
    refs.map((ref): Promise<DirectoryUser | undefined> => (GUID.test(ref) ? directory.getUser(ref) : directory.findUserByAddress(ref.toLowerCase()))),
  );
  const found: StageApprover[] = [];
  for (const user of users) {
    if (user?.userType !== 'Member' || user.accountEnabled === false || found.some((a) => a.id === user.id)) continue;
    found.push({ id: user.id, displayName: user.displayName, address: user.mail ?? user.userPrincipalName, locale: user.preferredLanguage ?? fallbackLocale });
  }
  return found;
}

/** Those of `approvers` who may decide a stage of this request. */
export function eligibleApprovers(approvers: readonly StageApprover[], request: Pick<AccessRequest, 'requester' | 'sponsor'>): StageApprover[] {
  return approvers.filter((approver) => mayApproveStagesOf(approver.id, request));
}

/** Why nobody of `approvers` may decide a stage of this request; undefined when someone may. */
export function gapOf(approvers: readonly StageApprover[], request: Pick<AccessRequest, 'requester' | 'sponsor'>): StageGap | undefined {
  if (approvers.length === 0) return 'noApprover';
  if (eligibleApprovers(approvers, request).length > 0) return undefined;
  return approvers.some((approver) => approver.id === request.sponsor.id) ? 'onlySponsor' : 'onlyRequester';
}

/**
 * The resources among `resources` whose owner stage nobody could decide if this requester filed
 * the request with this sponsor, each with why; none when every stage has someone.
 */
export async function stagesNobodyCouldDecide(
  directory: Directory,
  resources: readonly Resource[],
  request: Pick<AccessRequest, 'requester' | 'sponsor'>,
): Promise<Array<{ resource: Resource; gap: StageGap }>> {
  const owned = resources.filter((resource) => (resource.approvers?.length ?? 0) > 0);
  const checked = await Promise.all(
    owned.map(async (resource) => ({ resource, gap: gapOf(await resolveApprovers(directory, resource.approvers ?? [], 'en'), request) })),
  );
  return checked.filter((c): c is { resource: Resource; gap: StageGap } => c.gap !== undefined);
}
