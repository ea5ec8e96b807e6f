/**
 * Microsoft Graph's documented limits that a burst of approvals reaches ("Microsoft Graph
 * service-specific throttling limits"), and which calls count against each: the bot paces below
 * them (directory/graphPacing) and the simulator enforces them (simulator/graphRateLimits).
 */
import type { RateWindow } from './slidingWindowLimiter';

export type GraphLimit = 'invitations' | 'directoryWrites';

export const GRAPH_LIMITS: Readonly<Record<GraphLimit, readonly RateWindow[]>> = {
  /** Invitation manager: any request on `/invitations`, 150 per 5 seconds per tenant for all apps. */
  invitations: [{ perMs: 5_000, max: 150 }],
  /** Identity and access: writes, 3,000 per 2 minutes 30 seconds per app and tenant. */
  directoryWrites: [{ perMs: 150_000, max: 3_000 }],
};

/**
 * The directory objects whose writes count against the identity and access write quota: the
 * resources that limit lists (user, group, service principal, application, directory object).
 * `/invitations` is not among them; the invitation manager has its own limit.
 */
const DIRECTORY_ROOTS = new Set(['users', 'groups', 'serviceprincipals', 'applications', 'directoryobjects']);

/** Actions sent with POST that only read. */
const READING_ACTIONS = /\/(checkMemberGroups|checkMemberObjects|getMemberGroups|getMemberObjects|getByIds)$/i;

/** The limits a call counts against; `path` is Graph's, after the version (`/invitations`). */
export function graphLimitsOf(method: string, path: string): GraphLimit[] {
  const [root, , child] = path.split('?')[0].split('/').slice(1);
  // The invitation manager counts any operation.
  if (root?.toLowerCase() === 'invitations') return ['invitations'];
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD' || READING_ACTIONS.test(path)) return [];
  if (!DIRECTORY_ROOTS.has(root?.toLowerCase() ?? '') || child?.toLowerCase() === 'teamwork') return [];
  return ['directoryWrites'];
}
