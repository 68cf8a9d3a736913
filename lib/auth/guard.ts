import { getToken } from 'next-auth/jwt';
import type { NextRequest } from 'next/server';
import { userByApiKey, userBySession, type AuthUser } from '../db/users';
import { env } from '../env';
import { AppError } from '../errors';
import { servedOverHttps } from './cookies';
import { authSecret } from './secret';

/** `sessionId`: the signed-in session, when the cookie (not an API key) authenticated the request. */
export type Guarded = AuthUser & { sessionId?: string };

/**
 * The one check every protected route handler runs first: an API key (`Authorization: Bearer
 * sk_…`) or the session cookie names a user, else `unauthorized` (a 401, never a redirect). A request that
 * sends a key is judged by the key alone. A request that the cookie authenticates must come from
 * the app's own pages or a listed origin (`403 cross_site_request`): a browser sends the cookie
 * with requests another site starts (a form, a link, a script on a sibling subdomain or another
 * port, which SameSite counts as the same site), and those must not spend or change anything.
 */
export async function requireUser(request: Request): Promise<Guarded> {
  const authorization = request.headers.get('authorization');
  if (authorization !== null) {
    const key = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const user = key ? await userByApiKey(key) : undefined;
    if (!user) throw denied('The API key is not valid or has been revoked');
    return user;
  }
  const token = await getToken({ req: request as NextRequest, secret: authSecret(), secureCookie: servedOverHttps(request.headers) });
  if (token?.sub && crossSite(request)) {
    throw new AppError('cross_site_request', 'A signed-in request must come from this app or an origin listed in CORS_ORIGINS');
  }
  // The cookie counts while the session it names lives (signed out, revoked or past its end: 401).
  const sessionId = typeof token?.sid === 'string' ? token.sid : undefined;
  const user = sessionId ? await userBySession(sessionId) : undefined;
  if (!user) throw denied('Sign in, or send Authorization: Bearer <API key>');
  return { ...user, sessionId };
}

let listed: ReadonlySet<string> | undefined;

/**
 * Whether the browser says another origin started the request: by `Origin` when it sends one
 * (the app's own host, NEXTAUTH_URL's origin or one in CORS_ORIGINS pass), else by
 * `Sec-Fetch-Site` (same-origin, or none for an address typed or bookmarked, pass). A client
 * that sends neither is not a browser, and nothing else can make it send the cookie.
 */
function crossSite(request: Request): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) {
    listed ??= new Set([...env.CORS_ORIGINS, ...(env.NEXTAUTH_URL ? [new URL(env.NEXTAUTH_URL).origin] : [])]);
    return !listed.has(origin) && hostOf(origin) !== request.headers.get('host');
  }
  const site = request.headers.get('sec-fetch-site');
  return site !== null && site !== 'same-origin' && site !== 'none';
}

/** `host[:port]` of an origin; behind a TLS proxy the app sees http while the page is https. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

const denied = (detail: string) => new AppError('unauthorized', detail, { headers: { 'www-authenticate': 'Bearer' } });
