/**
 * The yardstick of a load run, in the same sitting: the bare echo bot (bench/echoBot) driven as
 * the bot is, a closed loop of as many clients, each sending its next message as soon as the last
 * is answered; the echo bot's CPU for one turn. A whole request's CPU divided by it is the request
 * in echo turns, a figure that does not move with the machine's speed of the day (see
 * docs/performance.md).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../src/server';
import { FakeTeamsChannel, TeamsClient } from '../test/support/fakeTeamsChannel';
import { users } from '../test/support/testBot';
import { ROOT } from './load';
import { cpuSeconds, round } from './readings';

export interface EchoLoadResult {
  turnsPerMinute: number;
  /** The echo bot's CPU for one turn, in milliseconds. */
  cpuMsPerTurn: number;
}

export async function startEchoBot(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', join(ROOT, 'dist/bench/echoBot/echoBot.js'), String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((ready) => child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && ready()));
  return { url: `http://127.0.0.1:${port}`, child };
}

/** `clients` chats with the echo bot in a closed loop for `windowMs`, after `warmUpMs`. */
export async function echoLoad(options: { clients: number; warmUpMs: number; windowMs: number }): Promise<EchoLoadResult> {
  const channel = new FakeTeamsChannel({ keepHistory: false });
  await channel.start();
  const echo = await startEchoBot();
  const teams = new TeamsClient(echo.url, channel);
  let turns = 0;
  let running = true;
  const loop = async (n: number) => {
    const user = { ...users.adele, id: `29:echo-${n}` };
    while (running) {
      const answer = await teams.say(user, 'help');
      if (answer.status >= 300) throw new Error(`the echo bot answered ${answer.status}`);
      turns += 1;
    }
  };
  try {
    const loops = Array.from({ length: options.clients }, (_, n) => loop(n));
    await new Promise((wait) => setTimeout(wait, options.warmUpMs));
    turns = 0;
    const cpuBefore = cpuSeconds(echo.child.pid);
    const started = Date.now();
    await new Promise((wait) => setTimeout(wait, options.windowMs));
    const counted = turns;
    const cpuMs = (cpuSeconds(echo.child.pid) - cpuBefore) * 1000;
    const elapsed = Date.now() - started;
    running = false;
    await Promise.all(loops);
    return { turnsPerMinute: Math.round((counted * 60_000) / elapsed), cpuMsPerTurn: round(cpuMs / counted) };
  } finally {
    echo.child.kill('SIGKILL');
    await channel.stop();
  }
}
