/**
 * The documentation's relative links lead somewhere: every link in README.md and docs/*.md that is
 * not a web address points to a file or folder of the project and, when it names a heading
 * (`file.md#heading`, or `#heading` in the same file), to a heading that file has, by GitHub's
 * rules for a heading's anchor. A section moved from one file to another breaks the links to it;
 * this says which.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PROJECT_ROOT } from '../../src/projectRoot';

/** The markdown files whose links are checked, relative to `root`. */
export function documentationFiles(root: string): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name))
    : [];
  return ['README.md', ...docs.sort()];
}

/** The text outside fenced code blocks, line by line (a link or heading inside code is not one). */
function proseLines(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (opening && opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      return '';
    }
    if (opening) {
      fence = opening;
      return '';
    }
    return line;
  });
}

/**
 * A heading's anchor as GitHub makes it: the heading's text as shown (no backticks, emphasis or
 * link targets), lowercase, every character that is not a letter, digit, `_`, `-` or space dropped,
 * each space a hyphen.
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a markdown file offers: its headings' (a repeated one gets `-1`, `-2`, …) and any HTML `id` or `name`. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = githubSlug(heading);
      const times = seen.get(slug) ?? 0;
      seen.set(slug, times + 1);
      anchors.add(times === 0 ? slug : `${slug}-${times}`);
    }
    for (const html of line.matchAll(/<a\s[^>]*(?:id|name)="([^"]+)"/g)) anchors.add(html[1]);
  }
  return anchors;
}

/** The targets of a markdown file's inline links and images, outside code. */
export function linkTargets(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    // Code spans are shown as typed: a `[x](y)` inside one is not a link, but a link's text may be code.
    const prose = line.replace(/(`+)(?:(?!\1).)+?\1/g, (span, _ticks, offset: number) =>
      line[offset - 1] === '[' && line.indexOf('](', offset) === offset + span.length ? 'code' : '',
    );
    for (const link of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(link[1]);
  }
  return targets;
}

/** What is wrong with the relative links of `files` (relative to `root`): one sentence a broken link. */
export function brokenLinks(root: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    let anchors = anchorCache.get(path);
    if (!anchors) {
      anchors = anchorsOf(readFileSync(path, 'utf8'));
      anchorCache.set(path, anchors);
    }
    return anchors;
  };
  for (const file of files) {
    const source = join(root, file);
    for (const target of linkTargets(readFileSync(source, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const hash = target.indexOf('#');
      const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const resolved = pathPart === '' ? source : resolve(dirname(source), pathPart);
      const shown = `${file}: (${target})`;
      if (resolved !== resolve(root) && !resolved.startsWith(resolve(root) + sep)) {
        problems.push(`${shown} leads out of the project (${relative(root, resolved)})`);
        continue;
      }
      if (!existsSync(resolved)) {
        problems.push(`${shown}: ${relative(root, resolved)} does not exist`);
        continue;
      }
      if (anchor === undefined) continue;
      if (statSync(resolved).isDirectory() || !resolved.endsWith('.md')) {
        problems.push(`${shown}: only a markdown file has headings to link to`);
      } else if (!anchorsIn(resolved).has(anchor)) {
        problems.push(`${shown}: ${relative(root, resolved)} has no heading whose anchor is #${anchor}`);
      }
    }
  }
  return problems;
}

describe('the documentation’s links', () => {
  it('lead to files that exist and to headings those files have, from README.md and every docs/*.md', () => {
    const files = documentationFiles(PROJECT_ROOT);
    assert.ok(files.includes('docs/architecture.md') && files.length > 5, `the docs were found: ${files.join(', ')}`);
    assert.ok(files.map((file) => linkTargets(readFileSync(join(PROJECT_ROOT, file), 'utf8')).length).reduce((a, b) => a + b) > 100, 'the links were found');
    assert.deepEqual(brokenLinks(PROJECT_ROOT, files), []);
  });

  it('make anchors as GitHub does: lowercase, punctuation dropped, spaces to hyphens, repeats numbered', () => {
    assert.equal(githubSlug('2. Give it Microsoft Graph'), '2-give-it-microsoft-graph');
    assert.equal(githubSlug('Time: reminders, expiry, the end of access'), 'time-reminders-expiry-the-end-of-access');
    assert.equal(githubSlug("Your organization's bot (`dev`)"), 'your-organizations-bot-dev');
    assert.equal(githubSlug('Quick start (no Azure account)'), 'quick-start-no-azure-account');
    assert.equal(githubSlug('`GUEST_END_ACTION` and *more*'), 'guest_end_action-and-more');
    assert.equal(githubSlug('Cómo añadir → un paso'), 'cómo-añadir--un-paso');
    assert.deepEqual([...anchorsOf('# Notes\n\n## Notes\n\n```\n# not a heading\n```\n## Notes\n')], ['notes', 'notes-1', 'notes-2']);
  });

  it('reports a link to a missing file, to a missing heading, into code, or out of the project', () => {
    const root = mkdtempSync(join(tmpdir(), 'doc-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(
        join(root, 'README.md'),
        '# Start\n\n[ok](docs/a.md#the-part) [self](#start) [`code`](docs/a.md) [gone](docs/gone.md) [no such part](docs/a.md#elsewhere)\n',
      );
      writeFileSync(
        join(root, 'docs', 'a.md'),
        '# A\n\n## The part\n\n`[not a link](nowhere.md)` [up](../README.md#nothing) [out](../../outside.md) [web](https://example.com/x#y)\n\n```\n[in code](nowhere.md)\n```\n',
      );
      assert.deepEqual(brokenLinks(root, documentationFiles(root)), [
        'README.md: (docs/gone.md): docs/gone.md does not exist',
        'README.md: (docs/a.md#elsewhere): docs/a.md has no heading whose anchor is #elsewhere',
        'docs/a.md: (../README.md#nothing): README.md has no heading whose anchor is #nothing',
        `docs/a.md: (../../outside.md) leads out of the project (${join('..', 'outside.md')})`,
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
