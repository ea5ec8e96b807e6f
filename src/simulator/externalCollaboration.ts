/**
 * The simulated tenant's own external-collaboration settings and the Graph endpoints that read
 * them, shaped as Microsoft Learn documents them:
 * - the invitation allow or deny list, a B2B management policy served only by the beta endpoint
 *   (`GET /beta/policies/b2bManagementPolicies`), its rules JSON in a string;
 * - other organizations by domain (`GET /tenantRelationships/findTenantInformationByDomainName`,
 *   404 when no Entra organization has the domain);
 * - cross-tenant access settings, B2B collaboration inbound (`GET
 *   /policies/crossTenantAccessPolicy/default` and `…/partners/{tenantId}`, 404 without one).
 * `POST /invitations` asks {@link SimulatedExternalCollaboration.refusalOf} first, as Entra checks
 * both settings at the time of invitation.
 */
import { z } from 'zod';
import { badRequest, GraphFailure, resourceNotFound } from './graphFailure';
import type { GraphCall, GraphResult, Route } from './graphCall';

const domainSchema = z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'Expected a domain name such as fabrikam.com');
const accessSchema = z.enum(['allowed', 'blocked']);

export const externalCollaborationSchema = z
  .object({
    /** External collaboration settings → Collaboration restrictions: an allow list or a deny list, never both. */
    allowedDomains: z.array(domainSchema).optional(),
    blockedDomains: z.array(domainSchema).optional(),
    /** Cross-tenant access settings, default: B2B collaboration inbound for all users of every other organization. */
    defaultInbound: accessSchema.default('allowed'),
    /** Other Microsoft Entra organizations; one with `inbound` has a partner configuration of its own. */
    organizations: z
      .array(z.object({ tenantId: z.guid(), displayName: z.string().min(1), domains: z.array(domainSchema).min(1), inbound: accessSchema.optional() }))
      .default([]),
  })
  .refine((settings) => !(settings.allowedDomains?.length && settings.blockedDomains?.length), {
    message: 'Microsoft Entra keeps an allow list or a deny list, not both',
  });

export type ExternalCollaborationSeed = z.infer<typeof externalCollaborationSchema>;

type Access = z.infer<typeof accessSchema>;

/** The policy id Graph gives the organization default B2B management policy in the simulator. */
const policyId = 'f596ef0d-42f9-0359-1aaa-12d02b38802a';

export class SimulatedExternalCollaboration {
  private allowedDomains: string[];
  private blockedDomains: string[];
  private defaultInbound: Access;
  private readonly organizations: Array<{ tenantId: string; displayName: string; domains: string[]; inbound?: Access }>;

  constructor(seed: ExternalCollaborationSeed | undefined) {
    this.allowedDomains = [...(seed?.allowedDomains ?? [])];
    this.blockedDomains = [...(seed?.blockedDomains ?? [])];
    this.defaultInbound = seed?.defaultInbound ?? 'allowed';
    this.organizations = (seed?.organizations ?? []).map((organization) => ({ ...organization, domains: [...organization.domains] }));
  }

  /** An admin adds a domain to the deny list (switching from an allow list discards it, as in the admin center). */
  blockDomain(domain: string): void {
    this.allowedDomains = [];
    this.blockedDomains = [...this.blockedDomains, domain.toLowerCase()];
  }

  /** An admin sets B2B collaboration inbound for an organization's partner configuration, or for the default. */
  setInbound(access: Access, tenantId?: string): void {
    if (tenantId === undefined) {
      this.defaultInbound = access;
      return;
    }
    const organization = this.organizations.find((candidate) => candidate.tenantId === tenantId);
    if (!organization) throw new Error(`The simulator knows no organization ${tenantId}`);
    organization.inbound = access;
  }

  /** Entra's refusal of an invitation to this address, if its settings forbid one. */
  refusalOf(email: string): GraphFailure | undefined {
    const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
    const listed = (list: readonly string[]) => list.some((entry) => domain === entry.toLowerCase() || domain.endsWith(`.${entry.toLowerCase()}`));
    if (listed(this.blockedDomains) || (this.allowedDomains.length > 0 && !listed(this.allowedDomains))) {
      // No error code is documented for this refusal; the message says what the admin center says.
      return badRequest(`The invitation to ${email} was blocked: the domain ${domain} is not allowed by your organization's external collaboration settings.`);
    }
    const organization = this.organizationOf(domain);
    if ((organization?.inbound ?? this.defaultInbound) === 'blocked') {
      // The wording of "Invitation is blocked due to cross-tenant access policies" (Troubleshooting B2B collaboration).
      return badRequest(
        "This invitation is blocked by cross-tenant access settings. Admins in both your organization and the invited user's organization must configure cross-tenant access settings to allow the invitation.",
      );
    }
    return undefined;
  }

  routes(): Route[] {
    return [
      { method: 'GET', version: 'beta', pattern: ['policies', 'b2bManagementPolicies'], handle: (call) => this.listB2bManagementPolicies(call) },
      { method: 'GET', pattern: ['tenantRelationships', '{}'], handle: (call, [fn]) => this.findTenantInformation(call, fn) },
      { method: 'GET', pattern: ['policies', 'crossTenantAccessPolicy', 'default'], handle: (call) => this.defaultConfiguration(call) },
      { method: 'GET', pattern: ['policies', 'crossTenantAccessPolicy', 'partners', '{}'], handle: (call, [id]) => this.partnerConfiguration(call, id) },
    ];
  }

  private organizationOf(domain: string) {
    return this.organizations.find((organization) => organization.domains.some((own) => own.toLowerCase() === domain));
  }

  private listB2bManagementPolicies(call: GraphCall): GraphResult {
    const list =
      this.blockedDomains.length > 0
        ? { BlockedDomains: this.blockedDomains }
        : this.allowedDomains.length > 0
          ? { AllowedDomains: this.allowedDomains }
          : undefined;
    const definition = { B2BManagementPolicy: { ...(list ? { InvitationsAllowedAndBlockedDomainsPolicy: list } : {}), Version: 1 } };
    return json({
      '@odata.context': `${call.serviceRoot}/beta/$metadata#policies/b2bManagementPolicies`,
      value: [
        {
          '@odata.type': '#microsoft.graph.b2bManagementPolicy',
          id: policyId,
          deletedDateTime: null,
          description: 'Policy used for B2B features',
          displayName: 'B2BManagementPolicy',
          definition: [JSON.stringify(definition)],
          isOrganizationDefault: true,
        },
      ],
    });
  }

  /** The segment is the function call itself: `findTenantInformationByDomainName(domainName='fabrikam.com')`. */
  private findTenantInformation(call: GraphCall, fn: string): GraphResult {
    const match = /^findTenantInformationByDomainName\(domainName='((?:[^']|'')*)'\)$/i.exec(fn);
    if (!match?.[1]) throw badRequest(`Resource not found for the segment '${fn}'.`);
    const domain = match[1].replace(/''/g, "'").toLowerCase();
    const organization = this.organizationOf(domain);
    if (!organization) throw resourceNotFound(domain);
    return json({
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#microsoft.graph.tenantInformation`,
      tenantId: organization.tenantId,
      federationBrandName: null,
      displayName: organization.displayName,
      defaultDomainName: organization.domains[0],
    });
  }

  private defaultConfiguration(call: GraphCall): GraphResult {
    return json({
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#policies/crossTenantAccessPolicy/default/$entity`,
      isServiceDefault: this.defaultInbound === 'allowed',
      inboundTrust: null,
      b2bCollaborationInbound: b2bSetting(this.defaultInbound),
      b2bCollaborationOutbound: b2bSetting('allowed'),
      b2bDirectConnectInbound: b2bSetting('blocked'),
      b2bDirectConnectOutbound: b2bSetting('blocked'),
    });
  }

  private partnerConfiguration(call: GraphCall, tenantId: string): GraphResult {
    const organization = this.organizations.find((candidate) => candidate.tenantId === tenantId && candidate.inbound !== undefined);
    if (!organization?.inbound) throw new GraphFailure(404, 'Request_ResourceNotFound', `No partner configuration exists for tenant '${tenantId}'.`);
    return json({
      '@odata.context': `${call.serviceRoot}/v1.0/$metadata#policies/crossTenantAccessPolicy/partners/$entity`,
      tenantId: organization.tenantId,
      isServiceProvider: null,
      inboundTrust: null,
      b2bCollaborationInbound: b2bSetting(organization.inbound),
      b2bCollaborationOutbound: null,
      b2bDirectConnectInbound: null,
      b2bDirectConnectOutbound: null,
    });
  }
}

/** A crossTenantAccessPolicyB2BSetting for all users and all applications. */
function b2bSetting(access: Access) {
  return {
    usersAndGroups: { accessType: access, targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: { accessType: access, targets: [{ target: 'AllApplications', targetType: 'application' }] },
  };
}

function json(body: unknown): GraphResult {
  return { status: 200, headers: {}, body };
}
