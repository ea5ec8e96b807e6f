import type { RecordedRequest } from '../../src/simulator';

/**
 * The bot reads the tenant's own external-collaboration settings anew before every invitation
 * (requests/tenantPolicy): tests that count the other Graph calls of a provisioning set them apart.
 */
export function isTenantSettingsRead(request: Pick<RecordedRequest, 'method' | 'path'>): boolean {
  return request.method === 'GET' && /\/graph\/(v1\.0|beta)\/(policies|tenantRelationships)\//.test(request.path);
}
