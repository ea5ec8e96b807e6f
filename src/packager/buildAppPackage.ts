import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import AdmZip from 'adm-zip';
import { resolveAppIds } from './appIds';
import { OperatorError } from '../operatorError';
import { loadBundledSchemas } from './bundledSchemas';
import { isRecord } from './isRecord';
import { fillPlaceholders } from './placeholders';
import { readPngSize } from './pngSize';
import { validateLanguageFile, validateManifest } from './validateManifest';

interface BuildAppPackageOptions {
  /** The folder holding manifest.json and the files it names. */
  sourceDir: string;
  /** Where the zip is written; its folder is created if missing. */
  outputFile: string;
  /** Where MicrosoftAppId, TEAMS_APP_ID and AZURE_CLIENT_ID are read. */
  env: NodeJS.ProcessEnv;
}

const MANIFEST = 'manifest.json';

/** Pixel sizes Teams requires of each icon the manifest may name. */
const ICON_SIZES: Readonly<Record<string, number>> = { color: 192, outline: 32, color32x32: 32 };

interface PackageFile {
  /** Path inside the zip, which is also the path relative to the source folder. */
  name: string;
  content: Buffer;
}

/**
 * Fills the manifest's placeholders, checks the result against the bundled Teams schemas and the
 * icon sizes, and zips it with the files it names. Throws OperatorError listing every problem
 * found, so one run shows everything to fix.
 */
export async function buildAppPackage(options: BuildAppPackageOptions): Promise<string> {
  const ids = resolveAppIds(options.env);
  const values = { BOT_ID: ids.botId, TEAMS_APP_ID: ids.teamsAppId };
  const problems: string[] = [];

  const manifestFile = await readJsonFile(options.sourceDir, MANIFEST, values, problems);
  const manifest = manifestFile.json;
  if (!isRecord(manifest) || typeof manifest.manifestVersion !== 'string') {
    throw new OperatorError(`${MANIFEST} must be a JSON object with a manifestVersion.`);
  }
  // Graph lets the app install itself for a user only when the manifest names the app that asks
  // ("Send proactive installation messages" on Microsoft Learn): the Graph identity, from AZURE_CLIENT_ID.
  let manifestText = manifestFile.text;
  if (ids.graphAppId && manifest.webApplicationInfo === undefined) {
    manifest.webApplicationInfo = { id: ids.graphAppId, resource: `api://${ids.graphAppId}` };
    manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
  }
  const schemas = loadBundledSchemas(manifest.manifestVersion);
  problems.push(...(await validateManifest(manifest, schemas)));
  const files: PackageFile[] = [{ name: MANIFEST, content: Buffer.from(manifestText, 'utf8') }];

  for (const name of languageFiles(manifest)) {
    const language = await readJsonFile(options.sourceDir, name, values, problems);
    problems.push(...(await validateLanguageFile(name, language.json, manifest, schemas)));
    files.push({ name: language.entry, content: Buffer.from(language.text, 'utf8') });
  }

  const icons = isRecord(manifest.icons) ? manifest.icons : {};
  for (const [kind, size] of Object.entries(ICON_SIZES)) {
    const name = icons[kind];
    if (typeof name !== 'string') continue;
    const { file, entry } = resolveInside(options.sourceDir, name, `icons.${kind}`);
    if (!existsSync(file)) {
      problems.push(`icons.${kind}: ${file} does not exist.`);
      continue;
    }
    const actual = await readPngSize(file).catch((error: Error) => error);
    if (actual instanceof Error) {
      problems.push(`icons.${kind}: ${actual.message}`);
    } else if (actual.width !== size || actual.height !== size) {
      problems.push(`icons.${kind}: ${name} is ${actual.width}×${actual.height} pixels; Teams requires ${size}×${size}.`);
    }
    files.push({ name: entry, content: await readFile(file) });
  }

  if (problems.length > 0) {
    throw new OperatorError(`The Teams app package in ${options.sourceDir} is not valid:`, problems);
  }

  const zip = new AdmZip();
  for (const file of files) zip.addFile(file.name, file.content);
  await mkdir(dirname(options.outputFile), { recursive: true });
  zip.writeZip(options.outputFile);
  return options.outputFile;
}

async function readJsonFile(
  sourceDir: string,
  name: string,
  values: Readonly<Record<string, string>>,
  problems: string[],
): Promise<{ text: string; json: unknown; entry: string }> {
  const { file, entry } = resolveInside(sourceDir, name, name);
  if (!existsSync(file)) throw new OperatorError(`${file} does not exist.`);
  const { text, unfilled } = fillPlaceholders(await readFile(file, 'utf8'), values);
  for (const placeholder of unfilled) {
    problems.push(`${name} uses \${{${placeholder}}}, which packaging does not fill (it fills ${Object.keys(values).join(' and ')}).`);
  }
  try {
    return { text, json: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown, entry };
  } catch (error) {
    throw new OperatorError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function languageFiles(manifest: Record<string, unknown>): string[] {
  const info = manifest.localizationInfo;
  if (!isRecord(info) || !Array.isArray(info.additionalLanguages)) return [];
  return info.additionalLanguages.flatMap((language: unknown) => (isRecord(language) && typeof language.file === 'string' ? [language.file] : []));
}

/**
 * Manifest paths are relative to the package root, so the file on disk and its name in the zip
 * (always with forward slashes) follow from one another; a path leading outside could not be zipped.
 */
function resolveInside(sourceDir: string, relativePath: string, setting: string): { file: string; entry: string } {
  const normalized = normalize(relativePath);
  if (isAbsolute(normalized) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new OperatorError(`${setting} must be a path inside ${sourceDir}, but is "${relativePath}".`);
  }
  return { file: join(sourceDir, normalized), entry: normalized.split(sep).join('/') };
}
