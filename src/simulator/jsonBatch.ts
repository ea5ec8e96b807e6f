import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { FaultInjector } from './faultInjector';
import type { GraphRateLimits } from './graphRateLimits';
import { badRequest, graphErrorBody } from './graphFailure';
import type { GraphCall, GraphResult, GraphRouter } from './graphRouter';

/**
 * Graph JSON batching (`POST /$batch`): up to 20 calls in one request, each answered on its own,
 * so one item can be throttled or refused while the others succeed.
 */

const maxBatchRequests = 20;

const batchItemSchema = z.object({
  id: z.string().min(1),
  method: z.string().min(1),
  url: z.string().min(1),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  dependsOn: z.array(z.string()).optional(),
});

/** A `$batch` item as the simulator received and answered it. */
export interface RecordedBatchItem {
  id: string;
  method: string;
  /** The item's path as sent, relative to the version: `/groups/{id}/members/$ref`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** The status the item was answered with. */
  status: number;
}

interface BatchResponseItem {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export function executeBatch(
  payload: unknown,
  context: Pick<GraphCall, 'serviceRoot' | 'redeemRoot'>,
  router: GraphRouter,
  faults: FaultInjector,
  rateLimits?: GraphRateLimits,
): { result: GraphResult; items: RecordedBatchItem[] } {
  const items = parseBatch(payload);
  const responses: BatchResponseItem[] = [];
  const recorded: RecordedBatchItem[] = [];
  for (const item of items) {
    const url = new URL(item.url.startsWith('/') ? item.url : `/${item.url}`, 'http://batch.invalid');
    const call: GraphCall = {
      ...context,
      method: item.method.toUpperCase(),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: item.body,
    };
    const requestId = randomUUID();
    const clientRequestId = headerValue(item.headers, 'client-request-id') ?? randomUUID();
    // Graph throttles each item on its own: a batch answered 200 can hold 429s.
    const fault = faults.take(call.method, call.path, true) ?? rateLimits?.take(call.method, call.path);
    const result = fault
      ? { status: fault.status, headers: { ...fault.headers }, body: graphErrorBody(fault, requestId, clientRequestId) }
      : router.execute(call, requestId, clientRequestId);
    const headers: Record<string, string> = {
      'Cache-Control': 'no-cache',
      'request-id': requestId,
      'client-request-id': clientRequestId,
      ...result.headers,
    };
    if (result.body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    responses.push({ id: item.id, status: result.status, headers, ...(result.body === undefined ? {} : { body: result.body }) });
    recorded.push({ id: item.id, method: call.method, path: call.path, query: { ...call.query }, body: item.body, status: result.status });
  }
  return { result: { status: 200, headers: {}, body: { responses } }, items: recorded };
}

function parseBatch(payload: unknown): Array<z.infer<typeof batchItemSchema>> {
  const requests = typeof payload === 'object' && payload !== null ? (payload as { requests?: unknown }).requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw badRequest('Invalid batch payload format.');
  }
  if (requests.length > maxBatchRequests) {
    throw badRequest(`The number of requests in a batch cannot exceed ${maxBatchRequests}.`);
  }
  const items = requests.map((request) => {
    const parsed = batchItemSchema.safeParse(request);
    if (!parsed.success) {
      throw badRequest('Invalid batch payload format.');
    }
    return parsed.data;
  });
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) {
      throw badRequest(`Batch request contains duplicate id '${item.id}'.`);
    }
    ids.add(item.id);
    if (/^[a-z][a-z0-9+.-]*:/i.test(item.url)) {
      throw badRequest(`Request id : ${item.id} has an absolute url; batch urls are relative to the version.`);
    }
    // Graph refuses a write whose item lacks either; a client that forgets Content-Type must fail here too.
    const isWrite = ['POST', 'PUT', 'PATCH'].includes(item.method.toUpperCase());
    if (isWrite && (item.body === undefined || headerValue(item.headers, 'content-type') === undefined)) {
      throw badRequest(`Write request id : ${item.id} does not contain Content-Type header or body.`);
    }
  }
  return items;
}

function headerValue(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  return Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)?.[1];
}
