/**
 * `sponsor GA-…` (the **I'll sponsor** button) and `sponsor GA-… someone@contoso.com`: the
 * requester, or the old sponsor's manager the bot asked, takes over a request whose sponsor left,
 * or names another member to. The one named passes the request dialog's checks (requests/policy
 * checkSponsor: a member who can sign in), and is not the guest; the requester may sponsor their
 * own guest here, since the alternative is that nobody does. The first to take over wins: the
 * change is conditional on the request still having no sponsor since the same moment, so of two
 * at once one wins and the other is told who did. The change in Entra and the new sponsor's card
 * follow as a job (approvals/handOverSponsorship).
 */
import { mayChooseNextSponsor, type Someone } from '../approvals/roles';
import type { Directory, DirectoryUser } from '../directory/directory';
import type { AccessRequest, Person } from '../requests/accessRequest';
import { checkSponsor, normalizeAddress, type SponsorCheck } from '../requests/policy';
import type { RequestRepository } from '../requests/requestRepository';

/** Why the one named may not sponsor: the dialog's reasons, and being the guest. */
export type NomineeProblem = Exclude<Extract<SponsorCheck, { ok: false }>['problem'], 'isRequester'> | 'isGuest';

export type TakeOver =
  | { outcome: 'notFound' }
  /** The request has a sponsor: theirs never left, or someone took over first. */
  | { outcome: 'hasSponsor'; request: AccessRequest }
  | { outcome: 'refused'; problem: NomineeProblem; candidate?: DirectoryUser }
  | { outcome: 'tookOver'; request: AccessRequest; sponsor: Person };

export interface TakeOverSponsorshipDependencies {
  requests: RequestRepository;
  directory: Pick<Directory, 'getUser' | 'findUserByAddress'>;
}

export async function takeOverSponsorship(
  deps: TakeOverSponsorshipDependencies,
  requestId: string,
  someone: Someone & { displayName: string; locale: string },
  /** The address typed after the id; empty: the one who asks takes over. */
  nominee: string,
): Promise<TakeOver> {
  const request = await deps.requests.get(requestId);
  if (!request || !someone.userId || !mayChooseNextSponsor(someone, request)) return { outcome: 'notFound' };
  if (!request.sponsorLeftAt || !['invited', 'accepted'].includes(request.state)) return { outcome: 'hasSponsor', request };

  const candidate = nominee ? await deps.directory.findUserByAddress(normalizeAddress(nominee)) : await deps.directory.getUser(someone.userId);
  const problem = nomineeProblem(candidate, request);
  if (problem || !candidate) return { outcome: 'refused', problem: problem ?? 'notFound', candidate };

  const sponsor: Person = { id: candidate.id, displayName: candidate.displayName, address: candidate.mail ?? candidate.userPrincipalName };
  const requesterTakesOver = candidate.id === request.requester.id;
  const taken = await deps.requests.changeIf({
    id: request.id,
    states: ['invited', 'accepted'],
    onlyWhile: [{ field: 'sponsorLeftAt', equals: request.sponsorLeftAt }],
    patch: {
      sponsor,
      // Whoever takes over for themselves is written to in the language they asked in.
      sponsorLocale: candidate.preferredLanguage ?? (candidate.id === someone.userId ? someone.locale : request.sponsorLocale),
      // The manager offered it stays recorded, so a click of theirs after this is told who took over.
      sponsorLeftAt: undefined,
    },
    actor: { kind: 'user', id: someone.userId, displayName: someone.displayName },
    action: 'sponsorTakenOver',
    detail: { from: request.formerSponsor?.id ?? request.sponsor.id, to: sponsor.id, named: nominee !== '' },
    jobs: [
      { kind: 'handOverSponsorship', requestId: request.id },
      // The requester asked in this turn when they took over themselves; otherwise they hear who did.
      ...(requesterTakesOver && someone.userId === request.requester.id
        ? []
        : [{ kind: 'notifyRequester' as const, requestId: request.id, notice: 'newSponsor' as const }]),
    ],
  });
  if (!taken) return { outcome: 'hasSponsor', request: (await deps.requests.get(request.id)) ?? request };
  return { outcome: 'tookOver', request: taken, sponsor };
}

/** The dialog's checks of a sponsor, but the requester may be one; and never the guest. */
function nomineeProblem(candidate: DirectoryUser | undefined, request: AccessRequest): NomineeProblem | undefined {
  if (
    candidate &&
    (candidate.id === request.invitedUserId || [candidate.mail, candidate.userPrincipalName].some((a) => a?.toLowerCase() === request.guestEmail))
  ) {
    return 'isGuest';
  }
  const check = checkSponsor(candidate, request.requester.id);
  return check.ok || check.problem === 'isRequester' ? undefined : check.problem;
}
