import { GraphError } from '@microsoft/microsoft-graph-client';
import { DirectoryError } from './directory';
import { parseRetryAfterMs } from '../http/retryAfter';

/**
 * Turns what Graph (or the road to it) says into a {@link DirectoryError}: status, Graph's error
 * code, whether retrying can help, and when. Messages carry Graph's own text and ids, never
 * headers, so no token can leak into a log.
 */

const transientStatuses: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function isTransientStatus(status: number): boolean {
  return transientStatuses.has(status);
}

/** The `{ error: { code, message } }` of a Graph error body, with safe stand-ins when it is missing. */
export function graphErrorOf(body: unknown): { code: string; message: string } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  const fields = typeof error === 'object' && error !== null ? (error as { code?: unknown; message?: unknown }) : {};
  return {
    code: typeof fields.code === 'string' ? fields.code : 'UnknownError',
    message: typeof fields.message === 'string' ? fields.message : 'no error message',
  };
}

/** For a failure the Graph client threw; `operation` says what the bot was doing. */
export function toDirectoryError(error: unknown, operation: string): DirectoryError {
  if (error instanceof DirectoryError) {
    return error;
  }
  if (error instanceof GraphError && error.statusCode > 0) {
    const code = error.code ?? 'UnknownError';
    return new DirectoryError(`${operation} failed: Microsoft Graph answered ${error.statusCode} ${code}: ${error.message}`, {
      status: error.statusCode,
      code,
      transient: isTransientStatus(error.statusCode),
      retryAfterMs: parseRetryAfterMs(error.headers?.get('Retry-After')),
    });
  }
  // No HTTP answer at all: either no token could be had, or the network failed.
  const name = error instanceof GraphError ? (error.code ?? 'NoResponse') : error instanceof Error ? error.name : 'NoResponse';
  const message = error instanceof Error ? error.message : String(error);
  if (/credential|authentication/i.test(name)) {
    return new DirectoryError(
      `${operation} failed: no token for Microsoft Graph; check AZURE_CLIENT_ID, AZURE_TENANT_ID and the client secret or certificate (${name}: ${message})`,
      { status: 0, code: name, transient: false },
    );
  }
  return new DirectoryError(`${operation} failed: no answer from Microsoft Graph (${name}: ${message})`, { status: 0, code: name, transient: true });
}
