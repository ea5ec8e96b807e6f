/**
 * A message of any size, posted over HTTP as the Emulator or the Agents Playground would: in a
 * local run nothing but the server's body limit (1 MB) bounds what a message holds, and one
 * such message once held the event loop for minutes. Whatever its size, a turn does a bounded
 * amount of work before it answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startTestBot, type TestBot, users } from '../support/testBot';
import { visibleText } from '../support/visibleText';

/** The server's body limit, less room for the rest of the activity. */
const LARGEST_TEXT = 1024 * 1024 - 4096;
/**
 * How much more CPU a 1 MB message may cost than a 10-character one answered the same way, measured
 * in the same sitting (this machine's speed varies about 2× from day to day, so a bound in
 * milliseconds would pass one day and fail the next). Reading a 1 MB body and echoing part of it
 * costs a few times a short turn (2× to 5× here, each from a collected heap); the turn that once did work
 * beyond the message's size held the event loop for minutes, tens of thousands of times more.
 */
const CPU_RATIO_BOUND = 30;
/**
 * A full garbage collection on demand, so that each measured turn starts from a collected heap. In a
 * whole test run the heap holds what earlier tests left, and a 1 MB message's allocations can set off
 * a collection of all of it, which is no cost of the turn: a fresh-clone CI run once measured 80 ms
 * where the turn alone takes 15 to 40. The first turn after it is dearer too (the code warms up
 * again), so a `help` that is not measured goes first.
 */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** A short message the bot does not understand: the same answer path as a long one outside a request. */
const SHORT_TEXT = 'xyzzy 1234';

describe('a message as large as the server takes', function () {
  this.timeout(60_000);
  let bot: TestBot;
  /** The CPU of a short message, the baseline of this sitting. */
  let shortMs = 0;

  before(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'catalog-')), 'catalog.json');
    const resources = Array.from({ length: 1000 }, (_, i) => ({
      id: `team-${i + 1}`,
      name: `Project ${i + 1} team`,
      kind: 'team',
      groupId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      description: `Channels, files and meetings of project ${i + 1}.`,
    }));
    writeFileSync(file, JSON.stringify({ resources }));
    // Each measured turn comes with an unmeasured one: more than one person's 30 turns a minute.
    bot = await startTestBot({ RESOURCE_CATALOG_FILE: file, MAX_TURNS_PER_MINUTE: '200' });
    await bot.teams.install(users.adele);
    // The least of several: the first turns warm the code up, as a whole test run's earlier tests would.
    shortMs = (await leastCpuMs(SHORT_TEXT, 10)).ms;
  });
  after(async () => bot?.close());

  const parts = ['Project 7 team', '12', 'proj', 'nothing here', 'team-500'];
  let largest = '';
  for (let i = 0; largest.length < LARGEST_TEXT; i++) largest += `${parts[i % parts.length]}, `;
  largest = largest.slice(0, LARGEST_TEXT);

  const said = () => bot.channel.messagesTo(bot.teams.conversationOf(users.adele)).map(visibleText);

  /** The CPU time of posting `text` and the bot answering it, the least of `tries`; and what it answered. */
  async function leastCpuMs(text: string, tries = 3): Promise<{ ms: number; replies: string[] }> {
    let least = Number.POSITIVE_INFINITY;
    let replies: string[] = [];
    for (let i = 0; i < tries; i++) {
      collectGarbage();
      // The first turn after a full collection pays to warm up again: an unmeasured `help` does (inside a request too, where it leaves the question open).
      await bot.teams.say(users.adele, 'help');
      const before = said().length;
      const started = process.cpuUsage();
      const response = await bot.teams.say(users.adele, text);
      const used = process.cpuUsage(started);
      assert.equal(response.status, 200);
      least = Math.min(least, (used.user + used.system) / 1000);
      replies = said().slice(before);
    }
    return { ms: least, replies };
  }

  it(`answers a 1 MB list of resources within ${CPU_RATIO_BOUND}× a short message's CPU, and the question stays open`, async () => {
    await bot.teams.say(users.adele, 'request');
    await bot.teams.say(users.adele, 'partner@fabrikam.com');
    const { ms, replies } = await leastCpuMs(largest);
    assert.ok(ms <= CPU_RATIO_BOUND * shortMs, `${ms.toFixed(1)} ms of CPU, against ${shortMs.toFixed(1)} ms for "${SHORT_TEXT}"`);
    console.log(`      ${(ms / shortMs).toFixed(1)}× a short message's CPU (${ms.toFixed(1)} ms against ${shortMs.toFixed(1)} ms)`);
    assert.deepEqual(replies, [
      "That's too long for a list of resources: I take at most 1000 characters here. Reply with the numbers shown above, separated by commas, for example **1, 3**.",
    ]);
    await bot.teams.say(users.adele, '1');
    assert.match(said().at(-1) ?? '', /^For how long does partner@fabrikam\.com need this access\?/);
    await bot.teams.say(users.adele, 'cancel');
  });

  it(`answers 1 MB typed outside a request within ${CPU_RATIO_BOUND}× a short message's CPU`, async () => {
    const { ms, replies } = await leastCpuMs(largest);
    assert.ok(ms <= CPU_RATIO_BOUND * shortMs, `${ms.toFixed(1)} ms of CPU, against ${shortMs.toFixed(1)} ms for "${SHORT_TEXT}"`);
    console.log(`      ${(ms / shortMs).toFixed(1)}× a short message's CPU (${ms.toFixed(1)} ms against ${shortMs.toFixed(1)} ms)`);
    assert.equal(replies.length, 1);
    assert.match(
      replies[0],
      /^Sorry, I didn't understand “Project 7 team, 12, proj, nothing here, team-500, Project 7 team, 12, proj, nothing here, team-500, ”/,
    );
  });
});
