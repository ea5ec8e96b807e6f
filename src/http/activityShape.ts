/**
 * What a body posted to /api/messages must look like before the Bot Framework adapter and the
 * bot see it. The adapter and the activity handler read these fields without checking them, so
 * a client that leaves one out or sends the wrong type would otherwise fail the turn with a 500.
 * Only the fields the bot reads are checked; anything else a channel adds passes through.
 */
import { z } from 'zod';

const id = z.string().min(1).max(1024);
/**
 * The connector puts these in the URL and headers of a reply, where a lone surrogate or a
 * control character fails it; channels use plain ASCII ids.
 */
const printableAscii = /^[\x20-\x7e]*$/;
const conversationId = id.regex(printableAscii, 'must be printable ASCII').regex(/\S/, 'must not be blank');
const account = z.looseObject({ id, name: z.string().optional(), aadObjectId: z.string().max(128).optional() });

/** botbuilder finds mentions by lowercased type and reads `mentioned.id` and `text` unchecked. */
const mentionSchema = z.looseObject({ mentioned: z.looseObject({ id: z.string() }), text: z.string().optional() });
const entity = z.looseObject({ type: z.string() }).superRefine((value, context) => {
  if (value.type.toLowerCase() !== 'mention') return;
  const mention = mentionSchema.safeParse(value);
  for (const issue of mention.success ? [] : mention.error.issues) context.addIssue({ ...issue, code: 'custom', message: `a mention ${issue.message}` });
});

const activitySchema = z.looseObject({
  type: z.string().min(1).max(64),
  // Replies are addressed to it (a path segment of the connector's URL).
  id: z.string().max(1024).regex(printableAscii, 'must be printable ASCII').optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }).max(2048),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id: conversationId,
    isGroup: z.boolean().optional(),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
  }),
  // Some channels send null for an absent text or locale; the bot reads both null-safely.
  text: z.string().nullish(),
  locale: z.string().max(64).nullish(),
  name: z.string().optional(),
  entities: z.array(entity).optional(),
  attachments: z.array(z.looseObject({})).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string().optional() }).optional() }).optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
});

type ActivityShapeCheck = { ok: true } | { ok: false; reason: string };

/** Whether `body` can be handed to the adapter; if not, a short reason naming the first bad field. */
export function checkActivityShape(body: unknown): ActivityShapeCheck {
  const parsed = activitySchema.safeParse(body);
  if (parsed.success) return { ok: true };
  const [issue] = parsed.error.issues;
  const field = issue.path.length > 0 ? `activity.${issue.path.join('.')}` : 'the body';
  return { ok: false, reason: `${field}: ${issue.message}` };
}
