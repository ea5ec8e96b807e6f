/**
 * The part of a pino logger the simulator uses, so a pino instance fits and tests can pass a stub.
 * Entries carry ids and statuses, never tokens or request bodies.
 */
export interface SimulatorLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLogger: SimulatorLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
