import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Config } from '../config';
import { OperatorError } from '../operatorError';
import { waitForHealth } from './waitForHealth';

export interface LaunchPlaygroundOptions {
  /** Working folder of both processes: the Playground reads .m365agentsplayground.yml from it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The bot's port, from its configuration. */
  port: number;
  /** The bot's compiled entry point, run with this Node. */
  botEntry: string;
  /** The Playground's CLI script, run with this Node rather than through a .cmd shim. */
  playgroundCli: string;
  healthTimeoutMs: number;
}

export interface RunningPlayground {
  /**
   * Settles once every process started has ended: with the exit code of the one that ended first,
   * or rejected with an OperatorError when the bot never came up.
   */
  exited: Promise<number>;
  /** Passes a signal such as Ctrl+C on to the processes, and starts nothing more. */
  stop(signal: NodeJS.Signals): void;
}

/**
 * The Playground sends unauthenticated requests and cannot fetch tokens from Microsoft Entra, so
 * it only works with a bot started without MicrosoftAppId. Checked before anything starts.
 */
export function assertPlaygroundCanConnect(config: Config): void {
  if (config.bot.authenticated) {
    throw new OperatorError(
      'The Microsoft 365 Agents Playground needs the bot to run unauthenticated, so MicrosoftAppId must be empty, ' +
        'but it is set (in .env or the environment). The Playground is for local test sessions on the simulated directory: ' +
        'run it from a checkout whose .env has no MicrosoftAppId and no Graph settings (DIRECTORY_MODE, GRAPH_BASE_URL, AZURE_CLIENT_*), never with a production .env.',
    );
  }
  if (config.port === 0) throw new OperatorError('PORT must name a port for the Playground to connect to, not 0. Fix it in .env or the environment.');
}

/** Set in the bot's environment when `npm run playground` starts it. */
export const LAUNCHED_BY_PLAYGROUND = 'GUEST_ACCESS_LAUNCHED_BY_PLAYGROUND';

/**
 * Starts the bot, waits until it answers GET /healthz, then starts the Playground against it.
 * When either process ends the other is stopped, so a crashed bot never leaves a Playground
 * talking to nothing (and the reverse). Throws at once if the settings cannot work.
 */
export function launchPlayground(options: LaunchPlaygroundOptions): RunningPlayground {
  const { port } = options;
  const children: ChildProcess[] = [];
  const exits: Promise<number>[] = [];
  let stopping = false;
  const start = (script: string, args: string[], env: NodeJS.ProcessEnv = options.env): void => {
    const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env, stdio: 'inherit' });
    children.push(child);
    exits.push(exitOf(child));
  };
  const stop = (signal: NodeJS.Signals): void => {
    stopping = true;
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    }
  };

  // The bot says, as it starts, that the Playground is on its way rather than suggesting it.
  start(options.botEntry, [], { ...options.env, [LAUNCHED_BY_PLAYGROUND]: '1' });
  const botExited = exits[0];
  const botEnded = new AbortController();
  void botExited.then(() => botEnded.abort());
  const healthUrl = `http://127.0.0.1:${port}/healthz`;

  const exited = (async () => {
    const healthy = await waitForHealth(healthUrl, { timeoutMs: options.healthTimeoutMs, signal: botEnded.signal });
    if (stopping) return botExited;
    if (!healthy) {
      const exitedEarly = botEnded.signal.aborted;
      stop('SIGTERM');
      const code = await botExited;
      throw new OperatorError(
        exitedEarly
          ? `The bot (${options.botEntry}) exited with code ${code} before it answered ${healthUrl}; its output above says why.`
          : `The bot did not answer ${healthUrl} within ${options.healthTimeoutMs / 1000} s; its output above may say why. ` +
              'If it listens on another port, set PORT in .env or the environment.',
      );
    }
    // A local test session sends nobody's usage anywhere: the Playground's telemetry is off.
    // The Playground's own server reads process.binding('http_parser') too (the same harmless
    // DEP0111), in processes of its own: NODE_OPTIONS reaches them all.
    const nodeOptions = [options.env.NODE_OPTIONS, '--disable-warning=DEP0111'].filter(Boolean).join(' ');
    start(options.playgroundCli, ['--app-endpoint', `http://127.0.0.1:${port}/api/messages`, '--channel-id', 'msteams', '--disable-telemetry'], {
      ...options.env,
      NODE_OPTIONS: nodeOptions,
    });
    const code = await Promise.race(exits);
    stop('SIGTERM');
    await Promise.all(exits);
    return code;
  })();
  return { exited, stop };
}

/** The exit code, with a process ended by a signal counted as 128 + its number, as shells do. */
function exitOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + constants.signals[signal] : 1)));
  });
}
