/**
 * Whether the bot serves a turn: admitted (teams/admission: tenant, channel, personal chat), and,
 * for what a person sends, within their turn limit (MAX_TURNS_PER_MINUTE). A turn it will not
 * serve is answered there (teams/unservedTurns) and goes no further.
 */
import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import { directoryUserIdOf } from '../http/identity';
import { type AdmissionPolicy, refusalOf } from './admission';
import type { TurnRateLimit } from './turnRateLimit';
import { refuseTurn, slowDown } from './unservedTurns';

export interface TurnGate {
  admission: AdmissionPolicy;
  turnLimit: TurnRateLimit;
  /** Unauthenticated runs only; see directoryUserIdOf(). */
  localDefaultUserId?: string;
  logger: Logger;
}

/** What a person sends: a message, or an invoke other than the form's catalog search. */
export function isSentByPerson(context: TurnContext): boolean {
  const { type, name } = context.activity;
  // The form's catalog search is not counted: Teams asks it as the person types, and each answer
  // is a read of the catalog's index in memory, which typing would otherwise spend the turns on.
  return type === 'message' || (type === 'invoke' && name !== 'application/search');
}

/** True when the turn is to be served; otherwise it has been answered. */
export async function isServed(context: TurnContext, gate: TurnGate): Promise<boolean> {
  const refusal = refusalOf(context.activity, gate.admission);
  if (refusal) {
    await refuseTurn(context, refusal, gate.logger);
    return false;
  }
  if (!isSentByPerson(context)) return true;
  const verdict = await gate.turnLimit.take(directoryUserIdOf(context.activity, gate.localDefaultUserId) ?? context.activity.from.id);
  if (verdict === 'allowed') return true;
  await slowDown(context, verdict, gate.logger);
  return false;
}
