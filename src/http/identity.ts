/**
 * Who is talking, as the directory knows them. Teams always sends the Entra object id. The
 * Emulator sends none, so in an unauthenticated run against the simulated directory its
 * default user stands in; nowhere else is an activity without one given an identity.
 */
import type { Activity } from 'botbuilder';

/** An Entra object id is a GUID; anything else in `aadObjectId` names nobody the directory could know. */
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function directoryUserIdOf(activity: Pick<Activity, 'from'>, localDefaultUserId: string | undefined): string | undefined {
  const aadObjectId = activity.from?.aadObjectId;
  if (typeof aadObjectId === 'string' && aadObjectId !== '') return OBJECT_ID.test(aadObjectId) ? aadObjectId : undefined;
  return localDefaultUserId;
}

/** Who sent the activity and where: what the roles (approvals/roles) weigh against a request. */
export function senderOf(
  activity: Pick<Activity, 'from' | 'conversation'>,
  localDefaultUserId: string | undefined,
): { userId: string | undefined; conversationId: string } {
  return { userId: directoryUserIdOf(activity, localDefaultUserId), conversationId: activity.conversation.id };
}
