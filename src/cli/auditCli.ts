/**
 * `npm run audit -- --from 2026-01-01 [--to 2026-02-01] [--format csv|json]`: the audit trail of a
 * period, printed for an admin (redirect it to a file). The database is the bot's own
 * (DATABASE_URL, from .env or the environment), read as the bot would open it.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { loadDotEnv } from '../dotEnv';
import { OperatorError } from '../operatorError';
import { PROJECT_ROOT } from '../projectRoot';
import { auditEventsBetween } from '../storage/auditQueries';
import { openDatabase } from '../storage/database';
import { type AuditFormat, auditRowOf, formatAudit } from '../audit/auditExport';

const USAGE = 'Usage: npm run audit -- --from YYYY-MM-DD [--to YYYY-MM-DD] [--format csv|json]   (--to defaults to tomorrow; the day it names is not included)';

interface AuditArguments {
  from: Date;
  to: Date;
  format: AuditFormat;
}

/** Reads the command line; every mistake is an OperatorError naming the flag. */
export function auditArgumentsOf(args: readonly string[], now: Date = new Date()): AuditArguments {
  let values: { from?: string; to?: string; format?: string };
  try {
    values = parseArgs({ args: [...args], options: { from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    throw new OperatorError(`${(error as Error).message}. ${USAGE}`);
  }
  if (!values.from) throw new OperatorError(`--from is required. ${USAGE}`);
  const from = dayOf(values.from, '--from');
  const to = values.to ? dayOf(values.to, '--to') : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  if (to <= from) throw new OperatorError(`--to (${values.to}) must come after --from (${values.from}).`);
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'json') throw new OperatorError(`--format must be csv or json, not "${format}".`);
  return { from, to, format };
}

function dayOf(text: string, flag: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(match?.[3]))
    throw new OperatorError(`${flag} must be a day as YYYY-MM-DD, not "${text}".`);
  return date;
}

async function main(): Promise<void> {
  const args = auditArgumentsOf(process.argv.slice(2));
  loadDotEnv(PROJECT_ROOT);
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl, { auth: config.databaseAuth });
  try {
    const events = await auditEventsBetween(database.db, args.from, args.to);
    process.stdout.write(formatAudit(events.map(auditRowOf), args.format));
  } finally {
    await database.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // ConfigError is an OperatorError: both name what to fix.
    console.error(error instanceof OperatorError ? error.message : error);
    process.exitCode = 1;
  });
}
