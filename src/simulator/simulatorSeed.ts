import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { externalCollaborationSchema } from './externalCollaboration';

/**
 * The simulated directory's starting point: a tenant, its people and the things access can be
 * granted to. Users carry the Graph property names so they can be served as they are.
 */

export const simulatedUserSchema = z.object({
  id: z.guid(),
  displayName: z.string().min(1),
  mail: z.email().optional(),
  userPrincipalName: z.string().min(3),
  userType: z.enum(['Member', 'Guest']),
  externalUserState: z.enum(['PendingAcceptance', 'Accepted']).optional(),
  externalUserStateChangeDateTime: z.iso.datetime().optional(),
  jobTitle: z.string().optional(),
  preferredLanguage: z.string().optional(),
  managerId: z.guid().optional(),
  createdDateTime: z.iso.datetime().optional(),
  creationType: z.string().optional(),
  /** Absent means enabled: seeds and state files written before sign-in could be blocked have none. */
  accountEnabled: z.boolean().optional(),
  /**
   * False: they have never opened the bot's Teams app, so Teams refuses the bot a chat with them
   * until the app is installed for them. Absent means installed, as for everyone who has used it.
   */
  teamsAppInstalled: z.boolean().optional(),
  /**
   * Graph's `signInActivity`, of which the simulator keeps the last successful sign-in: recorded
   * when a guest completes the consent page, absent for someone who never signed in.
   */
  signInActivity: z.object({ lastSuccessfulSignInDateTime: z.iso.datetime().optional() }).optional(),
});

export type SimulatedUser = z.infer<typeof simulatedUserSchema>;

const domainSchema = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'Expected a domain name such as contoso.com');

const seedSchema = z
  .object({
    tenant: z.object({
      id: z.guid(),
      displayName: z.string().min(1),
      verifiedDomains: z.array(domainSchema).min(1),
      /** The `<name>.onmicrosoft.com` domain guests' user principal names end with. */
      initialDomain: domainSchema.optional(),
      /**
       * The tenant's terms of use, if it has any: guests agree to them after reviewing
       * permissions, and only then are they `Accepted`.
       */
      termsOfUse: z.object({ title: z.string().min(1), text: z.string().min(1) }).optional(),
      /**
       * Whether the tenant has Microsoft Entra ID P1 (or P2). Without it Graph refuses
       * `signInActivity` with a 403, as it does a tenant on Entra ID Free. Absent means it has.
       */
      entraIdP1: z.boolean().optional(),
    }),
    defaultUserId: z.guid(),
    users: z.array(simulatedUserSchema).min(1),
    groups: z.array(
      z.object({
        id: z.guid(),
        displayName: z.string().min(1),
        members: z.array(z.guid()),
      }),
    ),
    /** The tenant's own external-collaboration settings; none means Entra's defaults (anyone may be invited). */
    externalCollaboration: externalCollaborationSchema.optional(),
    servicePrincipals: z.array(
      z.object({
        id: z.guid(),
        displayName: z.string().min(1),
        appRoles: z.array(z.object({ id: z.guid(), displayName: z.string().min(1), value: z.string().min(1) })),
        /**
         * Groups assigned one of its app roles (Enterprise applications → Users and groups): each
         * direct member has the role, and Graph lists it among the member's app role assignments.
         */
        groupAssignments: z.array(z.object({ groupId: z.guid(), appRoleId: z.guid() })).optional(),
      }),
    ),
  })
  .superRefine((seed, ctx) => {
    const userIds = new Set<string>();
    seed.users.forEach((user, index) => {
      if (userIds.has(user.id)) {
        ctx.addIssue({ code: 'custom', path: ['users', index, 'id'], message: `duplicate user id '${user.id}'` });
      }
      userIds.add(user.id);
      if (user.userType === 'Guest' && user.externalUserState === undefined) {
        ctx.addIssue({ code: 'custom', path: ['users', index, 'externalUserState'], message: 'a guest needs an externalUserState' });
      }
    });
    seed.users.forEach((user, index) => {
      if (user.managerId !== undefined && !userIds.has(user.managerId)) {
        ctx.addIssue({ code: 'custom', path: ['users', index, 'managerId'], message: `no user has id '${user.managerId}'` });
      }
    });
    const defaultUser = seed.users.find((user) => user.id === seed.defaultUserId);
    if (defaultUser?.userType !== 'Member') {
      ctx.addIssue({ code: 'custom', path: ['defaultUserId'], message: `'${seed.defaultUserId}' is not a member user of the seed` });
    }
    const groupIds = new Set(seed.groups.map((group) => group.id));
    seed.servicePrincipals.forEach((servicePrincipal, spIndex) => {
      (servicePrincipal.groupAssignments ?? []).forEach((assignment, assignmentIndex) => {
        const path = ['servicePrincipals', spIndex, 'groupAssignments', assignmentIndex];
        if (!groupIds.has(assignment.groupId)) ctx.addIssue({ code: 'custom', path: [...path, 'groupId'], message: `no group has id '${assignment.groupId}'` });
        if (!servicePrincipal.appRoles.some((role) => role.id === assignment.appRoleId)) {
          ctx.addIssue({
            code: 'custom',
            path: [...path, 'appRoleId'],
            message: `'${servicePrincipal.displayName}' has no app role '${assignment.appRoleId}'`,
          });
        }
      });
    });
    seed.groups.forEach((group, groupIndex) => {
      group.members.forEach((memberId, memberIndex) => {
        if (!userIds.has(memberId)) {
          ctx.addIssue({ code: 'custom', path: ['groups', groupIndex, 'members', memberIndex], message: `no user has id '${memberId}'` });
        }
      });
    });
  });

export type SimulatorSeed = z.infer<typeof seedSchema>;

/** Validates a seed already in memory; `source` names where it came from in the error. */
export function parseSimulatorSeed(value: unknown, source: string): SimulatorSeed {
  const parsed = seedSchema.safeParse(value);
  if (!parsed.success) {
    throw new Error(`Invalid directory simulator seed ${source}: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}

/** Reads and validates a seed file; every error names the file and the offending field. */
export function loadSimulatorSeed(file: string): SimulatorSeed {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read directory simulator seed ${file}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Directory simulator seed ${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseSimulatorSeed(json, file);
}

/** `users[3].managerId: no user has id '…'`, the way an operator would look the field up. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const field = issue.path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('');
      return `${field || '(root)'}: ${issue.message}`;
    })
    .join('; ');
}
