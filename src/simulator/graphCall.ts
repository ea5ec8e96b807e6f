/**
 * A Graph call as the simulator's routes take it, and what they answer: the shapes the router and
 * every set of routes (the directory's, the app catalog's, the tenant's settings) share.
 */
/** One Graph call, whether it came over HTTP or inside a `$batch`. */
export interface GraphCall {
  method: string;
  /** The path after the version, still percent-encoded: `/users/{id}/manager`. */
  path: string;
  /** Absent for v1.0, as every call inside a `$batch` is. */
  version?: 'beta';
  query: Readonly<Record<string, string>>;
  body: unknown;
  /** Where this simulator's Graph lives for the caller, e.g. `http://127.0.0.1:3978/simulator/graph`. */
  serviceRoot: string;
  /** Where its redeem pages live for the caller, e.g. `http://127.0.0.1:3978/simulator/redeem`. */
  redeemRoot: string;
}

export interface GraphResult {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export type RouteHandler = (call: GraphCall, params: readonly string[]) => GraphResult;

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Served only at `/beta`; the others only at `/v1.0`. */
  version?: 'beta';
  /** Literal segments, with `{}` where an id goes. */
  pattern: readonly string[];
  handle: RouteHandler;
}
