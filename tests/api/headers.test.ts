import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { joinedText, parseFrames } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// CORS for /api/* from the CORS_ORIGINS allow-list, and the security headers on every page.

const ALLOWED = 'https://app.example';
const OTHER = 'https://elsewhere.example';

/** The CORS headers of a response; none at all for an origin that is not allowed. */
const corsHeaders = (response: Response) => [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

const preflight = (app: RunningApp, origin: string, method = 'POST') =>
  fetch(`${app.url}/api/stream`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' },
  });

describe('CORS with an allow-list', () => {
  let app: RunningApp;
  let user: TestUser;

  before(async () => {
    app = await startApp({ CORS_ORIGINS: ALLOWED });
    user = await newUser(app);
  });
  after(async () => app?.stop());

  test('a preflight from a listed origin is a 204 that names that origin', async () => {
    const response = await preflight(app, ALLOWED);
    assert.equal(response.status, 204);
    assert.equal(await response.text(), '');
    const h = response.headers;
    assert.equal(h.get('access-control-allow-origin'), ALLOWED);
    assert.equal(h.get('access-control-allow-credentials'), 'true');
    for (const method of ['GET', 'POST', 'PATCH', 'DELETE'])
      assert.match(h.get('access-control-allow-methods') ?? '', new RegExp(`\\b${method}\\b`));
    const allowHeaders = (h.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
    for (const name of ['authorization', 'content-type', 'accept']) assert.ok(allowHeaders.includes(name), name);
    assert.ok(Number(h.get('access-control-max-age')) > 0);
    assert.match(h.get('vary') ?? '', /\bOrigin\b/i);
  });

  test('a preflight from any other origin is a 403 JSON without CORS headers', async () => {
    for (const origin of [OTHER, 'null', `${ALLOWED}:8443`, 'http://app.example']) {
      const response = await preflight(app, origin);
      assert.equal(response.status, 403, origin);
      assert.deepEqual(corsHeaders(response), [], origin);
      assert.deepEqual(await response.json(), { error: 'cors_forbidden', detail: `Origin ${origin} may not call this API` });
    }
  });

  test('a stream with an API key from a listed origin carries the CORS headers and still streams', async () => {
    const response = await fetch(`${app.url}/api/stream?q=hi`, { headers: { origin: ALLOWED, ...user.bearer } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
    assert.equal(response.headers.get('access-control-allow-credentials'), 'true');
    const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
    for (const name of ['x-session-id', 'x-streamwright-model', 'x-report-id', 'x-request-id', 'retry-after'])
      assert.ok(exposed.includes(name), name);
    assert.match(response.headers.get('vary') ?? '', /\bOrigin\b/i);
    assert.equal(response.headers.get('x-streamwright-model'), 'offline');
    const frames = parseFrames(await response.text());
    assert.equal(frames.at(-1)?.event, 'done');
    assert.match(
      joinedText(frames),
      /^Hello! I'm Streamwright's built-in offline model\. .+ to stream answers from a real model\.$/,
      'the reply arrived before done',
    );
  });

  test('errors before a stream are readable from a listed origin too', async () => {
    const response = await fetch(`${app.url}/api/me`, { headers: { origin: ALLOWED } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('access-control-allow-origin'), ALLOWED);
  });

  test('another origin, or no origin, gets the answer without CORS headers', async () => {
    for (const headers of [{ origin: OTHER, ...user.bearer }, user.bearer]) {
      const response = await fetch(`${app.url}/api/stream?q=hi`, { headers });
      assert.equal(response.status, 200);
      assert.deepEqual(corsHeaders(response), [], JSON.stringify(headers));
      assert.match(response.headers.get('vary') ?? '', /\bOrigin\b/i, 'a cache keeps it apart from the CORS answer');
      assert.equal(parseFrames(await response.text()).at(-1)?.event, 'done');
    }
  });
});

describe('CORS without an allow-list (the default)', () => {
  let app: RunningApp;
  let user: TestUser;

  before(async () => {
    app = await startApp({});
    user = await newUser(app);
  });
  after(async () => app?.stop());

  test('no origin is allowed: preflights are refused and answers carry no CORS headers', async () => {
    const refused = await preflight(app, ALLOWED);
    assert.equal(refused.status, 403);
    assert.deepEqual(corsHeaders(refused), []);

    for (const path of ['/api/stream?q=hi', '/api/me', '/api/health']) {
      const response = await fetch(`${app.url}${path}`, { headers: { origin: ALLOWED, ...user.bearer } });
      assert.equal(response.status, 200, path);
      assert.deepEqual(corsHeaders(response), [], path);
      await response.body?.cancel();
    }
  });

  test('pages carry the security headers and a nonce-based CSP without unsafe-eval', async () => {
    const nonces = new Set<string>();
    for (const [path, headers] of [
      ['/sign-in', {}],
      ['/sign-up', {}],
      ['/chat', { cookie: user.cookie }],
      ['/keys', { cookie: user.cookie }],
    ] as const) {
      const response = await fetch(`${app.url}${path}`, { headers });
      assert.equal(response.status, 200, path);
      const h = response.headers;
      assert.equal(h.get('x-powered-by'), null, path);
      assert.equal(h.get('x-frame-options'), 'DENY', path);
      assert.equal(h.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
      assert.equal(h.get('x-content-type-options'), 'nosniff', path);
      assert.match(h.get('permissions-policy') ?? '', /camera=\(\).*microphone=\(\)/, path);

      const csp = h.get('content-security-policy') ?? '';
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name = '', ...values]) => [name, values]),
      );
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], path);
      assert.deepEqual(directives.get('object-src'), ["'none'"], path);
      const scripts = directives.get('script-src') ?? [];
      assert.ok(!csp.includes('unsafe-eval'), `${path}: ${csp}`);
      assert.ok(!scripts.includes("'unsafe-inline'") && !scripts.includes('*'), `${path}: ${csp}`);
      const nonce = /^'nonce-([^']+)'$/.exec(scripts.find((s) => s.startsWith("'nonce-")) ?? '')?.[1];
      assert.ok(nonce, `${path}: script-src has a nonce: ${csp}`);
      nonces.add(nonce);

      // Every script the page ships carries this response's nonce, so the browser runs it.
      const tags = (await response.text()).match(/<script\b[^>]*>/g) ?? [];
      assert.ok(
        tags.some((tag) => /\bsrc="\/_next\/static\/[^"]+\.js"/.test(tag)),
        `${path}: the page ships Next.js's scripts: ${tags.join(' ')}`,
      );
      for (const tag of tags) assert.ok(tag.includes(`nonce="${nonce}"`), `${path}: ${tag}`);
    }
    assert.equal(nonces.size, 4, 'a fresh nonce for every response');
  });

  test('the redirect to sign-in and API answers have the same headers, and no x-powered-by', async () => {
    const redirect = await fetch(`${app.url}/report`, { redirect: 'manual' });
    assert.equal(redirect.status, 307);
    const api = await fetch(`${app.url}/api/health`);
    for (const response of [redirect, api]) {
      assert.equal(response.headers.get('x-powered-by'), null);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('x-frame-options'), 'DENY');
    }
  });
});
