/**
 * The message extension's invokes as Teams sends them (Microsoft's "Create and send dialogs" and
 * "Respond to the dialog submit action" pages): `composeExtension/fetchTask` when someone picks
 * **Request guest access** (on a message, with its `messagePayload`), `composeExtension/submitAction`
 * when they submit the form, and `application/search` as they type in its resources. Posted
 * through the fake Teams channel's client, from a channel by default, as the extension is mostly
 * used; and the form read back as a person sees it.
 */
import type { Activity, ConversationAccount, MessageActionsPayload } from 'botbuilder';
import { TENANT_ID, type TeamsClient, type TeamsUser } from './fakeTeamsChannel';

/** A channel of the tenant's, where the bot is not installed: the extension still works there. */
export const CHANNEL: ConversationAccount = {
  id: '19:general@thread.tacv2;messageid=1733500000000',
  conversationType: 'channel',
  isGroup: true,
  tenantId: TENANT_ID,
  name: 'General',
};

/** The message the command was started on: `html` as Teams sends a message's body, from `sender`. */
export function messageFrom(
  sender: { id: string; displayName: string; userIdentityType?: 'aadUser' | 'federatedUser' | 'anonymousGuest' },
  html: string,
): MessageActionsPayload {
  return {
    id: '1733500000000',
    createdDateTime: '2026-12-06T12:00:00.000Z',
    importance: 'normal',
    locale: 'en-us',
    body: { contentType: 'html', content: html },
    from: { user: { userIdentityType: 'aadUser', ...sender } },
    attachments: [],
  } as MessageActionsPayload;
}

interface InvokeOptions {
  conversation?: ConversationAccount;
  commandId?: string;
  commandContext?: 'message' | 'compose' | 'commandbox';
  messagePayload?: MessageActionsPayload;
  /** Anything else on the activity (another tenant's channelData, say). */
  activity?: Partial<Activity>;
}

export interface InvokeAnswerOf<Body> {
  status: number;
  body: Body;
}

/** What the bot answers the extension's commands with: a form, or a message in the task module. */
export interface TaskAnswer {
  task?: {
    type: 'continue' | 'message';
    value: string | { title?: string; width?: unknown; height?: unknown; card?: { contentType: string; content: AdaptiveCard } };
  };
}

export interface AdaptiveCard {
  type: string;
  body: CardElement[];
  actions: CardElement[];
}

type CardElement = Record<string, unknown> & { type: string; id?: string };

async function invoke<Body>(teams: TeamsClient, user: TeamsUser, name: string, value: unknown, options: InvokeOptions = {}): Promise<InvokeAnswerOf<Body>> {
  const conversation = options.conversation ?? CHANNEL;
  const response = await teams.post(user, { type: 'invoke', name, value, conversation, ...options.activity }, conversation.id);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Body };
}

export function fetchTask(teams: TeamsClient, user: TeamsUser, options: InvokeOptions = {}): Promise<InvokeAnswerOf<TaskAnswer>> {
  return invoke(
    teams,
    user,
    'composeExtension/fetchTask',
    {
      commandId: options.commandId ?? 'requestGuestAccess',
      commandContext: options.commandContext ?? (options.messagePayload ? 'message' : 'compose'),
      context: { theme: 'default' },
      ...(options.messagePayload ? { messagePayload: options.messagePayload } : {}),
    },
    options,
  );
}

/** The form submitted: its inputs (`resources` comma-separated ids, as a multi-select sends them) and the action's own data. */
export function submitAction(
  teams: TeamsClient,
  user: TeamsUser,
  inputs: Record<string, unknown>,
  options: InvokeOptions = {},
): Promise<InvokeAnswerOf<TaskAnswer>> {
  return invoke(
    teams,
    user,
    'composeExtension/submitAction',
    {
      commandId: options.commandId ?? 'requestGuestAccess',
      commandContext: options.commandContext ?? (options.messagePayload ? 'message' : 'compose'),
      context: { theme: 'default' },
      ...(options.messagePayload ? { messagePayload: options.messagePayload } : {}),
      data: { form: 'requestGuestAccess', ...inputs },
    },
    options,
  );
}

/** What Teams sends as someone types `queryText` in a choice set whose choices come from `dataset`. */
export function searchCatalog(
  teams: TeamsClient,
  user: TeamsUser,
  queryText: string,
  options: InvokeOptions & { dataset?: string; skip?: number; top?: number } = {},
): Promise<InvokeAnswerOf<{ type: string; value: { results?: Array<{ title: string; value: string }>; code?: string } }>> {
  return invoke(
    teams,
    user,
    'application/search',
    { queryText, queryOptions: { skip: options.skip ?? 0, top: options.top ?? 15 }, dataset: options.dataset ?? 'guestAccessCatalog' },
    options,
  );
}

/** The form as a person reads and fills it: each input's label and value, the problem shown under it, and what stands above all. */
export interface FormSeen {
  title: string;
  inputs: Record<string, { label: string; value: string; placeholder: string }>;
  /** The problem (a text in the attention colour) right under each input that has one. */
  problems: Record<string, string>;
  /** A problem above the inputs: it concerns the whole request. */
  general?: string;
  /** A hint under an input (in small print). */
  notes: Record<string, string>;
  /** The resources offered: value → title. */
  choices: Record<string, string>;
  /** The dataset the resources' choice set searches as the person types, if any. */
  searchDataset?: string;
  submit: string;
}

export function formOf(answer: TaskAnswer | undefined): FormSeen {
  const value = answer?.task?.value;
  if (answer?.task?.type !== 'continue' || typeof value !== 'object' || !value.card) throw new Error(`no form in ${JSON.stringify(answer)}`);
  const seen: FormSeen = { title: value.title ?? '', inputs: {}, problems: {}, notes: {}, choices: {}, submit: '' };
  let lastInput: string | undefined;
  for (const element of value.card.content.body) {
    if (element.type.startsWith('Input.') && element.id) {
      lastInput = element.id;
      seen.inputs[element.id] = { label: String(element.label ?? ''), value: String(element.value ?? ''), placeholder: String(element.placeholder ?? '') };
      for (const choice of (element.choices as Array<{ title: string; value: string }> | undefined) ?? []) seen.choices[choice.value] = choice.title;
      const query = element['choices.data'] as { dataset?: string } | undefined;
      if (query?.dataset) seen.searchDataset = query.dataset;
    } else if (element.type === 'TextBlock' && element.color === 'Attention') {
      if (lastInput) seen.problems[lastInput] = String(element.text);
      else seen.general = String(element.text);
    } else if (element.type === 'TextBlock' && element.isSubtle && lastInput) {
      seen.notes[lastInput] = String(element.text);
    }
  }
  seen.submit = String(value.card.content.actions[0]?.title ?? '');
  return seen;
}

/** The inputs of a form as a person submits it untouched: the values it came with. */
export function valuesOf(form: FormSeen): Record<string, string> {
  return Object.fromEntries(Object.entries(form.inputs).map(([id, input]) => [id, input.value]));
}

/** The sentence the task module shows instead of a form. */
export function noticeOf(answer: TaskAnswer | undefined): string {
  if (answer?.task?.type !== 'message' || typeof answer.task.value !== 'string') throw new Error(`no message in ${JSON.stringify(answer)}`);
  return answer.task.value;
}
