import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createClient } from '@libsql/client';
import { encode } from 'next-auth/jwt';
import { startApp, type RunningApp } from '../support/app';
import { fetchFrames } from '../support/sse';
import { newUser, signIn, signInSetCookies, signUp, type TestUser } from '../support/users';

// Sign-up, sign-in and sign-out with next-auth, and the one guard in front of every route.

// Which routes need credentials, and the 401 they answer without, is in route-tree.test.ts.

describe('sign-in and the route guard', () => {
  let app: RunningApp;
  let user: TestUser;

  before(async () => {
    app = await startApp({});
    user = await newUser(app);
  });
  after(async () => app?.stop());

  test('a page without a session redirects to sign-in; with one it shows the user', async () => {
    const anonymous = await fetch(`${app.url}/`, { redirect: 'manual' });
    assert.equal(anonymous.status, 307);
    assert.equal(anonymous.headers.get('location'), '/sign-in?callbackUrl=%2F');
    assert.equal((await fetch(`${app.url}/sign-in`)).status, 200);

    const signedIn = await fetch(`${app.url}/`, { headers: { cookie: user.cookie } });
    assert.equal(signedIn.status, 200);
    assert.match(await signedIn.text(), new RegExp(user.email));
  });

  test('the session cookie and an API key each authenticate the streaming endpoints', async () => {
    for (const headers of [{ cookie: user.cookie }, user.bearer]) {
      const { status, frames } = await fetchFrames(`${app.url}/api/stream/text?q=hi&max_tokens=2`, { headers });
      assert.equal(status, 200);
      assert.equal(frames.at(-1)?.event, 'done');
    }
  });

  test('a wrong or malformed key is refused even beside a valid cookie', async () => {
    for (const authorization of ['Bearer sk_not-a-real-key', 'Basic dXNlcjpwYXNz', 'Bearer']) {
      const response = await fetch(`${app.url}/api/me`, { headers: { authorization, cookie: user.cookie } });
      assert.equal(response.status, 401, authorization);
      assert.equal(((await response.json()) as { detail: string }).detail, 'The API key is not valid or has been revoked');
    }
  });

  test('sign-up answers a taken email exactly as a new one, and the taken account stays as it was', async () => {
    const fresh = `fresh-${Date.now()}@example.com`;
    const answers = [];
    for (const email of [fresh, user.email, user.email.toUpperCase()]) {
      const response = await signUp(app, email, 'another-password');
      answers.push({ status: response.status, type: response.headers.get('content-type'), body: await response.json() });
    }
    const sameAnswer = (email: string) => ({
      status: 202,
      type: 'application/json',
      body: { email, detail: 'Sign in with this email and password to continue' },
    });
    // Emails compare case-insensitively, so the upper-case spelling is the taken account too.
    assert.deepEqual(answers, [sameAnswer(fresh), sameAnswer(user.email), sameAnswer(user.email)]);
    // The real outcome comes from signing in: the new account opens, the taken one does not
    // take the second password, and its owner's password still works.
    assert.ok(await signIn(app, fresh, 'another-password'));
    assert.equal(await signIn(app, user.email, 'another-password'), undefined);
    assert.ok(await signIn(app, user.email, user.password));
  });

  test('sign-up checks its input', async () => {
    const short = await signUp(app, 'short@example.com', 'short');
    assert.equal(short.status, 400);
    assert.deepEqual(await short.json(), {
      error: 'invalid_parameter',
      detail: 'password: must be at least 12 characters',
      field: 'password',
    });
    assert.equal((await signUp(app, 'not-an-email', 'long enough password')).status, 400);
  });

  test('a wrong password gets no session', async () => {
    assert.equal(await signIn(app, user.email, 'wrong password'), undefined);
    assert.equal(await signIn(app, 'nobody@example.com', user.password), undefined);
  });

  test('keys are listed by prefix and last use only, never in full', async () => {
    const response = await fetch(`${app.url}/api/keys`, { headers: { cookie: user.cookie } });
    const { keys } = (await response.json()) as { keys: Array<Record<string, unknown>> };
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]!).sort(), ['created_at', 'id', 'last_used_at', 'name', 'prefix']);
    assert.ok(user.key.startsWith(String(keys[0]!.prefix)));
    assert.ok(!JSON.stringify(keys).includes(user.key));
  });

  test('a body too big for a sign-in form is refused before next-auth reads it', async () => {
    for (const path of ['/api/auth/signout', '/api/auth/callback/credentials']) {
      const response = await fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `csrfToken=${'x'.repeat(100 * 1024)}`,
      });
      assert.equal(response.status, 413, path);
      assert.equal(((await response.json()) as { error: string }).error, 'payload_too_large');
    }
  });

  test("input next-auth would answer with a 500 is the client's error: 405, 413 or 400, each with its exact answer", async () => {
    const answer = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${app.url}${path}`, { redirect: 'manual', ...init });
      return {
        status: response.status,
        allow: response.headers.get('allow'),
        cache: response.headers.get('cache-control'),
        json: await response.json(),
      };
    };
    const form = (body: string, cookie?: string): RequestInit => ({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body,
    });
    const badCallback = { error: 'invalid_parameter', detail: 'callbackUrl: must be a path or an http(s) URL', field: 'callbackUrl' };
    const refused = (json: unknown, status = 400) => ({ status, allow: null, cache: 'no-store', json });

    assert.deepEqual(await answer('/api/auth/callback/credentials'), {
      status: 405,
      allow: 'POST',
      cache: 'no-store',
      json: { error: 'method_not_allowed', detail: 'Sign in with POST' },
    });
    assert.deepEqual(
      await answer('/api/auth/signout', form(`csrfToken=${'x'.repeat(65 * 1024)}`)),
      refused({ error: 'payload_too_large', detail: 'The body is larger than 65536 bytes' }, 413),
    );
    assert.deepEqual(
      await answer('/api/auth/signout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"csrfToken":' }),
      refused({ error: 'invalid_json', detail: 'The body is not valid JSON' }),
    );
    for (const callbackUrl of ['javascript:alert(1)', 'not a url', 'ftp://files.example/']) {
      assert.deepEqual(
        await answer('/api/auth/signout', form(new URLSearchParams({ callbackUrl }).toString())),
        refused(badCallback),
        `body ${callbackUrl}`,
      );
      const json = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callbackUrl }) };
      assert.deepEqual(await answer('/api/auth/signout', json), refused(badCallback), `JSON body ${callbackUrl}`);
      assert.deepEqual(
        await answer(`/api/auth/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`),
        refused(badCallback),
        `query ${callbackUrl}`,
      );
    }
    assert.deepEqual(
      await answer('/api/auth/signout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"callbackUrl":7}' }),
      refused(badCallback),
    );
    assert.deepEqual(await answer('/api/auth/signin?callbackUrl=%2Fa&callbackUrl=%2Fb'), refused(badCallback), 'two callbackUrl');
    assert.deepEqual(
      await answer('/api/auth/session', { headers: { cookie: 'next-auth.callback-url=javascript%3Aalert(1)' } }),
      refused({
        error: 'invalid_parameter',
        detail: 'The next-auth.callback-url cookie must be a path or an http(s) URL',
        field: 'cookie',
      }),
    );

    // What next-auth can read goes to it.
    for (const path of [
      '/api/auth/signin?callbackUrl=%2Fchat',
      '/api/auth/signin?callbackUrl=',
      `/api/auth/signin?callbackUrl=${encodeURIComponent(app.url)}`,
    ]) {
      assert.equal((await fetch(`${app.url}${path}`, { redirect: 'manual' })).status, 302, path);
    }
    const session = await fetch(`${app.url}/api/auth/session`, { headers: { cookie: 'next-auth.callback-url=%2Fchat' } });
    assert.deepEqual([session.status, await session.json()], [200, {}]);
  });

  /** Signs out through next-auth's form, as the sign-out button does. */
  async function signOut(cookie: string): Promise<Response> {
    const csrf = await fetch(`${app.url}/api/auth/csrf`, { headers: { cookie } });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const csrfCookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    return fetch(`${app.url}/api/auth/signout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookie}; ${csrfCookie}` },
      body: new URLSearchParams({ csrfToken, json: 'true' }),
    });
  }

  /** What a cookie still opens: the API, and whether /api/auth/session renews it. */
  async function assertEnded(cookie: string) {
    for (const [method, path] of [
      ['GET', '/api/me'],
      ['GET', '/api/sessions'],
      ['POST', '/api/keys'],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: { cookie, 'content-type': 'application/json' },
        body: method === 'POST' ? '{"name":"kept"}' : undefined,
      });
      assert.equal(response.status, 401, `${method} ${path}`);
    }
    const session = await fetch(`${app.url}/api/auth/session`, { headers: { cookie } });
    assert.deepEqual(await session.json(), {}, 'no session for the cookie');
    const renewed = session.headers.getSetCookie().filter((c) => /next-auth\.session-token=[^;]/.test(c));
    assert.deepEqual(renewed, [], 'the cookie is not renewed');
  }

  test('sign-out clears the cookie and ends the session on the server; the other sessions go on', async () => {
    const cookie = await signIn(app, user.email, user.password);
    assert.ok(cookie);
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie } })).status, 200);
    const response = await signOut(cookie);
    const cleared = response.headers.getSetCookie().find((c) => c.startsWith('next-auth.session-token='));
    assert.ok(cleared, 'the response resets the session cookie');
    assert.match(cleared, /^next-auth\.session-token=;/);
    assert.match(cleared, /Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    await assertEnded(cookie);
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie: user.cookie } })).status, 200, 'another sign-in is not affected');
  });

  test('a session ends at its end however often its cookie is refreshed', async () => {
    const other = await newUser(app);
    const refreshed = await fetch(`${app.url}/api/auth/session`, { headers: { cookie: other.cookie } });
    assert.equal(((await refreshed.json()) as { user?: { email?: string } }).user?.email, other.email);
    const renewed = refreshed.headers.getSetCookie().find((c) => /next-auth\.session-token=[^;]/.test(c));
    assert.ok(renewed, 'a live session is renewed');
    const newCookie = `next-auth.session-token=${renewed.split(';')[0]!.split('=').slice(1).join('=')}`;
    // Its stored end reached (as 30 days after sign-in would): both cookies are refused.
    const database = createClient({ url: app.databaseUrl });
    await database.execute({
      sql: 'UPDATE AuthSession SET expiresAt = createdAt WHERE userId = (SELECT id FROM User WHERE email = ?)',
      args: [other.email],
    });
    database.close();
    await assertEnded(other.cookie);
    await assertEnded(newCookie);
    assert.equal((await fetch(`${app.url}/api/me`, { headers: other.bearer })).status, 200, 'API keys are not sessions');
  });

  test('sign out everywhere ends every session of the user, and only theirs; API keys go on', async () => {
    const other = await newUser(app);
    const second = await signIn(app, other.email, other.password);
    assert.ok(second);
    const ended = await fetch(`${app.url}/api/me/sign-out-everywhere`, { method: 'POST', headers: { cookie: second, origin: app.url } });
    assert.equal(ended.status, 204);
    await assertEnded(other.cookie);
    await assertEnded(second);
    assert.equal((await fetch(`${app.url}/api/me`, { headers: other.bearer })).status, 200, 'API keys are not sessions');
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie: user.cookie } })).status, 200, 'another user is not affected');
  });

  test('changing the password needs the current one, then ends every other session; this one and API keys go on', async () => {
    const other = await newUser(app);
    const second = await signIn(app, other.email, other.password);
    assert.ok(second);
    const change = (body: unknown) =>
      fetch(`${app.url}/api/me/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: other.cookie, origin: app.url },
        body: JSON.stringify(body),
      });

    const wrong = await change({ current_password: 'not the password', new_password: 'a new long password' });
    assert.equal(wrong.status, 400);
    assert.deepEqual(await wrong.json(), {
      error: 'invalid_parameter',
      detail: "current_password: is not the account's password",
      field: 'current_password',
    });
    const short = await change({ current_password: other.password, new_password: 'short' });
    assert.deepEqual(await short.json(), {
      error: 'invalid_parameter',
      detail: 'new_password: must be at least 12 characters',
      field: 'new_password',
    });
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie: second } })).status, 200, 'a refused change ends nothing');
    assert.ok(await signIn(app, other.email, other.password), 'a refused change keeps the password');

    const changed = await change({ current_password: other.password, new_password: 'a new long password' });
    assert.equal(changed.status, 204);
    await assertEnded(second);
    const me = await fetch(`${app.url}/api/me`, { headers: { cookie: other.cookie } });
    assert.equal(me.status, 200, 'the browser that changed it stays signed in');
    assert.equal(((await me.json()) as { email: string }).email, other.email);
    assert.equal(await signIn(app, other.email, other.password), undefined, 'the old password no longer signs in');
    assert.ok(await signIn(app, other.email, 'a new long password'));
    assert.equal((await fetch(`${app.url}/api/me`, { headers: other.bearer })).status, 200, 'API keys are not sessions');
    assert.equal((await fetch(`${app.url}/api/me`, { headers: { cookie: user.cookie } })).status, 200, 'another user is not affected');
  });

  test('a signed cookie from before sessions were stored (no session id) is refused', async () => {
    const { id } = (await (await fetch(`${app.url}/api/me`, { headers: user.bearer })).json()) as { id: string };
    const token = await encode({ token: { sub: id, email: user.email }, secret: app.authSecret });
    await assertEnded(`next-auth.session-token=${token}`);
  });

  describe('a request the cookie authenticates must come from this app', () => {
    const FOREIGN: Array<[string, Record<string, string>]> = [
      ['a foreign Origin', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
      ['Origin null', { origin: 'null' }],
      ['another port of the same host (same site)', { 'sec-fetch-site': 'same-site' }],
      ['a cross-site link', { 'sec-fetch-site': 'cross-site' }],
    ];
    const chatInto = async (sessionId: string) =>
      (
        await fetch(`${app.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...user.bearer },
          body: JSON.stringify({ session_id: sessionId, message: 'Hello', max_tokens: 3 }),
        })
      ).text();
    const keyCount = async () =>
      ((await (await fetch(`${app.url}/api/keys`, { headers: user.bearer })).json()) as { keys: unknown[] }).keys.length;

    for (const [from, headers] of FOREIGN) {
      test(`${from}: state changes and token-spending streams are 403 cross_site_request, and nothing happens`, async () => {
        const sessionId = randomUUID();
        await chatInto(sessionId);
        const keysBefore = await keyCount();
        const cookie = { cookie: user.cookie, ...headers };
        const requests: Array<[string, string, RequestInit]> = [
          ['POST', '/api/keys', { headers: { 'content-type': 'application/json', ...cookie }, body: JSON.stringify({ name: 'stolen' }) }],
          ['DELETE', `/api/sessions/${sessionId}`, { headers: cookie }],
          [
            'POST',
            '/api/chat',
            {
              headers: { 'content-type': 'application/json', ...cookie },
              body: JSON.stringify({ session_id: randomUUID(), message: 'Hi' }),
            },
          ],
          [
            'POST',
            `/api/sessions/${sessionId}/stop`,
            { headers: { 'content-type': 'application/x-www-form-urlencoded', ...cookie }, body: 'x=1' },
          ],
          ['GET', '/api/stream?q=hi&max_tokens=4000', { headers: cookie }],
          ['GET', '/api/stream/text?q=hi', { headers: cookie }],
        ];
        for (const [method, path, init] of requests) {
          const response = await fetch(`${app.url}${path}`, { method, ...init });
          assert.equal(response.status, 403, `${method} ${path}`);
          assert.equal(((await response.json()) as { error: string }).error, 'cross_site_request', `${method} ${path}`);
        }
        const anonymous = await fetch(`${app.url}/api/keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
        assert.equal(anonymous.status, 401, 'without the cookie it is simply not signed in');
        assert.equal(await keyCount(), keysBefore, 'no key was created');
        assert.equal(
          (await fetch(`${app.url}/api/sessions/${sessionId}`, { headers: user.bearer })).status,
          200,
          'the session was not deleted',
        );
      });
    }

    test('the same requests from the app itself, or with an API key from anywhere, go through', async () => {
      const own: Array<Record<string, string>> = [
        { origin: app.url },
        { 'sec-fetch-site': 'same-origin' },
        { 'sec-fetch-site': 'none' },
        {},
      ];
      const everyone: Array<Record<string, string>> = [
        ...own.map((h) => ({ cookie: user.cookie, ...h })),
        { ...user.bearer, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
      ];
      for (const headers of everyone) {
        const where = JSON.stringify({ ...headers, cookie: undefined, authorization: undefined });
        const { status, frames } = await fetchFrames(`${app.url}/api/stream/text?q=hi&max_tokens=2`, { headers });
        assert.equal(status, 200, where);
        assert.equal(frames.at(-1)?.event, 'done', where);
        const created = await fetch(`${app.url}/api/keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ name: 'mine' }),
        });
        assert.equal(created.status, 201, where);
      }
    });
  });
});

describe('cookies over https', () => {
  let proxied: RunningApp;
  let direct: RunningApp;
  before(async () => {
    [proxied, direct] = await Promise.all([startApp({ TRUST_PROXY_HOPS: '1' }), startApp({})]);
  });
  after(async () => Promise.all([proxied?.stop(), direct?.stop()]));

  const names = (lines: string[]) => lines.map((line) => line.split('=')[0]);
  const https = { 'x-forwarded-proto': 'https' };

  test('behind a trusted proxy that was reached over https, every cookie is Secure and prefixed, and the session works', async () => {
    const user = await newUser(proxied, https);
    const lines = await signInSetCookies(proxied, user.email, user.password, https);
    assert.ok(names(lines).includes('__Secure-next-auth.session-token'), names(lines).join());
    for (const line of lines) {
      assert.match(line, /; Secure/i, line);
      assert.match(line, /^__(Secure|Host)-/, line);
    }
    // Every reader finds the prefixed cookie: the route guard, the page proxy and the pages, next-auth.
    const cookie = { cookie: user.cookie, ...https };
    assert.equal((await fetch(`${proxied.url}/api/me`, { headers: cookie })).status, 200);
    const page = await fetch(`${proxied.url}/keys`, { headers: cookie, redirect: 'manual' });
    assert.equal(page.status, 200);
    assert.match(await page.text(), new RegExp(user.email));
    const session = (await (await fetch(`${proxied.url}/api/auth/session`, { headers: cookie })).json()) as { user?: { email?: string } };
    assert.equal(session.user?.email, user.email);
  });

  test('over plain http, or when no trusted proxy vouches for https, cookies are plain', async () => {
    const cases: Array<[string, RunningApp, Record<string, string>]> = [
      ['the proxy says http', proxied, { 'x-forwarded-proto': 'http' }],
      ['no trusted proxy (TRUST_PROXY_HOPS=0)', direct, https],
      ['a client naming the protocol itself', direct, { 'x-streamwright-proto': 'https' }],
    ];
    for (const [why, app, via] of cases) {
      const user = await newUser(app, via);
      const lines = await signInSetCookies(app, user.email, user.password, via);
      assert.ok(names(lines).includes('next-auth.session-token'), `${why}: ${names(lines).join()}`);
      for (const line of lines) assert.doesNotMatch(line, /; Secure|^__/i, `${why}: ${line}`);
    }
  });
});
