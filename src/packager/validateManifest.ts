import { AppManifestUtils } from '@microsoft/app-manifest';
import type { ManifestSchema, TeamsSchemas } from './bundledSchemas';
import { isRecord } from './isRecord';

type ValidatableManifest = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];

/** Schema problems of a filled-in manifest.json, each prefixed with the file it is in. */
export async function validateManifest(manifest: unknown, schemas: TeamsSchemas): Promise<string[]> {
  return [...schemaUrlProblems('manifest.json', manifest, schemas.manifestUrl), ...(await schemaProblems('manifest.json', manifest, schemas.manifest))];
}

/**
 * Schema problems of a Teams localization file, and keys that translate nothing: Teams only applies
 * a key that names a string of the manifest, so a stale index (after commands are reordered) would
 * otherwise leave the Spanish menu silently half English.
 */
export async function validateLanguageFile(fileName: string, strings: unknown, manifest: unknown, schemas: TeamsSchemas): Promise<string[]> {
  const problems = [...schemaUrlProblems(fileName, strings, schemas.localizationUrl), ...(await schemaProblems(fileName, strings, schemas.localization))];
  if (isRecord(strings)) {
    for (const key of Object.keys(strings)) {
      if (key === '$schema' || key === 'localizationKeys') continue;
      if (typeof lookUp(manifest, key) !== 'string') {
        problems.push(`${fileName}: "${key}" translates nothing, because manifest.json has no text at that place.`);
      }
    }
  }
  return problems;
}

async function schemaProblems(fileName: string, json: unknown, schema: ManifestSchema): Promise<string[]> {
  // Ajv (inside validateAgainstSchema) checks the shape; the cast only satisfies its signature.
  const errors = await AppManifestUtils.validateAgainstSchema(json as ValidatableManifest, schema);
  return errors.map((error) => `${fileName}: ${readable(error)}`);
}

/**
 * Errors come as "<JSON pointer> <message>. Details: <Ajv params>", with an empty pointer for the
 * document itself. The details are kept only where they say more than the message (such as the
 * name of a property that is not allowed).
 */
function readable(error: string): string {
  const [message, details = ''] = error.split('. Details: ');
  const text = message.startsWith(' ') ? `(root)${message}` : message;
  let params: unknown;
  try {
    params = JSON.parse(details);
  } catch {
    return details ? `${text} (${details})` : text;
  }
  const news = isRecord(params) ? Object.values(params).filter((value) => !text.includes(String(value))) : [];
  return news.length > 0 ? `${text} (${details})` : text;
}

function schemaUrlProblems(fileName: string, json: unknown, expectedUrl: string): string[] {
  if (!isRecord(json) || typeof json.$schema !== 'string') return [];
  // developer.microsoft.com serves the same schema with or without a locale segment such as /en-us.
  const url = json.$schema.replace(/^(https:\/\/developer\.microsoft\.com)\/[a-z]{2}(-[a-z]{2})?\//i, '$1/');
  return url === expectedUrl ? [] : [`${fileName}: $schema is ${json.$schema}, but the file is checked against ${expectedUrl}.`];
}

/** Follows a localization key such as `bots[0].commandLists[0].commands[2].title` into the manifest. */
function lookUp(root: unknown, key: string): unknown {
  let node = root;
  for (const [, property, index] of key.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (index !== undefined) {
      node = Array.isArray(node) ? node[Number(index)] : undefined;
    } else {
      node = isRecord(node) ? node[property] : undefined;
    }
  }
  return node;
}
