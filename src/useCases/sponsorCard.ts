/**
 * A card only the request's sponsor answers: the offer to extend a guest's access
 * (useCases/answerExtension) and the question about a guest who has not signed in
 * (useCases/answerInactiveGuest). A click on one names a guest's row, which is only a lookup key;
 * who may answer is the roles' to say (approvals/roles), from who clicked as the channel vouches.
 */
import { standingOn } from '../approvals/roles';
import type { AccessRequest } from '../requests/accessRequest';
import { isGuestRowId } from '../requests/requestId';
import type { RequestRepository } from '../requests/requestRepository';
import type { Clicker } from './clicker';

/** A click on such a card: its verb, its button's data, unchecked, and who clicked. */
export type SponsorCardClick<Verb extends string, Field extends string> = { verb: Verb; requestId: unknown; clicker: Clicker } & Record<Field, unknown>;

/**
 * What such a click came to. No such request (or card), and a clicker who is nobody to it, get the
 * same answer; the requester sees where things stand, and may not answer; `Shown` is what the
 * card needs besides the request.
 */
export type SponsorCardAnswer<Outcome extends string, Shown extends object = object> =
  | { outcome: 'notFound' }
  | { outcome: 'refused' }
  | ({ outcome: 'readOnly'; request: AccessRequest } & Shown)
  | ({
      outcome: Outcome;
      request: AccessRequest;
      /** The clicker is the sponsor themselves (not a local test's stand-in): Teams refreshes the card for them. */
      isTheirs: boolean;
    } & Shown);

export interface SponsorCardContext {
  requests: RequestRepository;
  localTestsAllowed: boolean;
}

/**
 * The request the click names, when `isAbout` (by default any) says the card is one of it, and whether the clicker
 * may answer the card; otherwise the answer they get.
 */
export async function sponsorOnCard(
  click: SponsorCardClick<string, never>,
  ctx: SponsorCardContext,
  isAbout: (request: AccessRequest) => boolean = () => true,
): Promise<
  | { outcome: 'answers'; request: AccessRequest; isTheirs: boolean }
  | { outcome: 'notFound' }
  | { outcome: 'refused' }
  | { outcome: 'readOnly'; request: AccessRequest }
> {
  const request = isGuestRowId(click.requestId) ? await ctx.requests.get(click.requestId) : undefined;
  if (!request || !isAbout(request)) return { outcome: 'notFound' };
  const standing = standingOn(click.clicker, request, undefined, ctx.localTestsAllowed);
  if (standing === 'nobody') return { outcome: 'refused' };
  if (standing === 'looksOn') return { outcome: 'readOnly', request };
  return { outcome: 'answers', request, isTheirs: standing === 'decides' };
}
