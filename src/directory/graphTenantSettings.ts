/**
 * Reading the tenant's own external-collaboration settings from Microsoft Graph: the invitation
 * allow or deny list (a B2B management policy, only in the beta endpoint) and the cross-tenant
 * access settings for B2B collaboration inbound (v1.0). Shapes as Microsoft Learn documents them.
 */
import { type Client, GraphError } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { DirectoryError, type InboundCollaboration, type InvitationDomainList, type TenantCollaborationSettings } from './directory';
import { toDirectoryError } from './graphErrorMapping';
import { parseGraphResponse } from './graphResponses';

const b2bManagementPolicyListSchema = z.object({
  value: z.array(
    z.object({
      definition: z.array(z.string()).nullish(),
      // The reference's own example sends it as the string "true".
      isOrganizationDefault: z.union([z.boolean(), z.string()]).nullish(),
    }),
  ),
});

const domainListSchema = z.object({
  B2BManagementPolicy: z
    .object({
      InvitationsAllowedAndBlockedDomainsPolicy: z
        .object({ AllowedDomains: z.array(z.string()).nullish(), BlockedDomains: z.array(z.string()).nullish() })
        .nullish(),
    })
    .nullish(),
});

const tenantInformationSchema = z.object({ tenantId: z.string() });

const targetConfigurationSchema = z
  .object({
    accessType: z.string().nullish(),
    targets: z.array(z.object({ target: z.string(), targetType: z.string().nullish() })).nullish(),
  })
  .nullish();

const crossTenantConfigurationSchema = z.object({
  b2bCollaborationInbound: z.object({ usersAndGroups: targetConfigurationSchema }).nullish(),
});

const noList: InvitationDomainList = { allowedDomains: [], blockedDomains: [] };

export class GraphTenantSettings implements TenantCollaborationSettings {
  constructor(private readonly client: Client) {}

  async invitationDomainList(): Promise<InvitationDomainList> {
    const operation = 'Reading the invitation allow/deny list (beta /policies/b2bManagementPolicies)';
    try {
      // Only the beta endpoint has it: the client's documented way to reach beta for one call.
      const response: unknown = await this.client.api('/policies/b2bManagementPolicies').version('beta').get();
      const policies = parseGraphResponse(b2bManagementPolicyListSchema, response, operation).value;
      const active = policies.find((policy) => policy.isOrganizationDefault === true || String(policy.isOrganizationDefault).toLowerCase() === 'true');
      return active ? domainListOf(active.definition ?? [], operation) : noList;
    } catch (error) {
      throw toDirectoryError(error, operation);
    }
  }

  async tenantIdOfDomain(domain: string): Promise<string | undefined> {
    const operation = `Finding the Microsoft Entra organization of ${domain}`;
    try {
      const response: unknown = await this.client
        .api(`/tenantRelationships/findTenantInformationByDomainName(domainName='${domain.replace(/'/g, "''")}')`)
        .get();
      return parseGraphResponse(tenantInformationSchema, response, operation).tenantId;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toDirectoryError(error, operation);
    }
  }

  async partnerInboundCollaboration(tenantId: string): Promise<InboundCollaboration | undefined> {
    const operation = `Reading the cross-tenant access settings for partner ${tenantId}`;
    try {
      const response: unknown = await this.client.api(`/policies/crossTenantAccessPolicy/partners/${encodeURIComponent(tenantId)}`).get();
      return inboundOf(parseGraphResponse(crossTenantConfigurationSchema, response, operation));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toDirectoryError(error, operation);
    }
  }

  async defaultInboundCollaboration(): Promise<InboundCollaboration> {
    const operation = 'Reading the default cross-tenant access settings';
    try {
      const response: unknown = await this.client.api('/policies/crossTenantAccessPolicy/default').get();
      return inboundOf(parseGraphResponse(crossTenantConfigurationSchema, response, operation)) ?? 'allowed';
    } catch (error) {
      throw toDirectoryError(error, operation);
    }
  }
}

/** The policy's definition is JSON in a string; the reference's example writes it with single quotes. */
function domainListOf(definitions: readonly string[], operation: string): InvitationDomainList {
  for (const text of definitions) {
    const parsed = domainListSchema.safeParse(parseLenient(text));
    if (!parsed.success) {
      throw new DirectoryError(`${operation} failed: its definition is not the documented B2BManagementPolicy JSON`, {
        status: 200,
        code: 'UnreadablePolicyDefinition',
        transient: false,
      });
    }
    const list = parsed.data.B2BManagementPolicy?.InvitationsAllowedAndBlockedDomainsPolicy;
    if (list) return { allowedDomains: list.AllowedDomains ?? [], blockedDomains: list.BlockedDomains ?? [] };
  }
  return noList;
}

function parseLenient(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    try {
      return JSON.parse(text.replace(/'/g, '"'));
    } catch {
      return undefined;
    }
  }
}

/** Undefined when the configuration leaves B2B collaboration inbound to the default (Graph sends null). */
function inboundOf(configuration: z.infer<typeof crossTenantConfigurationSchema>): InboundCollaboration | undefined {
  const usersAndGroups = configuration.b2bCollaborationInbound?.usersAndGroups;
  if (!usersAndGroups?.accessType) return undefined;
  const everyone = (usersAndGroups.targets ?? []).some((target) => target.target === 'AllUsers');
  return usersAndGroups.accessType === 'blocked' && everyone ? 'blocked' : 'allowed';
}

function isNotFound(error: unknown): boolean {
  return error instanceof GraphError && error.statusCode === 404;
}
