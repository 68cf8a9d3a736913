import { NextResponse, type NextFetchEvent } from 'next/server';
import { withAuth, type NextRequestWithAuth } from 'next-auth/middleware';
import { servedOverHttps, sessionCookieName } from './lib/auth/cookies';
import { authSecret } from './lib/auth/secret';
import { env } from './lib/env';
import { cors } from './lib/http/cors';
import { errorResponse } from './lib/http/errors';
import { contentSecurityPolicy, newNonce } from './lib/http/security-headers';

// Pages, and API requests that carry an Origin, pass here (the security headers every response
// carries are set by the router: next.config.ts).
// - /api/*: CORS (lib/http/cors.ts). Only browsers send an Origin, and CORS is only for them, so
//   programs calling the API (curl, scripts, servers) skip the proxy and its cost per request. No
//   auth redirect: routes answer 401 JSON from their own guard (lib/auth/guard.ts).
// - Pages: GET and HEAD only (405 JSON otherwise); a Content-Security-Policy with a fresh nonce (lib/http/security-headers.ts), and
//   without a session a redirect to /sign-in (except the sign-in and sign-up pages themselves,
//   and the API reference, which describes a public document).

const PUBLIC_PAGES = /^\/(sign-in|sign-up|docs)(\/|$)/;

let origins: ReadonlySet<string> | undefined;

export async function proxy(request: NextRequestWithAuth, event: NextFetchEvent) {
  const { pathname } = request.nextUrl;
  if (pathname === '/api' || pathname.startsWith('/api/')) {
    origins ??= new Set(env.CORS_ORIGINS);
    return cors(request, origins);
  }

  // Pages are read, never posted to: the app has no Server Actions, and Next.js would answer a
  // POST to a page (`/api/%2e%2e` is `/`) as a Server Action it cannot find, in plain text.
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse('method_not_allowed', 'Pages answer GET only', undefined, { allow: 'GET, HEAD' });
  }

  const csp = contentSecurityPolicy(newNonce());
  // Next.js takes the nonce for its scripts from the policy on the request.
  const headers = new Headers(request.headers);
  headers.set('content-security-policy', csp);
  const render = () => NextResponse.next({ request: { headers } });

  const response = PUBLIC_PAGES.test(pathname)
    ? render()
    : // Built per request so the secret is read at run time, never baked in by the build.
      ((await withAuth(render, {
        pages: { signIn: '/sign-in' },
        secret: authSecret(),
        cookies: { sessionToken: { name: sessionCookieName(servedOverHttps(request.headers)) } },
      })(request, event)) ?? render());
  response.headers.set('content-security-policy', csp);
  return response;
}

export const config = {
  matcher: [{ source: '/api/:path*', has: [{ type: 'header', key: 'origin' }] }, '/((?!_next/|favicon.svg|api(?:/|$)).*)'],
};
