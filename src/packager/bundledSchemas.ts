import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppManifestUtils } from '@microsoft/app-manifest';
import { OperatorError } from '../operatorError';

export type ManifestSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

export interface TeamsSchemas {
  manifestVersion: string;
  manifest: ManifestSchema;
  localization: ManifestSchema;
  /** The `$schema` URLs that name these schemas, for checking the files point at what they are checked against. */
  manifestUrl: string;
  localizationUrl: string;
}

const MANIFEST_FILE = 'MicrosoftTeams.schema.json';
const LOCALIZATION_FILE = 'MicrosoftTeams.Localization.schema.json';

function teamsSchemasDir(): string {
  return join(dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build', 'json-schemas', 'teams');
}

/**
 * The Teams schemas of one manifest version as bundled with @microsoft/app-manifest, so that
 * validation never depends on the network (AppManifestUtils fetches when given no schema).
 */
export function loadBundledSchemas(manifestVersion: string): TeamsSchemas {
  const dir = join(teamsSchemasDir(), `v${manifestVersion}`);
  if (!/^\d+\.\d+$/.test(manifestVersion) || !existsSync(join(dir, MANIFEST_FILE))) {
    const known = readdirSync(teamsSchemasDir())
      .filter((name) => /^v\d+\.\d+$/.test(name))
      .map((name) => name.slice(1));
    throw new OperatorError(
      `manifest.json: manifestVersion "${manifestVersion}" has no schema bundled with @microsoft/app-manifest; use one of ${known.join(', ')}.`,
    );
  }
  const base = `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}`;
  return {
    manifestVersion,
    manifest: readSchema(join(dir, MANIFEST_FILE)),
    localization: readSchema(join(dir, LOCALIZATION_FILE)),
    manifestUrl: `${base}/${MANIFEST_FILE}`,
    localizationUrl: `${base}/${LOCALIZATION_FILE}`,
  };
}

function readSchema(file: string): ManifestSchema {
  const schema: unknown = withUnicodeSafePatterns(JSON.parse(readFileSync(file, 'utf8')));
  // The file is a JSON Schema published by Microsoft; Ajv checks it when it compiles it.
  return schema as ManifestSchema;
}

/**
 * Ajv compiles patterns with the `u` flag, under which a `]` outside a character class is a syntax
 * error. The published Localization schemas have two such patterns (the activityTypes keys; see
 * MicrosoftDocs/msteams-docs#8858), which make compiling them throw. Escaping that bracket keeps
 * the meaning the pattern has without the flag.
 */
function withUnicodeSafePatterns(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withUnicodeSafePatterns);
  if (node === null || typeof node !== 'object') return node;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'pattern' && typeof value === 'string') {
      result[key] = unicodeSafePattern(value);
    } else if (key === 'patternProperties' && value !== null && typeof value === 'object') {
      result[key] = Object.fromEntries(Object.entries(value).map(([pattern, schema]) => [unicodeSafePattern(pattern), withUnicodeSafePatterns(schema)]));
    } else {
      result[key] = withUnicodeSafePatterns(value);
    }
  }
  return result;
}

export function unicodeSafePattern(pattern: string): string {
  if (compilesWithUnicodeFlag(pattern)) return pattern;
  let escaped = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      escaped += char + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      inClass = char !== ']';
      escaped += char;
    } else {
      inClass = char === '[';
      escaped += char === ']' ? '\\]' : char;
    }
  }
  return escaped;
}

function compilesWithUnicodeFlag(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}
