/**
 * A Graph error response the simulator answers with. Thrown by the state and the routes so every
 * failure leaves in Graph's own shape, whether it is a top-level response or a `$batch` item.
 */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'GraphFailure';
  }
}

/** What Graph says when an id in the path or in a reference names nothing. */
export function resourceNotFound(id: string): GraphFailure {
  return new GraphFailure(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

/** What Graph says when a `$ref` POST adds a link that is already there. */
export function referenceAlreadyExists(property: string): GraphFailure {
  return new GraphFailure(400, 'Request_BadRequest', `One or more added object references already exist for the following modified properties: '${property}'.`);
}

/** What Graph says when the application's permissions or roles do not cover the change. */
export function insufficientPrivileges(): GraphFailure {
  return new GraphFailure(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
}

export function badRequest(message: string, code = 'BadRequest'): GraphFailure {
  return new GraphFailure(400, code, message);
}

interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export function graphErrorBody(failure: GraphFailure, requestId: string, clientRequestId: string): GraphErrorBody {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      // Graph writes the date without milliseconds or zone designator.
      innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': requestId, 'client-request-id': clientRequestId },
    },
  };
}
