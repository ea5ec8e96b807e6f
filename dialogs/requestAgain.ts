/**
 * `request again GA-…` (`solicitar de nuevo GA-…`, or the button under an expiry or withdrawal
 * notice): the requester files an expired, cancelled or withdrawn request again, as it was: same guest, resources, period
 * and reason, with a new id, a new end date counted from today, and its own reminder and expiry.
 * Everything the request dialog checks is checked again as things stand today: the guest policy,
 * the open-request limit, the catalog, the sponsor (still an enabled member of the organization)
 * and the owner stages (someone other than the requester and the sponsor can decide each). In one
 * step when all holds; when the sponsor no longer can, or is the only one who could approve a
 * resource as its owner, the requester is asked for another sponsor first.
 *
 * A request for several guests is filed again with every guest of it that came to nothing
 * (expired, cancelled, withdrawn), or with the one guest named (`request again GA-… kim@…`, the
 * button under one guest's withdrawal); each is checked against the guest policy again, and one
 * no longer allowed is left out of the new request, which says so.
 */
import type { TurnContext } from 'botbuilder';
import { ComponentDialog, type DialogContext, type DialogTurnResult, WaterfallDialog, type WaterfallStepContext } from 'botbuilder-dialogs';
import { isRequesterOf } from '../src/approvals/roles';
import { stagesNobodyCouldDecide } from '../src/approvals/stageApprovers';
import type { Directory, DirectoryUser } from '../src/directory/directory';
import { commandOf, translatorFor, formatDate } from '../src/i18n';
import type { AccessRequest } from '../src/requests/accessRequest';
import { maxDaysOf, type Resource, type ResourceCatalog, resourcesByIds } from '../src/requests/catalog';
import type { RequestState } from '../src/requests/lifecycle';
import { domainOf } from '../src/requests/domains';
import { checkGuestAgain, checkSponsor, type GuestPolicy } from '../src/requests/policy';
import type { RequestRepository } from '../src/requests/requestRepository';
import type { TenantPolicy } from '../src/requests/tenantPolicy';
import type { Timing, TimerSettings } from '../src/requests/timers';
import { senderOf } from '../src/http/identity';
import { fileRequest, openRequestsAtLimit } from '../src/useCases/fileRequest';
import { plainText } from '../cards/plainText';
import { requestIdOfRow } from '../src/requests/requestId';
import { guestAddresses, guestsWithStates } from './guestNames';
import { openRequestsText } from './openRequests';
import { namedSponsor, personOf, SponsorPrompt, type SponsorValidations } from './sponsorAnswer';
import { stageGapAnswer } from './stageGaps';

export const REQUEST_AGAIN_DIALOG = 'requestAgainDialog';
const STEPS = 'requestAgainSteps';
const SPONSOR_PROMPT = 'requestAgainSponsorPrompt';

export interface RequestAgainDependencies {
  requests: RequestRepository;
  directory: Directory;
  catalog: ResourceCatalog;
  guestPolicy: GuestPolicy;
  /** The tenant's own external-collaboration settings, checked as at the address step. */
  tenantPolicy: Pick<TenantPolicy, 'check'>;
  maxOpenRequests: number;
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  clock?: () => Date;
  localDefaultUserId?: string;
}

export interface RequestAgainOptions {
  requestId: string;
  /** One guest's row of the request, to file that guest alone again (see useCases/findGuest). */
  guestId?: string;
  /** Another sponsor the requester named, once the first could not sponsor it again. */
  sponsor?: DirectoryUser;
}

/**
 * Requests that came to nothing: nobody decided on them, or the guest never accepted the
 * invitation (withdrawn). Filing them again asks the same question anew.
 */
const FILEABLE_AGAIN: readonly RequestState[] = ['expired', 'cancelled', 'withdrawn'];

export class RequestAgainDialog extends ComponentDialog {
  private readonly clock: () => Date;

  constructor(private readonly deps: RequestAgainDependencies) {
    super(REQUEST_AGAIN_DIALOG);
    if (
      !deps?.requests ||
      !deps.directory ||
      !deps.catalog ||
      !deps.guestPolicy ||
      !deps.tenantPolicy ||
      !(deps.maxOpenRequests >= 1) ||
      !(deps.timing?.accessDays >= 1)
    ) {
      throw new Error(
        "RequestAgainDialog needs the requests, a directory, the catalog, the guest policy, the tenant's settings, a limit of open requests and the timing settings.",
      );
    }
    this.clock = deps.clock ?? (() => new Date());
    this.addDialog(new SponsorPrompt(SPONSOR_PROMPT, deps.directory)).addDialog(
      new WaterfallDialog(STEPS, [
        (step) => this.checkAndFile(step),
        (step) => step.replaceDialog(STEPS, { ...(step.options as RequestAgainOptions), sponsor: namedSponsor(step.context) }),
      ]),
    );
    this.initialDialogId = STEPS;
  }

  /** `cancel` while the sponsor question is open files nothing. */
  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const { context } = innerDc;
    if (commandOf(context.activity.text, ['cancel'])) {
      const { requestId } = innerDc.stack.find((instance) => instance.id === STEPS)?.state?.options as RequestAgainOptions;
      await context.sendActivity(translatorFor(context.activity.locale)('requestAgain.cancelled', { id: requestId }));
      return innerDc.cancelAllDialogs();
    }
    return super.onContinueDialog(innerDc);
  }

  /** A guest who had accepted is not invited again, and the tenant's invitation settings do not apply to them (as at the address step). */
  private async tenantAllows(old: AccessRequest): Promise<boolean> {
    return old.existingGuest?.state === 'Accepted' || (await this.deps.tenantPolicy.check(old.guestEmail)).ok;
  }

  /** Whether the guest may still be asked for: the guest policy and the tenant's settings, as today. */
  private async mayAskFor(guest: AccessRequest): Promise<boolean> {
    return checkGuestAgain(guest, this.deps.guestPolicy).ok && (await this.tenantAllows(guest));
  }

  /** Every check, as things stand now (a new sponsor's answer comes back here); then files it, or asks who sponsors it. */
  private async checkAndFile(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const options = step.options as RequestAgainOptions;
    // The request's first guest holds what every guest of it shares: its people, resources, period and reason.
    const guests = await this.deps.requests.guestsOfRequest(requestIdOfRow(options.requestId));
    const [old] = guests;
    // Someone else's request is answered like one that does not exist: ids are quoted in chats.
    if (!old || !isRequesterOf(senderOf(context.activity, this.deps.localDefaultUserId), old)) {
      await context.sendActivity(t('cancelRequest.notFound', { id: options.requestId }));
      return step.endDialog();
    }
    const names = { id: old.requestId, guest: plainText(old.guestEmail), sponsor: plainText(old.sponsor.displayName) };
    const named = options.guestId ? guests.filter((guest) => guest.id === options.guestId) : guests;
    const fileable = named.filter((guest) => FILEABLE_AGAIN.includes(guest.state));
    if (fileable.length === 0) {
      await context.sendActivity(
        named.length === 1
          ? t('requestAgain.notExpired', { ...names, state: t(`requestState.${named[0].state}`) })
          : t('severalGuests.requestAgain.nothing', { id: old.requestId, guests: guestsWithStates(t, named) }),
      );
      return step.endDialog();
    }
    const allowed: AccessRequest[] = [];
    const refused: AccessRequest[] = [];
    for (const guest of fileable) ((await this.mayAskFor(guest)) ? allowed : refused).push(guest);
    const refusedDomains = () => plainText([...new Set(refused.map((guest) => domainOf(guest.guestEmail)))].join(', '));
    if (allowed.length === 0) {
      await context.sendActivity(t('requestAgain.policy', { ...names, domain: refusedDomains() }));
      return step.endDialog();
    }
    const open = await openRequestsAtLimit(this.deps, old.requester.id);
    if (open) {
      await context.sendActivity(openRequestsText(t, open));
      return step.endDialog();
    }
    let resources: Resource[];
    try {
      resources = resourcesByIds(this.deps.catalog, old.resourceIds);
    } catch {
      await context.sendActivity(t('requestAgain.resourceGone', names));
      return step.endDialog();
    }

    const sponsor = options.sponsor ?? (await this.deps.directory.getUser(old.sponsor.id));
    const sponsorCheck = checkSponsor(sponsor, old.requester.id);
    if (!sponsorCheck.ok) {
      // Never `isRequester`: the sponsor was checked against the requester when the request was filed.
      const why = t(`requestAgain.sponsorCannot.${sponsorCheck.problem === 'isRequester' ? 'notFound' : sponsorCheck.problem}`);
      return askSponsor(step, t('requestAgain.sponsorGone', { ...names, why }), old.requester.id);
    }
    const gaps = await stagesNobodyCouldDecide(this.deps.directory, resources, { requester: old.requester, sponsor: personOf(sponsorCheck.sponsor) });
    const gapAnswer = stageGapAnswer(t, gaps, sponsorCheck.sponsor, t('requestAgain.notApprovable', names));
    if (gapAnswer && 'refusal' in gapAnswer) {
      await context.sendActivity(gapAnswer.refusal);
      return step.endDialog();
    }
    if (gapAnswer) return askSponsor(step, gapAnswer.askAnotherSponsor, old.requester.id);
    await this.file(context, old, allowed, resources, sponsorCheck.sponsor);
    if (refused.length > 0) {
      await context.sendActivity(
        t('severalGuests.requestAgain.leftOut', { guests: guestAddresses(context.activity.locale, refused), domain: refusedDomains() }),
      );
    }
    return step.endDialog();
  }

  /** Files `guests` of the old request again (its first guest, `old`, holds what they share), and records it on each. */
  private async file(
    context: TurnContext,
    old: AccessRequest,
    guests: readonly AccessRequest[],
    resources: readonly Resource[],
    sponsor: DirectoryUser,
  ): Promise<void> {
    const t = translatorFor(context.activity.locale);
    const days = Math.min(old.accessDays ?? this.deps.timing.accessDays, maxDaysOf(resources) ?? Number.POSITIVE_INFINITY);
    const actor = { kind: 'user' as const, id: old.requester.id, displayName: old.requester.displayName };
    const sameSponsor = sponsor.id === old.sponsor.id;
    const filing = await fileRequest(
      { ...this.deps, clock: this.clock },
      {
        tenantId: old.tenantId,
        requester: old.requester,
        requesterLocale: context.activity.locale ?? old.requesterLocale,
        requesterConversationId: context.activity.conversation.id,
        guestEmail: guests[0].guestEmail,
        ...(guests.length > 1 ? { moreGuests: guests.slice(1).map((guest) => ({ guestEmail: guest.guestEmail })) } : {}),
        resourceIds: old.resourceIds,
        justification: old.justification,
        sponsor: personOf(sponsor),
        sponsorLocale: sponsor.preferredLanguage ?? (sameSponsor ? old.sponsorLocale : (context.activity.locale ?? old.requesterLocale)),
        accessDays: days,
      },
      actor,
    );
    if (filing.outcome === 'tooManyOpen') {
      await context.sendActivity(openRequestsText(t, filing.open));
      return;
    }
    const filed = filing.request;
    for (const guest of guests) {
      await this.deps.requests.recordAsk({
        id: guest.id,
        states: FILEABLE_AGAIN,
        actor,
        action: 'filedAgain',
        detail: { as: filed.id, ...(sameSponsor ? {} : { sponsor: sponsor.id }) },
        jobs: [],
      });
    }
    await context.sendActivity(
      t('requestAgain.filed', {
        id: old.requestId,
        newId: filed.id,
        sponsor: plainText(sponsor.displayName),
        endDate: formatDate(filed.endsAt ?? '', context.activity.locale, this.clock()),
      }),
    );
  }
}

function askSponsor(step: WaterfallStepContext, question: string, requesterId: string): Promise<DialogTurnResult> {
  return step.prompt(SPONSOR_PROMPT, { prompt: question, validations: { requesterId } satisfies SponsorValidations });
}
