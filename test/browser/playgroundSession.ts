/**
 * The bot and the Microsoft 365 Agents Playground, started as `npm run playground` starts them
 * (on a fresh database and simulated directory), and the Playground's page in a real browser:
 * Debian's chromium-headless-shell driven by playwright-core. Helpers type into the compose box,
 * click the cards' buttons and read the chat as a person sees it.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/projectRoot';
import { launchPlayground, type RunningPlayground } from '../../src/playground/playgroundLauncher';
import { freePort } from '../../src/server';

export const BROWSER = '/usr/bin/chromium-headless-shell';
const PLAYGROUND_URL = 'http://127.0.0.1:56150';
/** Card deliveries in the Playground wait for the Bot Connector client's retries to give up. */
const WAIT_MS = 60_000;

export class PlaygroundSession {
  private constructor(
    private readonly running: RunningPlayground,
    private readonly browser: Browser,
    readonly page: Page,
    /** The bot, with the simulated directory's Graph under /simulator/graph. */
    readonly botUrl: string,
  ) {}

  static async start(): Promise<PlaygroundSession> {
    if (!existsSync(BROWSER)) {
      throw new Error(`The browser test needs Debian's headless Chromium at ${BROWSER}: install it with "apt-get install -y chromium-headless-shell".`);
    }
    if (await answers(PLAYGROUND_URL)) throw new Error(`Something already listens on ${PLAYGROUND_URL} (another Playground?): stop it first.`);
    const data = mkdtempSync(join(tmpdir(), 'guest-access-browser-'));
    const port = await freePort('127.0.0.1');
    const running = launchPlayground({
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        DATABASE_URL: join(data, 'bot.db'),
        SIMULATOR_STATE_FILE: join(data, 'directory.json'),
        LOG_LEVEL: 'warn',
        TEAMSAPPTESTER_BROWSER: 'none',
        // One person walks every flow here, faster than anyone types: the turn limit is tested elsewhere.
        MAX_TURNS_PER_MINUTE: '600',
      },
      port,
      botEntry: join(PROJECT_ROOT, 'dist', 'src', 'index.js'),
      playgroundCli: require.resolve('@microsoft/m365agentsplayground/cli.js'),
      healthTimeoutMs: 30_000,
    });
    const deadline = Date.now() + WAIT_MS;
    while (!(await answers(PLAYGROUND_URL))) {
      if (Date.now() > deadline) throw new Error(`The Playground did not answer on ${PLAYGROUND_URL}.`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // This machine's network is closed: Chromium's own background connections are turned off.
    const browser = await chromium.launch({
      executablePath: BROWSER,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1300, height: 1000 } });
    await page.goto(PLAYGROUND_URL, { waitUntil: 'networkidle' });
    return new PlaygroundSession(running, browser, page, `http://127.0.0.1:${port}`);
  }

  async stop(): Promise<void> {
    await this.browser.close();
    this.running.stop('SIGTERM');
    await this.running.exited.catch(() => undefined);
  }

  /** Types into the compose box and sends, as a person would. */
  async say(text: string): Promise<void> {
    const before = await this.messageCount();
    const input = this.page.locator('[data-lexical-editor="true"]');
    await input.click();
    await input.fill(text);
    await this.page.getByRole('button', { name: 'Send Message' }).click();
    await this.waitUntil(async () => (await this.messageCount()) > before, `the message “${text}” shown`);
  }

  /** Clicks the last button with this name on the page (the newest card's). */
  async click(name: string | RegExp): Promise<void> {
    await this.page
      .getByRole('button', { name, exact: typeof name === 'string' })
      .last()
      .click({ timeout: WAIT_MS });
  }

  /** The chat as a person reads it: every message, the log panel aside. */
  async transcript(): Promise<string> {
    // Run in the page (a string, as this project compiles without the DOM's types): the closest
    // element holding every message is the chat, not the log panel beside it.
    return this.page.evaluate<string>(`(() => {
      const headers = [...document.querySelectorAll('[aria-label="Message header"]')];
      if (headers.length === 0) return '';
      let chat = headers[0];
      while (chat && !headers.every((header) => chat.contains(header))) chat = chat.parentElement;
      return chat ? chat.innerText : '';
    })()`);
  }

  /** Waits until the chat shows `pattern`, and returns the chat then. */
  async waitForText(pattern: RegExp, what = String(pattern)): Promise<string> {
    let text = '';
    await this.waitUntil(async () => pattern.test((text = await this.transcript())), what);
    return text;
  }

  /** How often `pattern` appears in the chat now. */
  async count(pattern: RegExp): Promise<number> {
    return (await this.transcript()).match(new RegExp(pattern.source, 'g'))?.length ?? 0;
  }

  /**
   * Says `text` and waits for the answer that shows `pattern` once more than before: a question
   * asked again (OK, Yes) is then the new one, not an earlier one still in the chat.
   */
  async sayAndWaitFor(text: string, pattern: RegExp): Promise<void> {
    const before = await this.count(pattern);
    await this.say(text);
    await this.waitUntil(async () => (await this.count(pattern)) > before, `another “${pattern.source}” after “${text}”`);
  }

  async screenshot(file: string, page: Page = this.page): Promise<void> {
    await page.screenshot({ path: join(PROJECT_ROOT, 'docs', 'screenshots', file) });
  }

  /**
   * The partner opens the invitation link in a browser of their own (in `locale`), accepts the
   * permissions and the terms of use on the simulator's pages, and sees they are in. Saves the
   * consent page.
   */
  async redeem(url: string, locale: string, screenshot: string): Promise<string> {
    const context = await this.browser.newContext({ locale, viewport: { width: 900, height: 700 } });
    try {
      const partner = await context.newPage();
      await partner.goto(url);
      await this.screenshot(screenshot, partner);
      const accept = locale.startsWith('es') ? 'Aceptar' : 'Accept';
      await partner.getByRole('button', { name: accept, exact: true }).click();
      await partner.getByRole('button', { name: accept, exact: true }).click();
      return await partner.locator('body').innerText();
    } finally {
      await context.close();
    }
  }

  /** Where the guest stands in the simulated directory, as Graph reports it. */
  async externalUserStateOf(email: string): Promise<string | undefined> {
    const filter = encodeURIComponent(`mail eq '${email}'`);
    const answer = await fetch(`${this.botUrl}/simulator/graph/v1.0/users?$filter=${filter}&$select=externalUserState`);
    const users = (await answer.json()) as { value: Array<{ externalUserState?: string }> };
    return users.value[0]?.externalUserState;
  }

  private messageCount(): Promise<number> {
    return this.page.locator('[aria-label="Message header"]').count();
  }

  private async waitUntil(condition: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!(await condition())) {
      if (Date.now() > deadline) {
        await this.page.screenshot({ path: join(tmpdir(), 'playground-failure.png') });
        throw new Error(
          `Timed out waiting for ${what}; the page is in ${join(tmpdir(), 'playground-failure.png')}. The chat:\n${(await this.transcript()).slice(-3000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
