/**
 * The request conversation: guest email (or up to MAX_GUESTS_PER_REQUEST of them) → resources →
 * how long → justification → sponsor → confirmation. Begun with a draft (the message extension's
 * form, already answered), it checks the sponsor and goes straight to the confirmation.
 * Every step takes typed text; every check runs here, before any sponsor is asked. Validators
 * write their own retry message (a typing indicator counts as a reply, so prompts would not).
 */
import type { TurnContext } from 'botbuilder';
import { commandCardAttachment } from '../cards/commandCard';
import { summaryCardAttachment } from '../cards/summaryCard';
import {
  ComponentDialog,
  Dialog,
  type DialogContext,
  type DialogTurnResult,
  type PromptValidatorContext,
  TextPrompt,
  WaterfallDialog,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Directory, DirectoryUser } from '../src/directory/directory';
import { commandOf, translatorFor, formatDate, type Translate } from '../src/i18n';
import type { Person } from '../src/requests/accessRequest';
import { readAccessPeriod } from '../src/requests/accessPeriod';
import { ANSWER_LIMITS } from '../src/requests/answerLimits';
import { answerParts, maxDaysOf, type ResourceCatalog, resourcesByIds, resourcesMatching, selectResources } from '../src/requests/catalog';
import { endDateAfter, type Timing, type TimerSettings } from '../src/requests/timers';
import { domainOf } from '../src/requests/domains';
import { checkSponsor, type GuestPolicy } from '../src/requests/policy';
import { checkGuests, type TakenGuest } from '../src/useCases/checkGuests';
import { guestAddressAnswer } from './guestAddressAnswer';
import { stagesNobodyCouldDecide } from '../src/approvals/stageApprovers';
import type { RequestRepository } from '../src/requests/requestRepository';
import type { TenantPolicy } from '../src/requests/tenantPolicy';
import { fileRequest, openRequestsAtLimit } from '../src/useCases/fileRequest';
import { directoryUserIdOf } from '../src/http/identity';
import { catalogPage, searchResults, whichDidYouMean } from './resourceMenu';
import { plainText } from '../cards/plainText';
import { openRequestsText } from './openRequests';
import { namedSponsor, personOf, SponsorPrompt, type SponsorValidations } from './sponsorAnswer';
import { stageGapAnswer } from './stageGaps';
import { answerOf, yesNoQuestion } from './yesNo';
import { typingWhileSlow } from './typingWhileSlow';

export const REQUEST_ACCESS_DIALOG = 'requestAccessDialog';
const STEPS = 'requestAccessSteps';
const DRAFT_STEPS = 'requestDraftSteps';
const GUEST_EMAIL_PROMPT = 'guestEmailPrompt';
const RESOURCES_PROMPT = 'resourcesPrompt';
const ACCESS_PERIOD_PROMPT = 'accessPeriodPrompt';
const JUSTIFICATION_PROMPT = 'justificationPrompt';
const SPONSOR_PROMPT = 'sponsorPrompt';
const SPONSOR_CHECK = 'sponsorCheckSteps';
const CONFIRM_PROMPT = 'confirmPrompt';

/** The help text for each question, shown when the user types `help` there. */
const HELP_BY_PROMPT = {
  [GUEST_EMAIL_PROMPT]: 'help.guestEmail',
  [RESOURCES_PROMPT]: 'help.resources',
  [ACCESS_PERIOD_PROMPT]: 'help.accessPeriod',
  [JUSTIFICATION_PROMPT]: 'help.justification',
  [SPONSOR_PROMPT]: 'help.sponsor',
  [CONFIRM_PROMPT]: 'help.confirm',
} as const;

const JUSTIFICATION_MIN_LENGTH = 10;

/** A validator's result, handed to the next step of the same turn without a second lookup. */
const VALIDATED = Symbol('validatedAnswer');

interface RequestAccessDependencies {
  directory: Directory;
  catalog: ResourceCatalog;
  requests: RequestRepository;
  guestPolicy: GuestPolicy;
  /** The tenant's own external-collaboration settings, from readings kept a few minutes so the turn seldom waits. */
  tenantPolicy: Pick<TenantPolicy, 'check'>;
  /** The tenant guests are invited into. */
  tenantId: string;
  /** Requests one person may have waiting for a sponsor at once: each one asks a sponsor for time. */
  maxOpenRequests: number;
  /** See directoryUserIdOf: set only for unauthenticated runs on the simulated directory. */
  localDefaultUserId?: string;
  /** The default access period and the timers a new request starts. */
  timing: TimerSettings & Pick<Timing, 'accessDays'>;
  clock?: () => Date;
}

/** What the check of the sponsor against the owner stages is given, and given again with each new sponsor. */
interface SponsorCheckOptions {
  sponsor: DirectoryUser;
  requester: Person;
  resourceIds: string[];
}

/**
 * A request already answered elsewhere (the message extension's form, checked there as here): the
 * dialog begun with it identifies the requester, checks the sponsor and asks only for the Yes.
 */
export interface RequestDraft {
  guests: TakenGuest[];
  resourceIds: string[];
  accessDays: number;
  justification: string;
  /** The sponsor's Entra object id. */
  sponsorId: string;
}

/** What the dialog collects, kept in its waterfall state between turns. */
interface Collected {
  requester: Person;
  requesterDomains: string[];
  /** Every guest asked for, in the order given (at least one). */
  guests: TakenGuest[];
  resourceIds: string[];
  accessDays: number;
  justification: string;
  sponsor: Person;
  sponsorLocale: string;
}

export class RequestAccessDialog extends ComponentDialog {
  private readonly clock: () => Date;

  constructor(private readonly deps: RequestAccessDependencies) {
    super(REQUEST_ACCESS_DIALOG);
    if (
      !deps?.directory ||
      !deps.catalog ||
      !deps.requests ||
      !deps.guestPolicy ||
      !deps.tenantPolicy ||
      !deps.tenantId ||
      !(deps.maxOpenRequests >= 1) ||
      !(deps.timing?.accessDays >= 1)
    ) {
      throw new Error(
        "RequestAccessDialog needs a directory, a catalog, a request repository, a guest policy, the tenant's settings, a tenant id, a limit of open requests and the timing settings.",
      );
    }
    this.clock = deps.clock ?? (() => new Date());
    this.addDialog(new TextPrompt(GUEST_EMAIL_PROMPT, (p) => this.validateGuest(p)))
      .addDialog(new TextPrompt(RESOURCES_PROMPT, (p) => this.validateResources(p)))
      .addDialog(new TextPrompt(ACCESS_PERIOD_PROMPT, (p) => this.validateAccessPeriod(p)))
      .addDialog(new TextPrompt(JUSTIFICATION_PROMPT, (p) => this.validateJustification(p)))
      .addDialog(new SponsorPrompt(SPONSOR_PROMPT, deps.directory))
      .addDialog(new TextPrompt(CONFIRM_PROMPT, (p) => this.validateConfirmation(p)))
      .addDialog(
        new WaterfallDialog(STEPS, [
          (step) => this.identifyRequester(step),
          (step) => this.askResources(step),
          (step) => this.askAccessPeriod(step),
          (step) => this.askJustification(step),
          (step) => this.askSponsor(step),
          (step) => this.checkSponsor(step, namedSponsor(step.context)),
          (step) => this.confirm(step),
          (step) => this.submit(step),
        ]),
      )
      .addDialog(new WaterfallDialog(SPONSOR_CHECK, [(step) => this.checkApprovers(step), (step) => this.checkAnotherSponsor(step)]))
      .addDialog(
        new WaterfallDialog(DRAFT_STEPS, [
          (step) => this.takeDraft(step),
          (step) => this.checkSponsor(step, step.result as DirectoryUser),
          (step) => this.confirm(step),
          (step) => this.submit(step),
        ]),
      );
    this.initialDialogId = STEPS;
  }

  /** Begun with `{ draft }`: the draft's own steps; otherwise every question. */
  protected async onBeginDialog(innerDc: DialogContext, options?: { draft?: RequestDraft }): Promise<DialogTurnResult> {
    if (options?.draft) return innerDc.beginDialog(DRAFT_STEPS, options);
    return super.onBeginDialog(innerDc, options);
  }

  /** `cancel` and `help` work at every step; `request` says a request is already under way. */
  protected async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const context = innerDc.context;
    const t = translatorFor(context.activity.locale);
    const command = commandOf(context.activity.text, ['cancel', 'help', 'request']);
    if (command === 'request') {
      // After a reload the question may be out of sight: say where this request stands, and how to start over.
      const values = innerDc.stack.find((instance) => instance.id === STEPS || instance.id === DRAFT_STEPS)?.state?.values as Partial<Collected> | undefined;
      const guests = values?.guests ?? [];
      const email = plainText(guests[0]?.email ?? '');
      await context.sendActivity(
        guests.length > 1
          ? t('dialog.alreadyRequestingForMany', { count: guests.length, email })
          : guests.length === 1
            ? t('dialog.alreadyRequestingFor', { email })
            : t('dialog.alreadyRequesting'),
      );
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (command === 'cancel') {
      await context.sendActivity(t('dialog.cancelled'));
      return innerDc.cancelAllDialogs();
    }
    if (command === 'help') {
      const activeId = innerDc.child?.activeDialog?.id ?? innerDc.activeDialog?.id;
      const helpKey = HELP_BY_PROMPT[activeId as keyof typeof HELP_BY_PROMPT] ?? 'help.general';
      await context.sendActivity(t(helpKey));
      await innerDc.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(innerDc);
  }

  private async identifyRequester(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (!(await this.identify(step))) return step.endDialog();
    const t = translatorFor(step.context.activity.locale);
    return step.prompt(GUEST_EMAIL_PROMPT, { prompt: t('dialog.askGuestEmail'), validations: { requesterDomains: collected(step).requesterDomains } });
  }

  /** Who is asking (a member of the organization, under their open-request limit), kept in the waterfall's values; false when they may not. */
  private async identify(step: WaterfallStepContext): Promise<boolean> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const userId = directoryUserIdOf(context.activity, this.deps.localDefaultUserId);
    const user = userId ? await typingWhileSlow(context, () => this.deps.directory.getUser(userId)) : undefined;
    if (!user || user.userType !== 'Member') {
      await context.sendActivity(t('dialog.unknownRequester'));
      return false;
    }
    if (await this.hasTooManyOpen(context, user.id)) return false;
    const values = collected(step);
    values.requester = personOf(user);
    values.requesterDomains = [...new Set([user.mail, user.userPrincipalName].filter((a): a is string => Boolean(a)).map(domainOf))];
    return true;
  }

  /**
   * The draft's answers, as the questions would have collected them; its sponsor goes on to the
   * sponsor check as this step's result, or the requester hears why not.
   */
  private async takeDraft(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (!(await this.identify(step))) return step.endDialog();
    const { draft } = step.options as { draft: RequestDraft };
    const values = collected(step);
    Object.assign(values, { guests: draft.guests, resourceIds: draft.resourceIds, accessDays: draft.accessDays, justification: draft.justification });
    const sponsor = await this.deps.directory.getUser(draft.sponsorId);
    const check = checkSponsor(sponsor, values.requester.id);
    if (!check.ok) {
      const t = translatorFor(step.context.activity.locale);
      await step.context.sendActivity(t('dialog.draftSponsorGone', { name: plainText(sponsor?.displayName ?? draft.sponsorId) }));
      return step.endDialog();
    }
    return step.next(check.sponsor);
  }

  private async askResources(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = collected(step);
    values.guests = validated<TakenGuest[]>(step.context);
    const t = translatorFor(step.context.activity.locale);
    const question = guestsQuestion(t, 'askResources', values.guests);
    return step.prompt(RESOURCES_PROMPT, { prompt: `${question}\n\n${catalogPage(t, this.deps.catalog, 0)}` });
  }

  private async askAccessPeriod(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = collected(step);
    values.resourceIds = validated<string[]>(step.context);
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const maxDays = maxDaysOf(resourcesByIds(this.deps.catalog, values.resourceIds));
    const defaultDays = Math.min(this.deps.timing.accessDays, maxDays ?? Number.POSITIVE_INFINITY);
    const names = {
      days: defaultDays,
      date: formatDate(endDateAfter(defaultDays, this.clock(), this.deps.timing), context.activity.locale, this.clock()),
      max: maxDays,
    };
    const prompt = [guestsQuestion(t, 'askAccessPeriod', values.guests, names), maxDays !== undefined ? t('dialog.accessPeriodLimit', names) : '']
      .filter(Boolean)
      .join('\n\n');
    return step.prompt(ACCESS_PERIOD_PROMPT, { prompt, validations: { defaultDays, maxDays } });
  }

  private async askJustification(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = collected(step);
    values.accessDays = validated<number>(step.context);
    const t = translatorFor(step.context.activity.locale);
    return step.prompt(JUSTIFICATION_PROMPT, { prompt: guestsQuestion(t, 'askJustification', values.guests) });
  }

  private async askSponsor(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = collected(step);
    values.justification = (step.result as string).trim();
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const requesterId = values.requester.id;
    const manager = await typingWhileSlow(context, () => this.deps.directory.getManager(requesterId));
    const proposed = manager && checkSponsor(manager, requesterId).ok ? manager : undefined;
    if (!proposed) return step.prompt(SPONSOR_PROMPT, { prompt: t('dialog.askSponsorNoManager'), validations: { requesterId } satisfies SponsorValidations });
    const prompt = {
      type: 'message',
      attachments: [
        commandCardAttachment(t('dialog.askSponsorManager', { name: plainText(proposed.displayName), address: plainText(addressOf(proposed)) }), [
          { title: t('dialog.suggestKeep'), command: t('dialog.suggestKeep') },
        ]),
      ],
    };
    return step.prompt(SPONSOR_PROMPT, { prompt, validations: { proposed, requesterId } satisfies SponsorValidations });
  }

  /** The sponsor answered: whether the request could be approved with them, and another sponsor if need be (SPONSOR_CHECK). */
  private async checkSponsor(step: WaterfallStepContext, sponsor: DirectoryUser): Promise<DialogTurnResult> {
    const values = collected(step);
    return step.beginDialog(SPONSOR_CHECK, {
      sponsor,
      requester: values.requester,
      resourceIds: values.resourceIds,
    } satisfies SponsorCheckOptions);
  }

  /**
   * Before anyone confirms: every owner stage the request would need must have an approver other
   * than the requester and the sponsor (separation of duties, approvals/roles). When only the
   * sponsor could approve one, the requester is asked for another sponsor; when nobody else could,
   * the request is not filed, and the requester learns why and whom to ask.
   */
  private async checkApprovers(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    const { sponsor, requester, resourceIds } = step.options as SponsorCheckOptions;
    const owned = resourcesByIds(this.deps.catalog, resourceIds).filter((r) => (r.approvers?.length ?? 0) > 0);
    if (owned.length === 0) return step.endDialog(sponsor);
    const gaps = await typingWhileSlow(context, () => stagesNobodyCouldDecide(this.deps.directory, owned, { requester, sponsor: personOf(sponsor) }));
    const answer = stageGapAnswer(t, gaps, sponsor, t('dialog.stageGap.notApprovable'));
    if (!answer) return step.endDialog(sponsor);
    if ('refusal' in answer) {
      await context.sendActivity(answer.refusal);
      return step.endDialog();
    }
    return step.prompt(SPONSOR_PROMPT, { prompt: answer.askAnotherSponsor, validations: { requesterId: requester.id } satisfies SponsorValidations });
  }

  private async checkAnotherSponsor(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.replaceDialog(SPONSOR_CHECK, { ...(step.options as SponsorCheckOptions), sponsor: namedSponsor(step.context) });
  }

  private async confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const values = collected(step);
    // No sponsor: no request could be approved as asked for, and the requester was told why.
    const sponsor = step.result as DirectoryUser | undefined;
    if (!sponsor) return step.endDialog();
    values.sponsor = personOf(sponsor);
    values.sponsorLocale = sponsor.preferredLanguage ?? step.context.activity.locale ?? 'en';
    const t = translatorFor(step.context.activity.locale);
    const endDate = formatDate(endDateAfter(values.accessDays, this.clock(), this.deps.timing), step.context.activity.locale, this.clock());
    const summary = summaryCardAttachment(t, {
      guest: values.guests.map((guest) => guestLine(t, guest)).join('\n\n'),
      several: values.guests.length > 1,
      resources: resourcesByIds(this.deps.catalog, values.resourceIds)
        .map((r) => plainText(r.name))
        .join(', '),
      until: t('approvalCard.endsAtValue', { date: endDate, days: values.accessDays }),
      why: plainText(values.justification),
      sponsor: `${plainText(values.sponsor.displayName)} (${plainText(values.sponsor.address)})`,
      question: t('dialog.summaryQuestion', { sponsor: plainText(values.sponsor.displayName) }),
    });
    return step.prompt(CONFIRM_PROMPT, { prompt: { type: 'message', attachments: [summary] }, retryPrompt: yesNoQuestion(t, t('dialog.confirmRetry')) });
  }

  private async submit(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const { context } = step;
    const t = translatorFor(context.activity.locale);
    if (!validated<boolean>(context)) {
      await context.sendActivity(t('dialog.notSubmitted'));
      return step.endDialog();
    }
    const values = collected(step);
    const filing = await fileRequest(
      { ...this.deps, clock: this.clock },
      {
        tenantId: this.deps.tenantId,
        requester: values.requester,
        requesterLocale: context.activity.locale ?? 'en',
        requesterConversationId: context.activity.conversation.id,
        guestEmail: values.guests[0].email,
        existingGuest: values.guests[0].existingGuest,
        moreGuests: values.guests.slice(1).map((guest) => ({ guestEmail: guest.email, existingGuest: guest.existingGuest })),
        resourceIds: values.resourceIds,
        justification: values.justification,
        sponsor: values.sponsor,
        sponsorLocale: values.sponsorLocale,
        accessDays: values.accessDays,
      },
      { kind: 'user', id: values.requester.id, displayName: values.requester.displayName },
    );
    // Requests may have been filed elsewhere while this one was being answered.
    if (filing.outcome === 'tooManyOpen') {
      await context.sendActivity(openRequestsText(t, filing.open));
      return step.endDialog();
    }
    await context.sendActivity(t('dialog.submitted', { id: filing.request.id, sponsor: plainText(values.sponsor.displayName) }));
    return step.endDialog(filing.request.id);
  }

  /** Says so, with the ids, when the requester already has as many requests waiting as allowed. */
  private async hasTooManyOpen(context: TurnContext, requesterId: string): Promise<boolean> {
    const open = await openRequestsAtLimit(this.deps, requesterId);
    if (open) await context.sendActivity(openRequestsText(translatorFor(context.activity.locale), open));
    return open !== undefined;
  }

  private async validateGuest(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const { context } = prompt;
    const t = translatorFor(context.activity.locale);
    const text = prompt.recognized.value ?? '';
    const several = /[,;\n]|@.*@/.test(text);
    const max = several ? ANSWER_LIMITS.guestAddresses : ANSWER_LIMITS.guestEmail;
    if (isLongerThan(text, max)) {
      await context.sendActivity(t('dialog.guest.tooLong', { max }));
      return false;
    }
    const requesterDomains = (prompt.options.validations as { requesterDomains?: string[] } | undefined)?.requesterDomains ?? [];
    const answer = guestAddressAnswer(t, await typingWhileSlow(context, () => checkGuests(this.deps, text, requesterDomains)));
    if (answer.text) await context.sendActivity(answer.text);
    if (answer.taken.length === 0) return false;
    context.turnState.set(VALIDATED, answer.taken);
    return true;
  }

  private async validateResources(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const t = translatorFor(prompt.context.activity.locale);
    const { catalog } = this.deps;
    const text = prompt.recognized.value ?? '';
    if (isLongerThan(text, ANSWER_LIMITS.resources)) {
      await prompt.context.sendActivity(t('dialog.resourcesTooLong', { max: ANSWER_LIMITS.resources }));
      return false;
    }
    const parts = new Set(answerParts(text)).size;
    if (parts > ANSWER_LIMITS.resourceParts) {
      await prompt.context.sendActivity(t('dialog.tooManyResources', { count: parts, max: ANSWER_LIMITS.resourceParts }));
      return false;
    }
    if (commandOf(text, ['more'])) {
      const menu = prompt.state as { resourcePage?: number };
      menu.resourcePage = (menu.resourcePage ?? 0) + 1;
      await prompt.context.sendActivity(catalogPage(t, catalog, menu.resourcePage));
      return false;
    }
    const selection = selectResources(catalog, text);
    // A part of several names: which did they mean? The candidates, with their numbers.
    if (!selection.ok && selection.ambiguous.length > 0) {
      await prompt.context.sendActivity(whichDidYouMean(t, selection.ambiguous));
      return false;
    }
    // One word that names nothing is a search of the descriptions too: the way to find a resource in a long catalog.
    const matches = !selection.ok && selection.unknown.length === 1 && !/[,;\n]|^\s*\d+\s*$/.test(text) ? resourcesMatching(catalog, text) : [];
    if (matches.length > 0) {
      await prompt.context.sendActivity(searchResults(t, text, matches));
      return false;
    }
    if (!selection.ok) {
      const message =
        selection.unknown.length > 0
          ? t('dialog.unknownResources', { unknown: selection.unknown.map((u) => `“${plainText(u)}”`).join(', ') })
          : t('dialog.noResources');
      await prompt.context.sendActivity(message);
      return false;
    }
    prompt.context.turnState.set(
      VALIDATED,
      selection.resources.map((r) => r.id),
    );
    return true;
  }

  private async validateAccessPeriod(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const { context } = prompt;
    const t = translatorFor(context.activity.locale);
    const { defaultDays, maxDays } = prompt.options.validations as { defaultDays: number; maxDays?: number };
    const text = prompt.recognized.value ?? '';
    if (isLongerThan(text, ANSWER_LIMITS.accessPeriod)) {
      await context.sendActivity(t('dialog.accessPeriodTooLong', { max: ANSWER_LIMITS.accessPeriod, days: defaultDays }));
      return false;
    }
    const answer = readAccessPeriod(text, {
      defaultDays,
      maxDays,
      locale: context.activity.locale ?? 'en',
      today: this.clock(),
      isDefault: (text) => commandOf(text, ['keep']) !== undefined,
    });
    if (!answer.ok) {
      await context.sendActivity(t(answer.problem === 'notInFuture' ? 'dialog.accessPeriodPast' : 'dialog.accessPeriodNotUnderstood', { days: defaultDays }));
      return false;
    }
    if (answer.cappedFrom !== undefined) await context.sendActivity(t('dialog.accessPeriodCapped', { asked: answer.cappedFrom, max: answer.days }));
    context.turnState.set(VALIDATED, answer.days);
    return true;
  }

  private async validateJustification(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const t = translatorFor(prompt.context.activity.locale);
    const length = (prompt.recognized.value ?? '').trim().length;
    if (length < JUSTIFICATION_MIN_LENGTH) {
      await prompt.context.sendActivity(t('dialog.justificationTooShort', { min: JUSTIFICATION_MIN_LENGTH }));
      return false;
    }
    if (length > ANSWER_LIMITS.justification) {
      await prompt.context.sendActivity(t('dialog.justificationTooLong', { max: ANSWER_LIMITS.justification }));
      return false;
    }
    return true;
  }

  private async validateConfirmation(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const answer = answerOf(prompt.recognized.value);
    if (answer === undefined) return false;
    prompt.context.turnState.set(VALIDATED, answer);
    return true;
  }
}

/** Longer than a question takes, spaces around it aside: refused before any other work is done on it. */
function isLongerThan(text: string, max: number): boolean {
  return text.length > max && text.trim().length > max;
}

function collected(step: WaterfallStepContext): Collected {
  return step.values as Collected;
}

function validated<T>(context: TurnContext): T {
  return context.turnState.get(VALIDATED) as T;
}

function addressOf(user: DirectoryUser): string {
  return user.mail ?? user.userPrincipalName;
}

/** A question about the guests: the one guest's address, or how many there are. */
function guestsQuestion(
  t: Translate,
  question: 'askResources' | 'askAccessPeriod' | 'askJustification',
  guests: readonly TakenGuest[],
  names: Record<string, string | number | undefined> = {},
): string {
  return guests.length === 1
    ? t(`dialog.${question}`, { ...names, email: plainText(guests[0].email) })
    : t(`dialog.${question}Many`, { ...names, count: guests.length });
}

/** A guest on the summary: the address, and what the directory knows of it when it is a guest already. */
function guestLine(t: Translate, guest: TakenGuest): string {
  const existing = guest.existingGuest;
  if (!existing) return plainText(guest.email);
  const key = existing.state === 'Accepted' ? 'dialog.guests.existingAccepted' : 'dialog.guests.existingPending';
  return `${plainText(guest.email)}: ${t(key, { known: existing.displayName ? ` (${plainText(existing.displayName)})` : '' })}`;
}
