import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { RunningApp } from './app';

// Accounts for API tests, made the way a person or a program makes them: sign up over HTTP, sign
// in through next-auth's credentials flow (cookie), create an API key with that cookie.

export interface TestUser {
  email: string;
  password: string;
  /** The session cookie header next-auth set at sign-in. */
  cookie: string;
  /** A fresh API key of this user's. */
  key: string;
  /** Headers that authenticate by API key. */
  bearer: Record<string, string>;
}

/** `via`: headers every request carries, such as the X-Forwarded-For of a proxy in front. */
export async function signUp(app: RunningApp, email: string, password: string, via: Record<string, string> = {}): Promise<Response> {
  return fetch(`${app.url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...via },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in with email and password; returns the cookie header, or undefined when refused. */
export async function signIn(
  app: RunningApp,
  email: string,
  password: string,
  via: Record<string, string> = {},
): Promise<string | undefined> {
  const jar = cookiesOf(await signInSetCookies(app, email, password, via));
  // Named `__Secure-next-auth.session-token` when the app is served over https.
  return [...jar.keys()].some((name) => name.endsWith('next-auth.session-token')) ? header(jar) : undefined;
}

/** next-auth's credentials flow (its CSRF token, then the callback): every Set-Cookie line it answered. */
export async function signInSetCookies(
  app: RunningApp,
  email: string,
  password: string,
  via: Record<string, string> = {},
): Promise<string[]> {
  const csrf = await fetch(`${app.url}/api/auth/csrf`, { headers: via });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const response = await fetch(`${app.url}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(cookiesOf(csrf.headers.getSetCookie())), ...via },
    body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
  });
  await response.body?.cancel();
  return [...csrf.headers.getSetCookie(), ...response.headers.getSetCookie()];
}

export async function createKey(app: RunningApp, auth: Record<string, string>, name = 'tests'): Promise<{ id: string; key: string }> {
  const response = await fetch(`${app.url}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ name }),
  });
  assert.equal(response.status, 201, `creating a key: ${await response.clone().text()}`);
  return (await response.json()) as { id: string; key: string };
}

export async function newUser(app: RunningApp, via: Record<string, string> = {}): Promise<TestUser> {
  const email = `user-${randomBytes(5).toString('hex')}@example.com`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  assert.equal((await signUp(app, email, password, via)).status, 202);
  const cookie = await signIn(app, email, password, via);
  assert.ok(cookie, 'sign-in set a session cookie');
  const { key } = await createKey(app, { cookie, ...via });
  return { email, password, cookie, key, bearer: { authorization: `Bearer ${key}` } };
}

/** name → value of Set-Cookie lines; a later line replaces an earlier one of the same name. */
function cookiesOf(lines: string[]): Map<string, string> {
  const jar = new Map<string, string>();
  for (const line of lines) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return jar;
}

/** The cookies a response set, as a request's `cookie` header. */
export const cookieHeader = (response: Response) => header(cookiesOf(response.headers.getSetCookie()));

const header = (jar: Map<string, string>) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
