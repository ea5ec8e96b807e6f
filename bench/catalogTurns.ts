/**
 * `--catalog`: the resources question with a catalog of 1,000 resources beside the sample's 4, in
 * the same sitting. Two bots run at once, one on each catalog; one requester each goes through
 * `request`, the guest's address (the turn that shows the resources: the first page of the
 * catalog) and `1` (the turn that reads the answer against the catalog), then `cancel`. The two
 * bots' turns alternate, the first in turn, so both see the same machine. Target: the 1,000
 * resources' turns within 1.2× of the 4's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_CATALOG_FILE } from '../src/config';
import { BotProcess } from '../test/support/botProcess';
import { FakeTeamsChannel, TeamsClient, type TeamsUser } from '../test/support/fakeTeamsChannel';
import { users } from '../test/support/testBot';
import { LIFTED_LIMITS } from './load';
import { cpuSeconds, round } from './readings';

export const LARGE_CATALOG = 1_000;

/** A catalog of `count` teams, each with a description as long as the sample's. */
function largeCatalog(folder: string, count: number): string {
  const resources = Array.from({ length: count }, (_, i) => ({
    id: `team-${i + 1}`,
    name: `Project ${i + 1} team`,
    kind: 'team',
    groupId: `c0ffee00-0002-4000-8000-${String(i + 1).padStart(12, '0')}`,
    description: `Channels, files and meetings of project ${i + 1}, its partners and its launch`,
  }));
  const file = join(folder, 'catalog.json');
  writeFileSync(file, JSON.stringify({ resources }));
  return file;
}

interface Side {
  bot: BotProcess;
  teams: TeamsClient;
  question: number[];
  answer: number[];
  cpuBefore: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/** `rounds` dialogs on each bot, interleaved; each turn's median and each bot's CPU per dialog, and the ratios. */
export async function catalogTurns(rounds = 200) {
  const channel = new FakeTeamsChannel({ keepHistory: false });
  await channel.start();
  const folder = mkdtempSync(join(tmpdir(), 'bench-catalog-'));
  const start = async (name: string, catalogFile: string): Promise<Side> => {
    const bot = new BotProcess(
      { DATABASE_URL: join(folder, `${name}.db`), RESOURCE_CATALOG_FILE: catalogFile, LOG_LEVEL: 'info', ...LIFTED_LIMITS },
      mkdtempSync(join(folder, name)),
    );
    await bot.start();
    return { bot, teams: new TeamsClient(bot.url, channel), question: [], answer: [], cpuBefore: 0 };
  };
  const small = await start('small', SAMPLE_CATALOG_FILE);
  const large = await start('large', largeCatalog(folder, LARGE_CATALOG));
  const requester: TeamsUser = users.adele;
  try {
    for (const side of [small, large]) await side.teams.install(requester);
    const dialog = async (side: Side, n: number, record: boolean) => {
      await side.teams.say(requester, 'request');
      const question = await timed(() => side.teams.say(requester, `catalog-${n}@fabrikam.com`));
      const answer = await timed(() => side.teams.say(requester, '1'));
      await side.teams.say(requester, 'cancel');
      if (record) {
        side.question.push(question);
        side.answer.push(answer);
      }
    };
    // Warm-up: both bots' code compiled and their caches filled.
    for (let n = 0; n < 20; n++) for (const side of [small, large]) await dialog(side, n, false);
    for (const side of [small, large]) side.cpuBefore = cpuSeconds(side.bot.pid);
    for (let n = 0; n < rounds; n++) {
      const order = n % 2 === 0 ? [small, large] : [large, small];
      for (const side of order) await dialog(side, n, true);
    }
    const figures = (side: Side) => ({
      resourcesQuestionMs: round(median(side.question)),
      resourcesAnswerMs: round(median(side.answer)),
      cpuMsPerDialog: round(((cpuSeconds(side.bot.pid) - side.cpuBefore) * 1000) / rounds),
    });
    const four = figures(small);
    const thousand = figures(large);
    return {
      rounds,
      4: four,
      [LARGE_CATALOG]: thousand,
      ratios: {
        resourcesQuestion: round(thousand.resourcesQuestionMs / four.resourcesQuestionMs),
        resourcesAnswer: round(thousand.resourcesAnswerMs / four.resourcesAnswerMs),
        cpuPerDialog: round(thousand.cpuMsPerDialog / four.cpuMsPerDialog),
      },
    };
  } finally {
    for (const side of [small, large]) await side.bot.signal('SIGKILL');
    await channel.stop();
  }
}
