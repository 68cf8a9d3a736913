import type { NextFetchEvent } from 'next/server';
import { withAuth, type NextRequestWithAuth } from 'next-auth/middleware';
import { authSecret } from './lib/auth/secret';
import { env } from './lib/env';
import { allowedOrigins, cors } from './lib/http/cors';

// Every request but Next.js's own assets passes here.
// - /api/*: CORS (lib/http/cors.ts). No auth redirect: routes answer 401 JSON from their own
//   guard (lib/auth/guard.ts).
// - Pages: without a session, a redirect to /sign-in (except the sign-in and sign-up pages).

const PUBLIC_PAGES = /^\/(sign-in|sign-up)(\/|$)/;

let origins: ReadonlySet<string> | undefined;

export async function proxy(request: NextRequestWithAuth, event: NextFetchEvent) {
  const { pathname } = request.nextUrl;
  if (pathname === '/api' || pathname.startsWith('/api/')) {
    origins ??= allowedOrigins(env.CORS_ORIGINS);
    return cors(request, origins);
  }
  if (PUBLIC_PAGES.test(pathname)) return;
  // Built per request so the secret is read at run time, never baked in by the build.
  return withAuth({ pages: { signIn: '/sign-in' }, secret: authSecret() })(request, event);
}

export const config = {
  matcher: ['/((?!_next/|favicon.svg).*)'],
};
