import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { AppError } from '../errors';
import { limitAuthAttempt } from '../admission/rate-limits';
import { clientAddress } from '../http/client';
import { readCapped } from '../http/input';
import { authOptions } from './options';

// next-auth's own routes (sign-in, callback, session, csrf, sign-out, at app/api/auth/[...nextauth]),
// with what next-auth leaves out: password sign-ins count against the address's attempts, and
// input it would answer with a 500 is refused as the client's error.

export type NextAuthContext = { params: Promise<{ nextauth: string[] }> };

const BAD_CALLBACK_URL = 'callbackUrl: must be a path or an http(s) URL';

/**
 * next-auth's action, as next-auth itself reads it: from the route's decoded segments, so
 * `cr%65dentials` is `credentials` here too. Judged by path text, another spelling of a path
 * would pass the limit and reach the same handler.
 */
async function actionOf(context: NextAuthContext): Promise<{ action?: string; provider?: string }> {
  const [action, provider] = (await context.params).nextauth;
  return { action, provider };
}

/** A credentials sign-in: the attempts that must count against the address's limit. */
const isSignIn = ({ action }: { action?: string }) => action === 'callback' || action === 'signin';

/** Any request to next-auth's routes, the GETs and (through `nextAuthPost`) the POSTs. */
export async function nextAuth(request: Request, context: NextAuthContext): Promise<Response> {
  // next-auth answers a GET to the credentials callback (sign-in is a POST) with a 500.
  const { action, provider } = await actionOf(context);
  if (request.method === 'GET' && action === 'callback' && provider === 'credentials') {
    throw new AppError('method_not_allowed', 'Sign in with POST', { headers: { allow: 'POST' } });
  }
  refuseCallbackUrl(request);
  return NextAuth(authOptions(request.headers))(request, context);
}

/** A sign-in form or JSON is a few hundred bytes; anything this big is refused before next-auth reads it. */
const AUTH_BODY_LIMIT = 64 * 1024;

/** Password sign-ins count against the address's attempts, so passwords cannot be guessed at speed. */
export async function nextAuthPost(request: Request, context: NextAuthContext): Promise<Response> {
  if (isSignIn(await actionOf(context))) {
    await limitAuthAttempt(clientAddress(request));
  }
  // Read once, within the limit; next-auth then reads this copy.
  const text = await readCapped(request, AUTH_BODY_LIMIT);
  if (text === undefined) throw new AppError('payload_too_large', `The body is larger than ${AUTH_BODY_LIMIT} bytes`);
  const copy = new NextRequest(request.url, { method: 'POST', headers: request.headers, body: text });
  refuseBody(copy.headers.get('content-type') ?? '', text, copy.url);
  return nextAuth(copy, context);
}

/**
 * The body as next-auth reads it (JSON or a form): next-auth answers JSON it cannot parse, or a
 * body `callbackUrl` that is not a URL, with a 500; both are the client's input, so 400s here.
 */
function refuseBody(type: string, text: string, url: string): void {
  let body: unknown;
  if (type.includes('application/json')) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new AppError('invalid_json', 'The body is not valid JSON');
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  const callbackUrl = body && typeof body === 'object' ? (body as { callbackUrl?: unknown }).callbackUrl : undefined;
  if (
    callbackUrl !== undefined &&
    callbackUrl !== '' &&
    (typeof callbackUrl !== 'string' || !isHttpUrl(callbackUrl, new URL(url).origin))
  ) {
    throw new AppError('invalid_parameter', BAD_CALLBACK_URL, { field: 'callbackUrl' });
  }
}

/**
 * next-auth answers a `callbackUrl` (query or cookie) that is not an http(s) URL or a path with
 * a 500 "server configuration" error; it is the client's input, so it is a 400 here.
 */
function refuseCallbackUrl(request: Request): void {
  const url = new URL(request.url);
  const given = url.searchParams.getAll('callbackUrl');
  if (given.length > 1 || (given[0] !== undefined && given[0] !== '' && !isHttpUrl(given[0], url.origin))) {
    throw new AppError('invalid_parameter', BAD_CALLBACK_URL, { field: 'callbackUrl' });
  }
  const cookie = /(?:^|;\s*)(?:__Secure-)?next-auth\.callback-url=([^;]*)/.exec(request.headers.get('cookie') ?? '')?.[1];
  if (cookie && !isHttpUrl(safeDecode(cookie), url.origin)) {
    throw new AppError('invalid_parameter', 'The next-auth.callback-url cookie must be a path or an http(s) URL', { field: 'cookie' });
  }
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
