import { NextResponse } from 'next/server';
import { errorResponse } from './errors';

// CORS for /api/*: browsers on the origins in CORS_ORIGINS may call the API, with credentials
// (the session cookie or an API key); every other origin gets no CORS headers at all, so the
// browser keeps their pages from reading anything. Programs that send no Origin are not affected.

const ALLOW_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type, accept';
/** Response headers a page on a listed origin may read besides the CORS-safelisted ones. */
const EXPOSE_HEADERS = 'x-session-id, x-streamwright-model, x-report-id, x-request-id, retry-after';
/** How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 7200). */
const MAX_AGE = '600';

/** A browser's preflight: OPTIONS announcing the method of the request it wants to send. */
function isPreflight(request: Request): boolean {
  return request.method === 'OPTIONS' && request.headers.has('origin') && request.headers.has('access-control-request-method');
}

/**
 * The proxy's answer for an /api/* request: a preflight is answered here (204 for a listed
 * origin, 403 `cors_forbidden` otherwise, neither with a route behind it); any other request
 * goes on to its route with the CORS headers its origin earns, which Next.js adds to the route's
 * response, streamed ones included.
 */
export function cors(request: Request, allowed: ReadonlySet<string>): Response {
  const origin = request.headers.get('origin');
  const listed = origin !== null && allowed.has(origin);

  if (isPreflight(request)) {
    if (!listed) {
      const refused = errorResponse('cors_forbidden', `Origin ${origin} may not call this API`);
      refused.headers.set('vary', 'Origin');
      return refused;
    }
    return new Response(null, {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-max-age': MAX_AGE,
        vary: 'Origin',
      },
    });
  }

  const response = NextResponse.next();
  // With an allow-list, answers differ by Origin; caches must keep them apart.
  if (allowed.size > 0) response.headers.set('vary', 'Origin');
  if (listed) {
    response.headers.set('access-control-allow-origin', origin);
    response.headers.set('access-control-allow-credentials', 'true');
    response.headers.set('access-control-expose-headers', EXPOSE_HEADERS);
  }
  return response;
}
