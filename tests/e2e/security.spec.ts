import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { newUser } from '../support/users';
import { ChatPage, signedIn } from './support';

// Every page under the production Content-Security-Policy: nothing is blocked, the scripts run
// (forms, streaming chat, report and inspector, client-side navigation), and the console stays
// free of CSP and Permissions-Policy complaints.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '10' });
});
test.afterAll(async () => app?.stop());

interface Watch {
  /** securitypolicyviolation events, as `directive blocked-uri sample` lines. */
  violations: string[];
  /** Console errors and warnings, failed responses, uncaught page errors. */
  problems: string[];
}

/** Records CSP violations (from the page's own event) and console problems of every page. */
async function watch(context: BrowserContext): Promise<Watch> {
  const seen: Watch = { violations: [], problems: [] };
  await context.exposeBinding('__reportViolation', (source, line: string) => void seen.violations.push(`${source.page.url()}: ${line}`));
  // Playwright's init scripts run outside the page's CSP, so the listener is there from the start.
  await context.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        void (window as unknown as { __reportViolation(line: string): void }).__reportViolation(
          `${e.effectiveDirective} ${e.blockedURI} ${e.sample}`,
        ),
      true,
    );
  });
  context.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      seen.problems.push(`${message.page()?.url()}: ${message.text()} (${message.location().url})`);
  });
  context.on('response', (response) => {
    if (response.status() >= 400) seen.problems.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  context.on('weberror', (error) => void seen.problems.push(`uncaught: ${error.error().message}`));
  return seen;
}

function expectClean(seen: Watch) {
  expect(seen.violations, 'CSP violations').toEqual([]);
  const policy = seen.problems.filter((line) =>
    /Content Security Policy|Content-Security-Policy|Permissions-Policy|Refused to/i.test(line),
  );
  expect(policy, 'CSP or Permissions-Policy messages in the console').toEqual([]);
  // Two 404s are expected: the page that is not there on purpose, and Chromium's own favicon.ico
  // probe (the app's icon is favicon.svg).
  const expected = /status of 404 .*\((\S+\/no-such-page|\S+\/favicon\.ico)\)$|^404 GET \S+\/no-such-page$/;
  expect(
    seen.problems.filter((line) => !expected.test(line)),
    'console errors and warnings',
  ).toEqual([]);
}

/** Opens a page and waits until its scripts have loaded and it is quiet. */
async function loaded(page: Page, path: string) {
  await page.goto(`${app.url}${path}`);
  await page.waitForLoadState('networkidle');
}

test('sign-up and sign-in work under the CSP, with no violations', async ({ page, context }) => {
  const seen = await watch(context);
  const email = `csp-${randomBytes(4).toString('hex')}@example.com`;

  await loaded(page, '/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await loaded(page, '/sign-up');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await page.waitForLoadState('networkidle');

  expectClean(seen);
});

test('every signed-in page runs its scripts and streams under the CSP, with no violations', async ({ page, context }) => {
  const seen = await watch(context);
  await signedIn(app, context);

  // Chat: typing, streaming the reply, the move to the session's own URL.
  await loaded(page, '/chat');
  const chat = new ChatPage(page);
  await chat.send('Hello there');
  expect(await chat.settledReply()).toMatch(/^Hello! I'm Streamwright's built-in offline model\./);
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/);
  await chat.send('What is the price of a coffee grinder?');
  expect(await chat.settledReply()).toContain('the Coffee grinder costs');
  // The stored session, rendered by the server and hydrated again.
  await page.reload();
  await page.waitForLoadState('networkidle');
  await expect(chat.replies()).toHaveCount(2);

  // Client-side navigation loads further chunks (allowed by 'strict-dynamic').
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Report' }).click();
  await expect(page).toHaveURL(/\/report$/);
  await page.getByLabel('Topic').fill('Wind farms');
  await page.getByRole('button', { name: 'Write report' }).click();
  await expect(page.getByTestId('report-validated')).toBeVisible({ timeout: 20_000 });

  await loaded(page, '/inspector');
  await page.getByLabel('Prompt').fill('What is the price of a desk lamp?');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('event-label').last()).toHaveText('done', { timeout: 20_000 });

  await loaded(page, '/keys');
  await page.getByLabel('Key name').fill('csp check');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-key-value')).toHaveText(/^sk_/);

  await loaded(page, '/');
  await expect(page).toHaveURL(/\/chat/);
  await loaded(page, '/no-such-page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();

  expectClean(seen);
});

test('a page on a listed origin streams from the API; a page on another origin cannot read it', async ({ page }) => {
  // One blank page served on two origins: http://localhost:<port> is listed, 127.0.0.1 is not.
  const site: Server = createServer((_, response) => response.end('<!doctype html><title>client</title>'));
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
  const port = (site.address() as AddressInfo).port;
  const api = await startApp({ CORS_ORIGINS: `http://localhost:${port}`, OFFLINE_TOKEN_DELAY_MS: '10' });
  try {
    const user = await newUser(api);
    // Authorization makes the browser send a preflight first.
    const call = (url: string) =>
      page.evaluate(
        async ({ url, authorization }) => {
          try {
            const response = await fetch(url, { headers: { authorization } });
            const reader = response.body!.getReader();
            let chunks = 0;
            let text = '';
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              chunks++;
              text += new TextDecoder().decode(value);
            }
            return { model: response.headers.get('x-streamwright-model'), chunks, done: text.includes('event: done') };
          } catch (error) {
            return { error: String(error) };
          }
        },
        { url, authorization: user.bearer.authorization! },
      );

    await page.goto(`http://localhost:${port}/`);
    const listed = await call(`${api.url}/api/stream?q=hi`);
    expect(listed).toMatchObject({ model: 'offline', done: true });
    expect((listed as { chunks: number }).chunks).toBeGreaterThan(1);

    await page.goto(`http://127.0.0.1:${port}/`);
    expect(await call(`${api.url}/api/stream?q=hi`)).toEqual({ error: 'TypeError: Failed to fetch' });
  } finally {
    await api.stop();
    site.close();
  }
});

test('a page on another origin of the same site cannot use the session cookie: forms, scripts and links get 403 cross_site_request', async ({
  page,
  context,
}) => {
  const user = await signedIn(app, context);
  const chat = await fetch(`${app.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...user.bearer },
    body: JSON.stringify({ session_id: `cross-site-${randomBytes(4).toString('hex')}`, message: 'Hello' }),
  });
  const sessionId = chat.headers.get('x-session-id')!;
  await chat.text();
  const keyNames = async () =>
    ((await (await fetch(`${app.url}/api/keys`, { headers: { cookie: user.cookie } })).json()) as { keys: Array<{ name: string }> }).keys
      .map((k) => k.name)
      .sort();
  const keysBefore = await keyNames();
  expect(keysBefore).toHaveLength(1);

  const stopUrl = `${app.url}/api/sessions/${sessionId}/stop`;
  const streamUrl = `${app.url}/api/stream?q=hi&max_tokens=4000`;
  // Another port of 127.0.0.1: the same site (the Lax cookie goes with every request), another origin.
  const site: Server = createServer((_, response) => {
    response.setHeader('content-type', 'text/html');
    response.end(`<!doctype html><title>elsewhere</title>
      <form method="post" action="${stopUrl}"><input type="hidden" name="x" value="1"><button>Stop their reply</button></form>
      <a href="${streamUrl}">Free tokens</a>`);
  });
  await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
  const elsewhere = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  const refusal = {
    error: 'cross_site_request',
    detail: 'A signed-in request must come from this app or an origin listed in CORS_ORIGINS',
  };
  const signedInCookie = /next-auth\.session-token=/;

  try {
    // (a) A form posted from there.
    await page.goto(elsewhere);
    const [stopped] = await Promise.all([page.waitForResponse(stopUrl), page.getByRole('button', { name: 'Stop their reply' }).click()]);
    expect(await stopped.request().headerValue('cookie'), 'the browser sent the cookie').toMatch(signedInCookie);
    expect(await stopped.request().headerValue('origin')).toBe(elsewhere.slice(0, -1));
    expect(stopped.status()).toBe(403);
    expect(await stopped.json()).toEqual(refusal);
    await expect(page.locator('body')).toContainText('"error":"cross_site_request"');

    // (b) A script there: a POST the browser sends without asking first (no-cors, text/plain),
    // and a JSON one, which needs a preflight that the app refuses for that origin.
    await page.goto(elsewhere);
    const [posted, results] = await Promise.all([
      page.waitForResponse((response) => response.url() === `${app.url}/api/keys` && response.request().method() === 'POST'),
      page.evaluate(async (url) => {
        const attempt = (mode: RequestMode, type: string) =>
          fetch(url, {
            method: 'POST',
            mode,
            credentials: 'include',
            headers: { 'content-type': type },
            body: JSON.stringify({ name: 'stolen' }),
          }).then(
            (response) => `${response.type} ${response.status}`,
            (error: unknown) => String(error),
          );
        return [await attempt('no-cors', 'text/plain'), await attempt('cors', 'application/json')];
      }, `${app.url}/api/keys`),
    ]);
    // Chromium shows Playwright neither this request's cookie nor the opaque answer's headers and
    // body; its status says it: for a POST (a preflight's refusal is an OPTIONS) 403 is only the
    // guard's answer to a live cookie from another origin, and without the cookie it would be 401.
    expect(posted.status()).toBe(403);
    // Neither answer is readable there: opaque without CORS, and the JSON one never went out.
    expect(results).toEqual(['opaque 0', 'TypeError: Failed to fetch']);

    // (c) A link followed from there, to a stream that spends tokens.
    await page.goto(elsewhere);
    const [streamed] = await Promise.all([page.waitForResponse(streamUrl), page.getByRole('link', { name: 'Free tokens' }).click()]);
    expect(await streamed.request().headerValue('cookie'), 'the browser sent the cookie').toMatch(signedInCookie);
    expect(await streamed.request().headerValue('sec-fetch-site')).toBe('same-site');
    expect(streamed.status()).toBe(403);
    expect(await streamed.json()).toEqual(refusal);
    await expect(page.locator('body')).toContainText('"error":"cross_site_request"');

    expect(await keyNames(), 'no key was created').toEqual(keysBefore);
    const usage = (await (await fetch(`${app.url}/api/me`, { headers: user.bearer })).json()) as { usage: { runs: number } };
    expect(usage.usage.runs, 'no tokens were spent but the one chat turn').toBe(1);
  } finally {
    site.close();
  }

  // The same three from the app's own pages go through: the cookie is good, only the origin was not.
  await page.goto(`${app.url}/keys`);
  const created = await page.evaluate(async () => {
    const response = await fetch('/api/keys', {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'own page' }),
    });
    return { status: response.status, name: ((await response.json()) as { name: string }).name };
  });
  expect(created).toEqual({ status: 201, name: 'own page' });
  expect(await keyNames()).toEqual([...keysBefore, 'own page'].sort());

  const [ownStop] = await Promise.all([
    page.waitForResponse(stopUrl),
    page.evaluate((action) => {
      const form = document.createElement('form');
      Object.assign(form, { method: 'post', action });
      document.body.append(form);
      form.submit();
    }, stopUrl),
  ]);
  expect(ownStop.status()).toBe(200);
  expect(await ownStop.json()).toEqual({ stopped: false });

  await page.goto(`${app.url}/keys`);
  const [ownStream] = await Promise.all([
    page.waitForResponse(streamUrl),
    page.evaluate((href) => {
      const link = Object.assign(document.createElement('a'), { href, textContent: 'stream' });
      document.body.append(link);
      link.click();
    }, streamUrl),
  ]);
  expect(await ownStream.request().headerValue('sec-fetch-site')).toBe('same-origin');
  expect(ownStream.status()).toBe(200);
  expect(ownStream.headers()['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(await ownStream.text()).toMatch(/event: done\ndata: \{\}\n\n$/);
});
