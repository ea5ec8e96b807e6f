/**
 * Who the bot serves, decided before a turn touches any state: people of its own tenant, in a
 * personal chat, and, once it checks tokens, only through Teams. Web Chat and Direct Line let a
 * caller set `from.id` to anything, and a group chat mixes people, so a request, its sponsor check
 * and its redeem link could reach someone they were not meant for. The one exception is the
 * message extension's invokes (its form and the form's catalog search), which Teams sends from
 * wherever the person started it, a channel or someone else's chat included: their answers go to
 * that person alone (a task module), and what they lead to happens in the person's own chat with
 * the bot.
 */
import type { Activity } from 'botbuilder';
import { isMessageExtensionInvoke } from './requestFromMessage/messageExtensionInvokes';

export type Refusal = 'otherTenant' | 'otherChannel' | 'groupConversation';

export interface AdmissionPolicy {
  /** The tenant the bot serves: the directory's. */
  tenantId: string;
  /** With MicrosoftAppId set: Teams only, and the tenant must be named. */
  authenticated: boolean;
}

const TEAMS_CHANNEL = 'msteams';

/** Undefined when the activity may be served, else why not. */
export function refusalOf(activity: Partial<Activity>, policy: AdmissionPolicy): Refusal | undefined {
  const tenants = [tenantOfChannelData(activity), activity.conversation?.tenantId].filter((id): id is string => typeof id === 'string' && id !== '');
  const ours = policy.tenantId.toLowerCase();
  if (tenants.some((id) => id.toLowerCase() !== ours)) return 'otherTenant';
  if (policy.authenticated) {
    if (activity.channelId !== TEAMS_CHANNEL) return 'otherChannel';
    if (tenants.length === 0) return 'otherTenant';
  }
  if (isGroupConversation(activity) && !isMessageExtensionInvoke(activity)) return 'groupConversation';
  return undefined;
}

function tenantOfChannelData(activity: Partial<Activity>): unknown {
  const channelData = activity.channelData as { tenant?: { id?: unknown } } | undefined;
  return channelData?.tenant?.id;
}

/** Teams marks group chats and channels both ways; the Emulator only with `isGroup`. */
function isGroupConversation(activity: Partial<Activity>): boolean {
  const conversation = activity.conversation;
  return conversation?.isGroup === true || conversation?.conversationType === 'groupChat' || conversation?.conversationType === 'channel';
}
