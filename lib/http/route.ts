import { unstable_rethrow } from 'next/navigation';
import { AppError, unavailableStore } from '../errors';
import { log } from '../log';
import { appErrorResponse, errorResponse } from './errors';

// Every route handler runs inside `route`, the one place an error becomes an HTTP answer: an
// AppError is its code's status and JSON; a database or Redis that cannot be reached is
// `503 {"error":"database_unavailable"}` (or `redis_unavailable`) with Retry-After; anything else
// `500 {"error":"internal"}`, and the real error goes to the log.

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
function failed(request: Request, error: unknown): Response {
  if (error instanceof AppError) return appErrorResponse(error);
  const path = new URL(request.url).pathname;
  const unavailable = unavailableStore(error);
  if (unavailable) {
    log.warn(`${unavailable}_unavailable`, { path, error: describe(error) });
    const store = unavailable === 'database' ? 'database' : 'shared state store';
    return errorResponse(`${unavailable}_unavailable`, `The ${store} cannot be reached; retry in a moment`, undefined, {
      'retry-after': '5',
    });
  }
  log.error('route_failed', { path, error });
  return errorResponse('internal', 'Internal server error');
}

const describe = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
