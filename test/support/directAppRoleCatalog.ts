/**
 * The sample catalog as a tenant without Microsoft Entra ID P1 lists it: Contoso Expenses assigned
 * directly (servicePrincipalId and appRoleId) instead of through its group, for the tests of what
 * the bot does with app roles it assigned itself.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_CATALOG_FILE } from '../../src/config';

export const EXPENSES_SERVICE_PRINCIPAL = 'd00dfeed-0001-4000-8000-00000000d001';
export const EXPENSES_APP_ROLE = 'e1e1e1e1-0001-4000-8000-00000000e001';

/** Writes that catalog to a file of its own and returns its path, for RESOURCE_CATALOG_FILE. */
export function directAppRoleCatalogFile(): string {
  const sample = JSON.parse(readFileSync(SAMPLE_CATALOG_FILE, 'utf8')) as { resources: Array<Record<string, unknown>> };
  const resources = sample.resources.map(({ groupId, ...resource }) =>
    resource.id === 'expenses-app' ? { ...resource, servicePrincipalId: EXPENSES_SERVICE_PRINCIPAL, appRoleId: EXPENSES_APP_ROLE } : { ...resource, groupId },
  );
  const file = join(mkdtempSync(join(tmpdir(), 'direct-app-catalog-')), 'resource-catalog.json');
  writeFileSync(file, JSON.stringify({ resources }));
  return file;
}
