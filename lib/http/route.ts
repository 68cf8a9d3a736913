import { unstable_rethrow } from 'next/navigation';
import { log } from '../log';
import { errorResponse } from './errors';

// Every route handler runs inside `route`, so nothing it throws reaches the client as Next.js's
// bare 500: a database or Redis that cannot be reached is `503 {"error":"database_unavailable"}`
// (or `redis_unavailable`) with Retry-After, anything else `500 {"error":"internal"}`, and the
// real error goes to the log.

export function route<Context extends unknown[]>(
  handler: (request: Request, ...context: Context) => Response | Promise<Response>,
): (request: Request, ...context: Context) => Promise<Response> {
  return async (request, ...context) => {
    try {
      return await handler(request, ...context);
    } catch (error) {
      unstable_rethrow(error); // Next.js's own control flow (redirect, notFound) is not a failure
      return failed(request, error);
    }
  };
}

/** The answer to a request whose handler threw. */
export function failed(request: Request, error: unknown): Response {
  const path = new URL(request.url).pathname;
  const unavailable = unavailableStore(error);
  if (unavailable) {
    log.warn(`${unavailable}_unavailable`, { path, error: describe(error) });
    return errorResponse(`${unavailable}_unavailable`, `The ${unavailable === 'database' ? 'database' : 'shared state store'} cannot be reached; retry in a moment`, undefined, {
      'retry-after': '5',
    });
  }
  log.error('route_failed', { path, error });
  return errorResponse('internal', 'Internal server error');
}

const DATABASE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'P1001', 'P1002', 'P1017', 'P2024']);

/** Which store a failure comes from when it is one that cannot be reached, else undefined. */
export function unavailableStore(error: unknown): 'database' | 'redis' | undefined {
  const chain: Array<Record<string, unknown>> = [];
  for (let current = error; current && typeof current === 'object' && chain.length < 10; current = (current as { cause?: unknown }).cause) {
    chain.push(current as Record<string, unknown>);
  }
  const text = chain.map((e) => `${String(e.name)}: ${String(e.message)}`).join(' | ');
  // ioredis, once a command has waited for its one reconnection or its answer (lib/ops/redis.ts).
  if (/max retries per request limit|Connection is closed|Stream isn't writeable|Command timed out|RedisUnavailableError/i.test(text)) return 'redis';
  const codes = chain.flatMap((e) => [e.code, e.kind, e.errorCode, (e.cause as Record<string, unknown> | undefined)?.kind]);
  if (codes.some((code) => typeof code === 'string' && DATABASE_CODES.has(code))) return 'database';
  if (/DatabaseNotReachable|ConnectionClosed|Can't reach database|Connection terminated|ECONNREFUSED|ECONNRESET|connection timeout/i.test(text)) {
    return 'database';
  }
  return undefined;
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
