/**
 * The HTTP front: the Bot Framework endpoint, a health check for load balancers and operators,
 * and, in simulator mode, the simulated directory with its redeem pages.
 */
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { CloudAdapter } from 'botbuilder';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Logger } from 'pino';
import * as restify from 'restify';
import type { GuestAccessBot } from './bot';
import type { DirectorySimulator } from './directory/simulator';
import type { Schema } from './storage/schema';

export interface ServerDependencies {
  adapter: CloudAdapter;
  bot: GuestAccessBot;
  db: Kysely<Schema>;
  logger: Logger;
  simulator?: DirectorySimulator;
}

/** Activities are small; anything bigger is not a Bot Framework activity. */
const MAX_BODY_BYTES = 1024 * 1024;

export function createServer(deps: ServerDependencies): restify.Server {
  const server = restify.createServer({ name: 'guest-access-bot' });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // Malformed JSON is answered 400 here, before it reaches the adapter.
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: MAX_BODY_BYTES }));

  server.post('/api/messages', async (req, res) => {
    await deps.adapter.process(req, res, (context) => deps.bot.run(context));
  });

  server.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.db);
      res.send(200, { status: 'ok' });
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
