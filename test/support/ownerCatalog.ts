import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog, SAMPLE_CATALOG_FILE } from '../../src/config';
import type { TeamsUser } from './fakeTeamsChannel';

/** Lidia owns Project Falcon (named by email in the catalog), Nestor Contoso Expenses (by object id). */
export const lidia: TeamsUser = { id: '29:lidia', aadObjectId: 'a1b2c3d4-0006-4000-8000-000000000006', name: 'Lidia Holloway', locale: 'en-US' };
export const nestor: TeamsUser = { id: '29:nestor', aadObjectId: 'a1b2c3d4-0004-4000-8000-000000000004', name: 'Nestor Wilke', locale: 'en-US' };

/**
 * The sample catalog written to a file, with `owners` as the approvers of their resources (by
 * default Falcon owned by Lidia, by email, and Expenses by Nestor, by object id) and `changes`
 * made to entries by id (a `maxDays`, say).
 */
export function catalogWithOwners(
  owners: Record<string, string[]> = { 'falcon-team': ['lidia.holloway@contoso.com'], 'expenses-app': [nestor.aadObjectId as string] },
  changes: Record<string, Record<string, unknown>> = {},
): string {
  const catalog = loadCatalog(SAMPLE_CATALOG_FILE);
  const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
  const resources = catalog.resources.map(({ approvers, ...resource }) => ({
    ...resource,
    ...(owners[resource.id] ? { approvers: owners[resource.id] } : approvers ? { approvers } : {}),
    ...changes[resource.id],
  }));
  writeFileSync(file, JSON.stringify({ resources }));
  return file;
}
