/**
 * docs/architecture.md shows the lifecycle and the work that follows each change as tables, for a
 * newcomer to read without the code; these tests keep them the code's. A state, a transition or a
 * piece of follow-up work added to src/requests/ without the tables (or the other way round) fails
 * here, naming what differs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { EXTENSION_FOLLOW_UP, REQUEST_FOLLOW_UP, type Work } from '../../src/requests/followUp';
import { canTransition, REQUEST_STATES } from '../../src/requests/lifecycle';

const architecture = readFileSync(join(PROJECT_ROOT, 'docs', 'architecture.md'), 'utf8');

/** The rows of the first table after `heading`, as their cells, without the header and its rule. */
function firstTableAfter(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `docs/architecture.md has "${heading}"`);
  const lines = markdown.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const table = lines.slice(
    first,
    lines.findIndex((line, index) => index > first && !line.startsWith('|')),
  );
  return table.slice(2).map((row) =>
    row
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

/** The code spans of a cell, in order. */
const codeIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);

/** A piece of work as the tables write it: `job(notice)` then its condition (or `untilSettled`), `timers: …`, `watch: …`. */
function written(item: Work): string[] {
  if ('watch' in item) return [`watch: ${item.watch}`];
  if ('unwatch' in item) return [`unwatch: ${item.unwatch}`];
  if ('timers' in item) return [`timers: ${item.timers}`];
  const job = 'notice' in item ? `${item.job}(${item.notice})` : item.job;
  if ('untilSettled' in item && item.untilSettled) return [job, 'untilSettled'];
  return 'onlyIf' in item && item.onlyIf ? [job, item.onlyIf] : [job];
}

/** `from` → `to` in a change cell; `new` may be written bare. */
function change(cell: string): string {
  const match = /^`?(\w+)`? → `(\w+)`$/.exec(cell);
  assert.ok(match, `a change is written "\`from\` → \`to\`", not "${cell}"`);
  return `${match[1]} → ${match[2]}`;
}

describe('docs/architecture.md', () => {
  it('shows the lifecycle as src/requests/lifecycle.ts has it: every state, and where each may go', () => {
    const rows = firstTableAfter(architecture, '## The lifecycle');
    assert.deepEqual(
      rows.map(([state]) => codeIn(state)[0]),
      [...REQUEST_STATES],
      'one row a state, in the order of REQUEST_STATES',
    );
    for (const [stateCell, nextCell] of rows) {
      const from = codeIn(stateCell)[0] as (typeof REQUEST_STATES)[number];
      const allowed = REQUEST_STATES.filter((to) => canTransition(from, to));
      assert.deepEqual(codeIn(nextCell).sort(), [...allowed].sort(), `where ${from} may go`);
      if (allowed.length === 0) assert.equal(nextCell, '—', `${from} is final`);
    }
  });

  it('shows the work that follows each change as src/requests/followUp.ts has it', () => {
    const requestRows = firstTableAfter(architecture, '### The follow-up table');
    assert.deepEqual(
      requestRows.map(([cell, work]) => [change(cell), codeIn(work)]),
      REQUEST_FOLLOW_UP.map((row) => [`${row.from} → ${row.to}`, row.work.flatMap(written)]),
    );
    const extensionRows = firstTableAfter(architecture, '#### The offer to extend');
    assert.deepEqual(
      extensionRows.map(([cell, work]) => [change(cell), codeIn(work)]),
      EXTENSION_FOLLOW_UP.map((row) => [`${row.from} → ${row.to}`, row.work.flatMap(written)]),
    );
  });
});
