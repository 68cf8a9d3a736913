import type { NextFetchEvent } from 'next/server';
import { withAuth, type NextRequestWithAuth } from 'next-auth/middleware';
import { authSecret } from './lib/auth/secret';

// Pages need a signed-in user: without one, the visit goes to /sign-in. API routes are not
// matched here; they answer 401 JSON from their own guard (lib/auth/guard.ts).
export function proxy(request: NextRequestWithAuth, event: NextFetchEvent) {
  // Built per request so the secret is read at run time, never baked in by the build.
  return withAuth({ pages: { signIn: '/sign-in' }, secret: authSecret() })(request, event);
}

export const config = {
  matcher: ['/((?!api/|_next/|favicon.svg|sign-in|sign-up).*)'],
};
