/**
 * The yardstick: a bare botbuilder + restify echo bot on the same versions as the Guest Access Bot,
 * loading botbuilder-dialogs and adaptivecards-templating as it does, unauthenticated on 127.0.0.1.
 * `npm run bench` drives both through the same fake Teams channel. Usage: node echoBot.js PORT
 */
import 'adaptivecards-templating';
import 'botbuilder-dialogs';
import { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import * as restify from 'restify';

const port = Number(process.argv[2] ?? 3979);
const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new ActivityHandler();
bot.onMessage(async (context, next) => {
  await context.sendActivity(`You said: ${context.activity.text ?? ''}`);
  await next();
});
const server = restify.createServer();
server.use(restify.plugins.bodyParser());
server.post('/api/messages', async (req, res) => adapter.process(req, res, (context) => bot.run(context)));
server.get('/healthz', (_req, res, next) => {
  res.send(200, { status: 'ok' });
  next();
});
server.listen(port, '127.0.0.1', () => console.log(`echo bot listening on http://127.0.0.1:${port}/api/messages`));
// Exiting (rather than being killed) lets `node --cpu-prof` write its profile.
process.on('SIGTERM', () => process.exit(0));
