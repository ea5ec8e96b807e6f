/**
 * The HTTP front: the Bot Framework endpoint, a health check for load balancers and operators,
 * and, in simulator mode, the simulated directory with its redeem pages.
 */
// Before restify, for whoever loads this module first (see the file).
import './http/restifyDeprecation';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CloudAdapter } from 'botbuilder';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import * as restify from 'restify';
import type { GuestAccessBot } from './bot';
import type { DirectorySimulator } from './simulator';
import { checkActivityShape } from './http/activityShape';
import { identityEncodingOnly } from './http/identityEncoding';
import { loopbackHostOnly } from './http/loopbackHost';
import type { Schema } from './storage/schema';

interface ServerDependencies {
  adapter: CloudAdapter;
  bot: GuestAccessBot;
  db: Kysely<Schema>;
  logger: Logger;
  simulator?: DirectorySimulator;
  /** False when MicrosoftAppId is empty: then only requests addressed to a loopback name are answered. */
  authenticated: boolean;
  /**
   * What an operator should know although the bot is up (a check Graph turned off, say): each a
   * line under `details` in /healthz, which stays 200, since the bot still serves.
   */
  healthDetails?: () => Record<string, string>;
}

/** Activities are small; anything bigger is not a Bot Framework activity. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A refusal's reason is a sentence; a longer one (a parser's echo of the body) is cut, so nothing sent is echoed whole. */
const ERROR_MESSAGE_LENGTH = 300;

export function createServer(deps: ServerDependencies): restify.Server {
  const server = restify.createServer({ name: 'guest-access-bot' });
  if (!deps.authenticated) server.pre(loopbackHostOnly);
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(identityEncodingOnly);
  // Malformed JSON is answered 400 here, before it reaches the adapter.
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES }));

  server.post('/api/messages', async (req, res) => {
    // Channels post JSON. A form or text/plain post is what a web page can send cross-site without
    // asking, so it is refused before its fields could be read as an activity.
    if (!req.is('application/json')) return refuse(res, 415, 'UnsupportedMediaType', 'An activity must be posted as application/json.');
    const shape = checkActivityShape(req.body);
    if (!shape.ok) return refuse(res, 400, 'BadRequest', `Not a Bot Framework activity: ${shape.reason}.`);
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

  server.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.db);
      const details = deps.healthDetails?.() ?? {};
      res.send(200, Object.keys(details).length > 0 ? { status: 'ok', details } : { status: 'ok' });
    } catch (error) {
      deps.logger.error({ err: error }, 'health check: database unavailable');
      res.send(503, { status: 'unavailable', reason: 'database' });
    }
  });

  deps.simulator?.mount(server);

  server.on('restifyError', (req: restify.Request, _res: restify.Response, error: Error & { statusCode?: number }, callback: () => void) => {
    const status = error.statusCode ?? 500;
    const fields = { method: req.method, path: req.path(), status, err: status >= 500 ? error : undefined };
    if (status >= 500) deps.logger.error(fields, 'request failed');
    else deps.logger.debug(fields, 'request refused');
    callback();
  });
  return server;
}

/** A client error in the Bot Framework's error shape, with a reason short enough to log. */
function refuse(res: restify.Response, status: number, code: string, message: string): void {
  res.send(status, { error: { code, message: message.slice(0, ERROR_MESSAGE_LENGTH) } });
}

/** A port nobody is using now, for PORT=0 (tests). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
