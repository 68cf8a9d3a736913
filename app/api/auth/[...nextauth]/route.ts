import NextAuth from 'next-auth';
import { limitAuthAttempt } from '@/lib/http/admission';
import { authOptions } from '@/lib/auth/options';
import { errorResponse } from '@/lib/http/errors';
import { route } from '@/lib/http/route';

type Context = { params: Promise<{ nextauth: string[] }> };

// next-auth's own routes: sign-in, callback, session, csrf, sign-out.
function handler(request: Request, context: Context) {
  // next-auth answers a GET to the credentials callback (sign-in is a POST) with a 500.
  if (request.method === 'GET' && new URL(request.url).pathname.endsWith('/callback/credentials')) {
    return errorResponse('method_not_allowed', 'Sign in with POST', undefined, { allow: 'POST' });
  }
  return refuseCallbackUrl(request) ?? NextAuth(authOptions())(request, context);
}

/** Password sign-ins count against the address's attempts, so passwords cannot be guessed at speed. */
async function post(request: Request, context: Context) {
  if (new URL(request.url).pathname.endsWith('/callback/credentials')) {
    const limited = await limitAuthAttempt(request);
    if (limited) return limited;
  }
  return (await refuseBody(request)) ?? handler(request, context);
}

/**
 * The body as next-auth reads it (JSON or a form): next-auth answers JSON it cannot parse, or a
 * body `callbackUrl` that is not a URL, with a 500; both are the client's input, so 400s here.
 */
async function refuseBody(request: Request): Promise<Response | undefined> {
  const type = request.headers.get('content-type') ?? '';
  let body: unknown;
  if (type.includes('application/json')) {
    try {
      body = await request.clone().json();
    } catch {
      return errorResponse('invalid_json', 'The body is not valid JSON');
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(await request.clone().text()));
  }
  const callbackUrl = body && typeof body === 'object' ? (body as { callbackUrl?: unknown }).callbackUrl : undefined;
  if (callbackUrl !== undefined && callbackUrl !== '' && (typeof callbackUrl !== 'string' || !isHttpUrl(callbackUrl, new URL(request.url).origin))) {
    return errorResponse('invalid_parameter', 'callbackUrl: must be a path or an http(s) URL', 'callbackUrl');
  }
  return undefined;
}

/**
 * next-auth answers a `callbackUrl` (query or cookie) that is not an http(s) URL or a path with
 * a 500 "server configuration" error; it is the client's input, so it is a 400 here.
 */
function refuseCallbackUrl(request: Request): Response | undefined {
  const url = new URL(request.url);
  const given = url.searchParams.getAll('callbackUrl');
  if (given.length > 1 || (given[0] !== undefined && given[0] !== '' && !isHttpUrl(given[0], url.origin))) {
    return errorResponse('invalid_parameter', 'callbackUrl: must be a path or an http(s) URL', 'callbackUrl');
  }
  const cookie = /(?:^|;\s*)(?:__Secure-)?next-auth\.callback-url=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1];
  if (cookie && !isHttpUrl(safeDecode(cookie), url.origin)) {
    return errorResponse('invalid_parameter', 'The next-auth.callback-url cookie must be a path or an http(s) URL', 'cookie');
  }
  return undefined;
}

// The same test next-auth applies (core/lib/assert.js).
function isHttpUrl(value: string, base: string): boolean {
  try {
    return /^https?:/.test(new URL(value, value.startsWith('/') ? base : undefined).protocol);
  } catch {
    return false;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export const GET = route(handler);
export const POST = route(post);
