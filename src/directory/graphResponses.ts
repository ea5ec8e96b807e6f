import { z } from 'zod';
import { DirectoryError } from './directory';

/**
 * The parts of Graph's responses the adapter reads, checked at the edge so nothing untyped
 * travels further. Unknown properties are ignored, as Graph adds them over time.
 */

export const graphUserSchema = z.object({
  '@odata.type': z.string().optional(),
  id: z.string().min(1),
  displayName: z.string().nullish(),
  mail: z.string().nullish(),
  userPrincipalName: z.string().min(1),
  userType: z.string().nullish(),
  externalUserState: z.string().nullish(),
  externalUserStateChangeDateTime: z.string().nullish(),
  preferredLanguage: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
});

export type GraphUser = z.infer<typeof graphUserSchema>;

export const graphUserListSchema = z.object({ value: z.array(graphUserSchema) });

export const graphInvitationSchema = z.object({
  inviteRedeemUrl: z.string().min(1),
  status: z.string().min(1),
  invitedUser: z.object({ id: z.string().min(1) }),
});

/** `GET /users/{id}/appRoleAssignments`: Graph pages it, so a long list ends with a next link. */
export const graphAppRoleAssignmentListSchema = z.object({
  value: z.array(z.object({ id: z.string().min(1), appRoleId: z.string(), principalId: z.string(), resourceId: z.string() })),
  '@odata.nextLink': z.string().optional(),
});

export type GraphAppRoleAssignment = z.infer<typeof graphAppRoleAssignmentListSchema>['value'][number];

export const graphBatchResponseSchema = z.object({
  responses: z.array(
    z.object({
      id: z.string(),
      status: z.number().int(),
      headers: z.record(z.string(), z.string()).optional(),
      body: z.unknown().optional(),
    }),
  ),
});

export type GraphBatchItemResponse = z.infer<typeof graphBatchResponseSchema>['responses'][number];

export function parseGraphResponse<T>(schema: z.ZodType<T>, value: unknown, operation: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new DirectoryError(`${operation} failed: Microsoft Graph answered in an unexpected shape (${parsed.error.issues[0]?.message ?? 'unknown'})`, {
      status: 0,
      code: 'UnexpectedResponse',
      transient: false,
    });
  }
  return parsed.data;
}
