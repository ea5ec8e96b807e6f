/**
 * The message extension: Teams' "Request guest access" command, on a message (its `…` menu), in
 * the compose box or in the command box. It answers three invokes, wherever in the tenant they
 * come from (see teams/admission):
 *
 * - `composeExtension/fetchTask`: the form (cards/requestForm), filled in from the message it was
 *   started on (messagePrefill) and with the requester's manager as sponsor;
 * - `composeExtension/submitAction`: the form checked as the dialog checks its answers
 *   (requestFormCheck); with a problem, the form again, as typed, each problem beside its input;
 *   else the draft goes to the employee's 1:1 chat with the bot (draftInChat), where **Yes** files it
 *   as a typed request is filed;
 * - `application/search`: the catalog searched as the person types in the form's resources
 *   (resourceChoices).
 *
 * Teams gives an invoke five seconds: the form's checks are the dialog's, a few directory reads.
 * The form is in the language of the person's Teams (the activity's locale): an invoke may come
 * from a channel or someone else's chat, where the bot keeps no conversation and so no language.
 */
import { randomBytes } from 'node:crypto';
import {
  type Activity,
  CardFactory,
  type InvokeResponse,
  type MessageActionsPayload,
  type MessagingExtensionActionResponse,
  type TurnContext,
} from 'botbuilder';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DirectoryUser } from '../../directory/directory';
import { directoryUserIdOf } from '../../http/identity';
import { type Translate, translatorFor } from '../../i18n';
import { ANSWER_LIMITS } from '../../requests/answerLimits';
import { resourcesByIds } from '../../requests/catalog';
import { MAX_GUESTS_PER_REQUEST } from '../../requests/guestAddresses';
import { checkSponsor } from '../../requests/policy';
import { DeliveryError, isUnreachable } from '../../messaging/messenger';
import { openRequestsAtLimit } from '../../useCases/fileRequest';
import { openRequestsText } from '../../../dialogs/openRequests';
import { plainText } from '../../../cards/plainText';
import { type RequestFormFields, type RequestFormProblems, requestFormCard } from '../../../cards/requestForm';
import { badInvoke } from '../invokeAnswers';
import { type DraftInChatDependencies, takeDraftToChat } from './draftInChat';
import { prefillFromMessage } from './messagePrefill';
import { checkRequestForm, defaultDaysFor, GUESTS_TEXT_LIMIT, requesterDomainsOf, type RequestFormCheckDependencies } from './requestFormCheck';
import { CATALOG_DATASET, resourceChoicesFor, searchedChoices } from './resourceChoices';

/** The command's id in appPackage/manifest.json. */
export const REQUEST_COMMAND_ID = 'requestGuestAccess';

export interface RequestFromMessageDependencies extends RequestFormCheckDependencies, DraftInChatDependencies {
  /** See directoryUserIdOf: set only for unauthenticated runs on the simulated directory. */
  localDefaultUserId?: string;
  logger: Logger;
}

/** What Teams sends with both invokes; anything else in it is not read. */
const actionSchema = z
  .object({
    commandId: z.string().optional().catch(undefined),
    messagePayload: z.looseObject({}).optional().catch(undefined),
    data: z.record(z.string(), z.unknown()).optional().catch(undefined),
  })
  .catch({});

/** What both invokes go on with once readCommand has let them through. */
interface CommandFromRequester {
  t: Translate;
  action: z.infer<typeof actionSchema>;
  requester: DirectoryUser;
}

const searchSchema = z
  .object({
    dataset: z.string().optional().catch(undefined),
    queryText: z.string().max(ANSWER_LIMITS.resources).optional().catch(undefined),
    queryOptions: z
      .object({ skip: z.number().int().optional().catch(undefined), top: z.number().int().optional().catch(undefined) })
      .optional()
      .catch(undefined),
  })
  .catch({});

export class RequestFromMessage {
  constructor(private readonly deps: RequestFromMessageDependencies) {
    if (!deps?.directory || !deps.catalog || !deps.requests || !deps.chats || !deps.runDraftTurn || !deps.tenantId || !deps.logger) {
      throw new Error('RequestFromMessage needs the directory, the catalog, the requests, the personal chats, the dialog turn, the tenant and a logger.');
    }
  }

  async answer(context: TurnContext): Promise<InvokeResponse> {
    switch (context.activity.name) {
      case 'composeExtension/fetchTask':
        return { status: 200, body: await this.fetchTask(context) };
      case 'composeExtension/submitAction':
        return { status: 200, body: await this.submitAction(context) };
      default:
        return this.search(context);
    }
  }

  /** The form, filled in from the message when started on one. */
  private async fetchTask(context: TurnContext): Promise<MessagingExtensionActionResponse> {
    const command = await this.readCommand(context);
    if ('notice' in command) return command.notice;
    const { t, action, requester } = command;
    // Nothing the form could file until some are decided: said before anyone fills it in.
    const open = await openRequestsAtLimit(this.deps, requester.id);
    if (open) return notice(openRequestsText(t, open));
    const { directory, guestPolicy } = this.deps;
    const [prefill, manager] = await Promise.all([
      prefillFromMessage(action.messagePayload as MessageActionsPayload | undefined, {
        directory,
        internalDomains: [...guestPolicy.internalDomains, ...requesterDomainsOf(requester)],
      }),
      directory.getManager(requester.id),
    ]);
    const sponsor = manager && checkSponsor(manager, requester.id).ok ? (manager.mail ?? manager.userPrincipalName) : '';
    this.deps.logger.info({ from: requester.id, prefilled: prefill.addresses.length, fromMessage: action.messagePayload !== undefined }, 'request form opened');
    return this.form(
      t,
      { guests: prefill.addresses.join('\n'), resourceIds: [], period: '', justification: '', sponsor },
      {},
      prefill.unknownSender ? t('messageExtension.senderUnknown', { name: plainText(prefill.unknownSender) }) : undefined,
    );
  }

  /** The form checked: back with its problems, or on to the employee's chat. */
  private async submitAction(context: TurnContext): Promise<MessagingExtensionActionResponse> {
    const command = await this.readCommand(context);
    if ('notice' in command) return command.notice;
    const { t, action, requester } = command;
    const form = formFieldsOf(action.data);
    const check = await checkRequestForm(this.deps, form, requester, t, context.activity.locale ?? 'en');
    if (!check.ok) {
      this.deps.logger.info({ from: requester.id, problems: Object.keys(check.problems) }, 'request form sent back');
      return this.form(t, check.fields, check.problems);
    }
    try {
      await takeDraftToChat(context, requester.id, check.draft, this.deps);
    } catch (error) {
      if (isUnreachable(error)) {
        this.deps.logger.warn({ err: error, from: requester.id }, 'request form: the requester’s chat with the bot could not be opened');
        return this.form(t, form, { general: t('messageExtension.problem.chatUnreachable') });
      }
      if (error instanceof DeliveryError && error.transient) {
        this.deps.logger.warn({ err: error, from: requester.id }, 'request form: Teams did not answer for the requester’s chat just now');
        return this.form(t, form, { general: t('messageExtension.problem.chatBusy') });
      }
      const reference = randomBytes(4).toString('hex');
      this.deps.logger.error({ err: error, from: requester.id, reference }, 'request form: the draft could not be taken to the requester’s chat');
      return this.form(t, form, { general: t('messageExtension.problem.failed', { ref: reference }) });
    }
    this.deps.logger.info({ from: requester.id, guests: check.draft.guests.length }, 'request form taken to the chat');
    return notice(t('messageExtension.inChat', { sponsor: check.sponsor.displayName }));
  }

  /** The catalog's resources for what the person typed in the form's choice set, a page at a time. */
  private search(context: TurnContext): InvokeResponse {
    const { activity } = context;
    const query = searchSchema.parse(activity.value);
    if (query.dataset !== CATALOG_DATASET) return badInvoke('NotSupported', `This bot has no dataset ${JSON.stringify(query.dataset ?? null)} to search.`);
    const results = searchedChoices(translatorFor(activity.locale), this.deps.catalog, {
      text: query.queryText ?? '',
      skip: query.queryOptions?.skip ?? 0,
      top: query.queryOptions?.top ?? Number.POSITIVE_INFINITY,
    });
    return { status: 200, body: { type: 'application/vnd.microsoft.search.searchResponse', value: { results } } };
  }

  /** The form in a task module, with `problems` beside their inputs. */
  private form(t: Translate, fields: RequestFormFields, problems: RequestFormProblems, guestsNote?: string): MessagingExtensionActionResponse {
    const { catalog, timing } = this.deps;
    const known = new Set(catalog.resources.map((r) => r.id));
    // Ids the catalog does not have (an old or forged form) cannot be shown as chosen: the problem beside the resources says so.
    const resourceIds = fields.resourceIds.filter((id) => known.has(id));
    const { choices, searchDataset } = resourceChoicesFor(t, catalog, resourceIds);
    const card = requestFormCard(t, {
      fields: { ...fields, resourceIds },
      problems,
      guestsNote,
      choices,
      searchDataset,
      limits: { guests: GUESTS_TEXT_LIMIT, period: ANSWER_LIMITS.accessPeriod, justification: ANSWER_LIMITS.justification, sponsor: ANSWER_LIMITS.sponsor },
      defaultDays: defaultDaysFor(resourcesByIds(catalog, resourceIds), timing.accessDays),
      maxGuests: MAX_GUESTS_PER_REQUEST,
    });
    return {
      task: { type: 'continue', value: { title: t('messageExtension.title'), width: 'medium', height: 'large', card: CardFactory.adaptiveCard(card) } },
    };
  }

  /**
   * What both invokes begin with: the person's language, the action Teams sent and who sent it; or,
   * in that language, the notice to answer with when the action is another command or its sender
   * is no member who may file requests.
   */
  private async readCommand(context: TurnContext): Promise<CommandFromRequester | { notice: MessagingExtensionActionResponse }> {
    const { activity } = context;
    const t = translatorFor(activity.locale);
    const action = actionSchema.parse(activity.value);
    if (action.commandId !== REQUEST_COMMAND_ID) return { notice: notice(t('messageExtension.unknownCommand')) };
    const requester = await this.requesterOf(activity);
    if (!requester) return { notice: notice(t('dialog.unknownRequester')) };
    return { t, action, requester };
  }

  /** The person the channel vouches for, when they are a member who may file requests. */
  private async requesterOf(activity: Activity): Promise<DirectoryUser | undefined> {
    const userId = directoryUserIdOf(activity, this.deps.localDefaultUserId);
    const user = userId ? await this.deps.directory.getUser(userId) : undefined;
    return user?.userType === 'Member' ? user : undefined;
  }
}

/** A short message in the task module instead of a form. */
function notice(text: string): MessagingExtensionActionResponse {
  return { task: { type: 'message', value: text } };
}

/**
 * The inputs of a submitted form; whatever is not text is taken as empty. Each text is cut one past
 * its limit, so the check still sees it is too long and the form sent back stays small; the
 * resources are counted whole (only ids the catalog has go back into the form).
 */
function formFieldsOf(data: Record<string, unknown> | undefined): RequestFormFields {
  const text = (name: string, limit = Number.POSITIVE_INFINITY) => {
    const value = data?.[name];
    return typeof value === 'string' ? value.slice(0, limit + 1) : '';
  };
  return {
    guests: text('guests', GUESTS_TEXT_LIMIT),
    resourceIds: [
      ...new Set(
        text('resources')
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      ),
    ],
    period: text('period', ANSWER_LIMITS.accessPeriod),
    justification: text('justification', ANSWER_LIMITS.justification),
    sponsor: text('sponsor', ANSWER_LIMITS.sponsor),
  };
}
