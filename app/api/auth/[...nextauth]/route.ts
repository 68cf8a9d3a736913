import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { limitAuthAttempt } from '@/lib/admission/rate-limits';
import { clientAddress } from '@/lib/http/client';
import { authOptions } from '@/lib/auth/options';
import { errorResponse } from '@/lib/http/errors';
import { readCapped } from '@/lib/http/input';
import { route } from '@/lib/http/route';

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's action, as next-auth itself reads it: from the route's decoded segments, so
 * `cr%65dentials` is `credentials` here too. Judged by path text, another spelling of a path
 * would pass the limit and reach the same handler.
 */
async function actionOf(context: Context): Promise<{ action?: string; provider?: string }> {
  const [action, provider] = (await context.params).nextauth;
  return { action, provider };
}

/** A credentials sign-in: the attempts that must count against the address's limit. */
const isSignIn = ({ action }: { action?: string }) => action === 'callback' || action === 'signin';

// next-auth's own routes: sign-in, callback, session, csrf, sign-out.
async function handler(request: Request, context: Context) {
  // next-auth answers a GET to the credentials callback (sign-in is a POST) with a 500.
  const { action, provider } = await actionOf(context);
  if (request.method === 'GET' && action === 'callback' && provider === 'credentials') {
    return errorResponse('method_not_allowed', 'Sign in with POST', undefined, { allow: 'POST' });
  }
  return refuseCallbackUrl(request) ?? NextAuth(authOptions(request.headers))(request, context);
}

/** A sign-in form or JSON is a few hundred bytes; anything this big is refused before next-auth reads it. */
const AUTH_BODY_LIMIT = 64 * 1024;

/** Password sign-ins count against the address's attempts, so passwords cannot be guessed at speed. */
async function post(request: Request, context: Context) {
  if (isSignIn(await actionOf(context))) {
    await limitAuthAttempt(clientAddress(request));
  }
  // Read once, within the limit; next-auth then reads this copy.
  const text = await readCapped(request, AUTH_BODY_LIMIT);
  if (text === undefined) return errorResponse('payload_too_large', `The body is larger than ${AUTH_BODY_LIMIT} bytes`);
  const copy = new NextRequest(request.url, { method: 'POST', headers: request.headers, body: text });
  return refuseBody(copy.headers.get('content-type') ?? '', text, copy.url) ?? handler(copy, context);
}

/**
 * The body as next-auth reads it (JSON or a form): next-auth answers JSON it cannot parse, or a
 * body `callbackUrl` that is not a URL, with a 500; both are the client's input, so 400s here.
 */
function refuseBody(type: string, text: string, url: string): Response | undefined {
  let body: unknown;
  if (type.includes('application/json')) {
    try {
      body = JSON.parse(text);
    } catch {
      return errorResponse('invalid_json', 'The body is not valid JSON');
    }
  } else if (type.includes('application/x-www-form-urlencoded')) {
    body = Object.fromEntries(new URLSearchParams(text));
  }
  const callbackUrl = body && typeof body === 'object' ? (body as { callbackUrl?: unknown }).callbackUrl : undefined;
  if (callbackUrl !== undefined && callbackUrl !== '' && (typeof callbackUrl !== 'string' || !isHttpUrl(callbackUrl, new URL(url).origin))) {
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
