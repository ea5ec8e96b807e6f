/**
 * Reads a V8 `.cpuprofile` (what `node --cpu-prof` writes) and tells where the time went: self
 * time per function and per package (a node_modules package, the project's own folder, or Node's
 * internals), so `npm run bench -- --profile` can print what to look at first.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface TimeShare {
  name: string;
  ms: number;
  percent: number;
}

/** Where a script belongs: `botbuilder-core`, `src/storage`, `node:internal`, `(garbage collector)`... */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return 'node:internal';
  const own = /\/dist\/((?:src|bench|test)\/[^/]+)/.exec(url);
  return own ? own[1].replace(/\.js$/, '') : url;
}

function top(totals: Map<string, number>, all: number, count: number): TimeShare[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => ({ name, ms: Math.round(micros / 1000), percent: Math.round((micros / all) * 1000) / 10 }));
}

/** Self time by function and by package, the `count` largest of each. */
export function summarizeProfile(file: string, count = 15): { totalMs: number; functions: TimeShare[]; packages: TimeShare[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let all = 0;
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    if (functionName === '(idle)') continue;
    all += micros;
    const where = packageOf(url, functionName);
    const name = `${(functionName || '(anonymous)').slice(0, 60)} ${where}:${lineNumber + 1}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    packages.set(where, (packages.get(where) ?? 0) + micros);
  }
  return { totalMs: Math.round(all / 1000), functions: top(functions, all, count), packages: top(packages, all, count) };
}
