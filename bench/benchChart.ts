/**
 * The bench's figures as one SVG (bench/results/<date>.svg), to see at a glance what the JSON
 * beside it says: the message turn against the echo bot, the CPU of a whole request in echo turns
 * against its target, PostgreSQL's rate and the capped processes' beside one, and the bot's memory
 * through the soak.
 */
import type { InEchoTurns } from './echoTurns';
import type { LoadResult } from './load';
import type { CappedScaling, PostgresBesideSqlite } from './processes';

/** What a run writes to bench/results/<date>.json: each part's figures under its name. */
export type BenchResults = Record<string, unknown>;

const PANEL = { width: 320, height: 240, top: 40, bottom: 40, left: 50, right: 20 };

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${extra}>${escape(content)}</text>`;
}

/** A bar chart in a panel at `offsetX`; `target` draws a dashed line at that value. */
function bars(
  offsetX: number,
  title: string,
  unit: string,
  items: Array<{ label: string; value: number; color: string }>,
  target?: { value: number; label: string },
): string {
  const plotWidth = PANEL.width - PANEL.left - PANEL.right;
  const plotHeight = PANEL.height - PANEL.top - PANEL.bottom;
  const max = Math.max(...items.map((item) => item.value), target?.value ?? 0) * 1.15 || 1;
  const slot = plotWidth / items.length;
  const y = (value: number) => PANEL.top + plotHeight - (value / max) * plotHeight;
  const parts = [
    text(offsetX + PANEL.width / 2, 20, title, 'text-anchor="middle" font-weight="bold"'),
    text(offsetX + 4, PANEL.top - 6, unit, 'font-size="10"'),
  ];
  items.forEach((item, i) => {
    const x = offsetX + PANEL.left + i * slot + slot * 0.15;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${y(item.value).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${(PANEL.top + plotHeight - y(item.value)).toFixed(1)}" fill="${item.color}"/>`,
    );
    parts.push(text(x + slot * 0.35, y(item.value) - 4, String(item.value), 'text-anchor="middle" font-size="11"'));
    // A label may take two lines (`\n`), so that six bars' labels fit under them.
    item.label
      .split('\n')
      .forEach((line, n) => parts.push(text(x + slot * 0.35, PANEL.top + plotHeight + 14 + n * 12, line, 'text-anchor="middle" font-size="10"')));
  });
  if (target !== undefined) {
    parts.push(
      `<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.width - PANEL.right}" y1="${y(target.value).toFixed(1)}" y2="${y(target.value).toFixed(1)}" stroke="#c00" stroke-dasharray="4 3"/>`,
    );
    parts.push(text(offsetX + PANEL.width - PANEL.right, y(target.value) - 4, target.label, 'text-anchor="end" font-size="10" fill="#c00"'));
  }
  parts.push(
    `<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.width - PANEL.right}" y1="${PANEL.top + plotHeight}" y2="${PANEL.top + plotHeight}" stroke="#333"/>`,
  );
  return parts.join('\n');
}

/** The soak's RSS samples as a line, with the idle RSS before and after as dashed lines. */
function memory(offsetX: number, samples: ReadonlyArray<{ atS: number; MiB: number }>, idleBefore: number, idleAfter: number | undefined): string {
  const plotWidth = PANEL.width - PANEL.left - PANEL.right;
  const plotHeight = PANEL.height - PANEL.top - PANEL.bottom;
  const values = [...samples.map((s) => s.MiB), idleBefore, idleAfter ?? idleBefore];
  const max = Math.max(...values) * 1.1;
  const lastS = Math.max(1, samples.at(-1)?.atS ?? 1);
  const x = (atS: number) => offsetX + PANEL.left + (atS / lastS) * plotWidth;
  const y = (MiB: number) => PANEL.top + plotHeight - (MiB / max) * plotHeight;
  const points = samples.map((s) => `${x(s.atS).toFixed(1)},${y(s.MiB).toFixed(1)}`).join(' ');
  const level = (MiB: number, label: string, color: string) =>
    `<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.width - PANEL.right}" y1="${y(MiB).toFixed(1)}" y2="${y(MiB).toFixed(1)}" stroke="${color}" stroke-dasharray="4 3"/>` +
    text(offsetX + PANEL.left + 4, y(MiB) + 12, `${label} ${MiB} MiB`, `font-size="10" fill="${color}"`);
  return [
    text(offsetX + PANEL.width / 2, 20, 'Bot RSS through the soak (MiB)', 'text-anchor="middle" font-weight="bold"'),
    `<polyline points="${points}" fill="none" stroke="#2b6cb0" stroke-width="2"/>`,
    level(idleBefore, 'idle before', '#555'),
    idleAfter !== undefined ? level(idleAfter, 'idle after', '#b7791f') : '',
    `<line x1="${offsetX + PANEL.left}" x2="${offsetX + PANEL.width - PANEL.right}" y1="${PANEL.top + plotHeight}" y2="${PANEL.top + plotHeight}" stroke="#333"/>`,
    text(offsetX + PANEL.left, PANEL.top + plotHeight + 14, '0 s', 'font-size="10"'),
    text(offsetX + PANEL.width - PANEL.right, PANEL.top + plotHeight + 14, `${lastS} s`, 'text-anchor="end" font-size="10"'),
    text(offsetX + PANEL.left, PANEL.top - 6, `${max.toFixed(0)}`, 'font-size="10"'),
  ].join('\n');
}

export function benchChart(results: BenchResults): string {
  const turns = results.messageTurnMs as { bot: { p50: number }; echo: { p50: number } };
  const whole = results.wholeRequests as Record<string, InEchoTurns>;
  const postgres = results.postgres as { skipped?: string; besideSqlite?: PostgresBesideSqlite; capped?: CappedScaling[] | { skipped: string } };
  const soak = results.soak as LoadResult;
  const idle = results.idleRssMiB as { bot: number; echo: number };
  // Issue 25's units: the bot's CPU per whole request in the echo bot's CPU per turn of the same sitting.
  const cost = [
    { label: 'SQLite\n×4', value: whole[4].echoTurnsPerRequest, color: '#90cdf4' },
    { label: 'SQLite\n×16', value: whole[16].echoTurnsPerRequest, color: '#2b6cb0' },
  ];
  const capped = postgres.capped && !('skipped' in postgres.capped) ? postgres.capped : [];
  const scaling = [
    ...(postgres.besideSqlite ? [{ label: 'PG ÷\nSQLite', value: postgres.besideSqlite.rateRatio, color: '#9ae6b4' }] : []),
    ...capped.map((run) => ({ label: `${run.processes} × ${run.coresEach}\ncore`, value: run.scaling, color: '#c05621' })),
  ];
  const width = PANEL.width * 4;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height + 20}" viewBox="0 0 ${width} ${PANEL.height + 20}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    bars(
      0,
      'Message turn p50 (ms)',
      'ms',
      [
        { label: 'bot', value: turns.bot.p50, color: '#2b6cb0' },
        { label: 'echo bot', value: turns.echo.p50, color: '#a0aec0' },
      ],
      { value: Math.round(turns.echo.p50 * 1.25 * 100) / 100, label: 'target: 1.25 × echo' },
    ),
    bars(PANEL.width, 'CPU per whole request', 'echo turns', cost, { value: 25, label: 'target: 25 echo turns' }),
    bars(PANEL.width * 2, 'Rate beside one process', '×', scaling),
    memory(PANEL.width * 3, soak.rssMiB ?? [], idle.bot, soak.idleAfterMiB),
    text(
      8,
      PANEL.height + 14,
      `${String(results.date)} · Node ${String(results.node)} · ${String(results.cpus)} cores · Graph ${String(results.graphLatencyMs)} ms a call${results.quick ? ' · --quick' : ''}`,
      'font-size="10" fill="#555"',
    ),
    '</svg>',
    '',
  ].join('\n');
}
