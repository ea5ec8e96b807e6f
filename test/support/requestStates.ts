/**
 * Requests brought to a state through the repository alone, as the dialog, the sponsor and the
 * provisioning job would have left them: the starting point of use-case tests, which need no bot.
 * Adele (the requester of requestDraft) files, Megan (its sponsor) approves.
 */
import type { Someone } from '../../src/approvals/roles';
import type { AccessRequest, NewAccessRequest } from '../../src/requests/accessRequest';
import type { RequestPatch, RequestRepository } from '../../src/requests/requestRepository';
import { fileRequest } from '../../src/useCases/fileRequest';
import { requestDraft } from './requestDraft';

const DAY = 86_400_000;
const draft = requestDraft();
export const ADELE = { kind: 'user' as const, id: draft.requester.id, displayName: draft.requester.displayName };
export const MEGAN = { kind: 'user' as const, id: draft.sponsor.id, displayName: draft.sponsor.displayName };

/** The same people as the activity names them, each in a chat of their own; Diego is nobody to the request. */
export const SOMEONE = {
  adele: { userId: ADELE.id, conversationId: 'a:adele' },
  megan: { userId: MEGAN.id, conversationId: 'a:megan' },
  diego: { userId: 'a1b2c3d4-0003-4000-8000-000000000003', conversationId: 'a:diego' },
} satisfies Record<string, Someone>;

/** Adele's request for 30 days, filed as the dialog files it, waiting for Megan. */
export async function filedRequest(requests: RequestRepository, changes: Partial<NewAccessRequest> = {}, now = new Date()): Promise<AccessRequest> {
  const deps = { requests, maxOpenRequests: 100, timing: { dayMs: DAY }, clock: () => now };
  const filing = await fileRequest(deps, { ...requestDraft(changes), accessDays: 30 }, ADELE);
  if (filing.outcome !== 'filed') throw new Error('Adele has too many requests waiting to file another');
  return filing.request;
}

/** Adele's request, approved by Megan, its guest invited (`invited`) or having accepted (`accepted`). */
export async function grantedRequest(requests: RequestRepository, state: 'invited' | 'accepted', invitation: RequestPatch = {}): Promise<AccessRequest> {
  const { id } = await filedRequest(requests);
  await requests.transition({ id, from: 'pending_approval', to: 'approved', actor: MEGAN });
  const patch = { invitedUserId: 'guest-1', inviteRedeemUrl: 'https://login.example/redeem', invitedAt: new Date().toISOString(), ...invitation };
  const invited = await requests.transition({ id, from: 'approved', to: 'invited', actor: { kind: 'system' }, patch });
  const granted = state === 'accepted' ? await requests.transition({ id, from: 'invited', to: 'accepted', actor: { kind: 'system' } }) : invited;
  if (!granted) throw new Error(`request ${id} did not reach ${state}`);
  return granted;
}

/** The request's approval card, as shown in `conversationId` as a local test (an unauthenticated run), where whoever holds it may act as sponsor. */
export async function shownAsLocalTestIn(requests: RequestRepository, requestId: string, conversationId: string): Promise<void> {
  await requests.update(requestId, { approvalCard: { conversationId, activityId: '1', localTest: true } }, { kind: 'system' }, 'approvalCardPosted');
}
