/**
 * The resource catalog (RESOURCE_CATALOG_FILE): what may be requested, read and checked once at
 * start. Every problem names the file, the entry and the field.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { PROJECT_ROOT } from '../projectRoot';
import type { Resource, ResourceCatalog } from '../requests/catalog';
import { guid } from './settings';

export const SAMPLE_CATALOG_FILE = resolve(PROJECT_ROOT, 'src/samples/resource-catalog.json');

const link = z.url({ protocol: /^https$/, message: 'must be an https URL' });
const resourceBase = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
  name: z.string().min(1),
  description: z.string().optional(),
  link: link.optional(),
  maxDays: z.number().int('must be a whole number of days').min(1).max(3650).optional(),
  approvers: z
    .array(z.string().refine((value) => guid.safeParse(value).success || z.email().safeParse(value).success, 'must be an email address or an Entra object id'))
    .min(1, 'must name at least one approver, or be left out')
    .optional(),
};
/**
 * An app is offered through a group that is assigned the app (groupId), or, for tenants without
 * Microsoft Entra ID P1, assigned directly (servicePrincipalId and appRoleId): one form, not both.
 */
const appResourceSchema = z
  .object({ ...resourceBase, kind: z.literal('app'), groupId: guid.optional(), servicePrincipalId: guid.optional(), appRoleId: guid.optional() })
  .superRefine((app, context) => {
    const direct = app.servicePrincipalId !== undefined || app.appRoleId !== undefined;
    if (app.groupId !== undefined && direct) {
      context.addIssue({
        code: 'custom',
        path: ['groupId'],
        message: 'an app is offered through a group (groupId) or assigned directly (servicePrincipalId and appRoleId), not both',
      });
    } else if (app.groupId === undefined && !direct) {
      context.addIssue({
        code: 'custom',
        path: ['groupId'],
        message: 'is required: the group that is assigned the app (or, without Microsoft Entra ID P1, servicePrincipalId and appRoleId)',
      });
    } else if (direct && (app.servicePrincipalId === undefined || app.appRoleId === undefined)) {
      context.addIssue({
        code: 'custom',
        path: [app.servicePrincipalId === undefined ? 'servicePrincipalId' : 'appRoleId'],
        message: 'is required with the other: a direct assignment needs both servicePrincipalId and appRoleId',
      });
    }
  });
const resourceSchema = z.discriminatedUnion('kind', [z.object({ ...resourceBase, kind: z.enum(['group', 'team', 'site']), groupId: guid }), appResourceSchema]);
const catalogSchema = z.object({ resources: z.array(resourceSchema).min(1, 'must list at least one resource') });

/** Reads the catalog file; errors name the file, the entry and the field. */
export function loadCatalog(file: string): ResourceCatalog {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`RESOURCE_CATALOG_FILE: cannot read ${file} as JSON (${(error as Error).message}).`, { cause: error });
  }
  const parsed = catalogSchema.safeParse(json);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`RESOURCE_CATALOG_FILE: ${file} is not a valid catalog (${details}).`);
  }
  const ids = parsed.data.resources.map((r) => r.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`RESOURCE_CATALOG_FILE: ${file} lists the id "${duplicate}" twice.`);
  return { resources: parsed.data.resources as Resource[] };
}

/** The catalog RESOURCE_CATALOG_FILE names, and what is wrong with it, if anything. */
export interface CatalogReading {
  file: string;
  /** Empty when the file cannot be used: its problem is then listed with the settings' others. */
  catalog: ResourceCatalog;
  problem?: string;
}

/** `setting` is RESOURCE_CATALOG_FILE as given (empty: the sample catalog). Never throws: the catalog's problem is listed with every other. */
export function readCatalog(setting: string): CatalogReading {
  const file = resolve(setting || SAMPLE_CATALOG_FILE);
  try {
    return { file, catalog: loadCatalog(file) };
  } catch (error) {
    return { file, catalog: { resources: [] }, problem: (error as Error).message };
  }
}
