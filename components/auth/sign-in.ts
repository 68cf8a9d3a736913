'use client';

import { getCsrfToken } from 'next-auth/react';

const EXPIRED = 'The form has expired. Reload the page and try again.';

export type Outcome = { ok: true } | { ok: false; message: string };

/**
 * next-auth's credentials sign-in, read the way this app answers it. next-auth's own `signIn()`
 * expects a redirect URL in every answer and throws on the sign-in limit's 429 JSON, leaving the
 * form stuck; here a 429 says how long to wait, and a network failure says so.
 */
export async function signInWithPassword(email: string, password: string): Promise<Outcome> {
  const csrfToken = await getCsrfToken().catch(() => undefined);
  if (!csrfToken) return { ok: false, message: EXPIRED };
  const response = await fetch('/api/auth/callback/credentials', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  }).catch(() => undefined);
  if (!response) return { ok: false, message: 'The server could not be reached. Check the connection and try again.' };
  // next-auth answers a refused password with 401 and the same `{url}` (naming the error).
  if (!response.ok && response.status !== 401) return { ok: false, message: await refusal(response) };
  const { url } = (await response.json().catch(() => ({}))) as { url?: string };
  const answer = url ? new URL(url, window.location.origin) : undefined;
  // A refused CSRF token is a 200 that sends the browser back to next-auth's sign-in page.
  if (answer?.searchParams.has('csrf')) return { ok: false, message: EXPIRED };
  const failed = !response.ok || !answer || answer.searchParams.has('error');
  return failed ? { ok: false, message: 'That email and password do not match an account.' } : { ok: true };
}

/** A refused request's sentence for a form: its `detail`, with the wait a 429 gives in words. */
export async function refusal(response: Response): Promise<string> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; detail?: string };
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return `Too many attempts from this address. ${seconds > 0 ? `Try again in ${waitInWords(seconds)}.` : 'Try again later.'}`;
  }
  return readableDetail(body.detail) ?? 'Something went wrong; try again.';
}

/** `password: must be …` becomes `Password must be …`. */
function readableDetail(detail: string | undefined): string | undefined {
  if (!detail) return undefined;
  const field = /^(\w+): (.*)$/.exec(detail);
  if (!field) return detail;
  const name = field[1]!.replace(/_/g, ' ');
  return `${name[0]!.toUpperCase()}${name.slice(1)} ${field[2]}.`.replace(/\.\.$/, '.');
}

function waitInWords(seconds: number): string {
  if (seconds < 90) return `${Math.ceil(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
