/**
 * Who is talking, as the directory knows them. Teams always sends the Entra object id. The
 * Emulator sends none, so in an unauthenticated run against the simulated directory its
 * default user stands in; nowhere else is an activity without one given an identity.
 */
import type { Activity } from 'botbuilder';

export function directoryUserIdOf(activity: Pick<Activity, 'from'>, localDefaultUserId: string | undefined): string | undefined {
  return activity.from?.aadObjectId || localDefaultUserId;
}
