/**
 * The bot as its own process, started as `npm start` starts it (dist/src/index.js), for tests
 * that kill it, stop it or run two of it. Its output is kept to show when a test fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ENTRY = resolve(__dirname, '../../src/index.js');

export class BotProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  /** Everything every run printed, newest last. */
  output = '';
  starts = 0;

  /** `cwd` should be an empty folder, so that no developer's .env is read. */
  constructor(
    private readonly env: Record<string, string>,
    private readonly cwd: string,
    /** Flags for node itself, e.g. `--cpu-prof` (which NODE_OPTIONS does not accept). */
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  /** Starts it and waits until it says it is listening. */
  async start(): Promise<void> {
    this.starts += 1;
    const child = spawn(process.execPath, [...this.nodeArgs, ENTRY], {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '', PORT: '0', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? (signal ? -1 : null))));
    await new Promise<void>((resolveStart, rejectStart) => {
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (/listening on/.test(this.output.slice(-4000))) resolveStart();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      void this.exited.then((code) => rejectStart(new Error(`the bot exited with ${code} before listening:\n${this.output.slice(-3000)}`)));
    });
  }

  /** Where it listens, e.g. `http://127.0.0.1:41234`, from what it said when it started. */
  get url(): string {
    const urls = [...this.output.matchAll(/listening on (http:\/\/[^/\s]+)\/api\/messages/g)];
    const latest = urls.at(-1)?.[1];
    if (!latest) throw new Error('the bot has not said where it listens');
    return latest;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Sends `signal` and waits for the process to end; resolves to its exit code (-1 when killed by a signal). */
  async signal(signal: NodeJS.Signals): Promise<number | null> {
    this.child?.kill(signal);
    return this.exited;
  }

  /** Resolves when it exits on its own. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }
}
