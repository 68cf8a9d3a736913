import { expect, test, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { newUser } from '../support/users';
import { cspViolations, signedIn } from './support';

// The API reference at /docs: open to anyone, drawn by Scalar from /api/openapi.json under the
// app's CSP (its stylesheets applied, nothing fetched from elsewhere), and its "try it" sends a
// request to this server with the API key typed in. It fits light and dark, desktop and phone
// (pages.spec.ts pictures it and scans it for accessibility with every other page).

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({});
});
test.afterAll(async () => app?.stop());

/** What the CSP refused, less the style attributes inside Scalar's highlighted code (markup, refused as the CSP means; the code still shows). */
const refusals = (seen: string[]) =>
  seen.filter((line) => line !== 'style-src-attr inline' && !/^Applying inline style violates/.test(line));

async function openReference(page: Page) {
  const outside: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(app.url) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  await page.goto(`${app.url}/docs`);
  await expect(page.getByRole('heading', { name: 'Streamwright API' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  return outside;
}

test('the reference draws every tag of the document under the CSP, fetching nothing from elsewhere', async ({ page }) => {
  const seen = await cspViolations(page);
  const outside = await openReference(page);
  for (const tag of ['Streams', 'Chat', 'Reports', 'Model choice', 'Account', 'Service']) {
    await expect(page.getByRole('button', { name: new RegExp(`Group - ${tag}$`) })).toBeVisible();
  }
  // Scalar's own <style> elements apply: its theme's variables are set on the page.
  const background = await page.evaluate(() =>
    getComputedStyle(document.querySelector('.scalar-app') ?? document.body).getPropertyValue('--scalar-background-1'),
  );
  expect(background.trim()).not.toBe('');
  expect(refusals(seen), 'CSP refusals').toEqual([]);
  expect(outside, 'requests to other origins').toEqual([]);
});

test('on the reference, styles made by script apply and styles in injected markup stay refused', async ({ page }) => {
  await openReference(page);
  // Scalar goes on drawing (and its highlighted code goes on being refused) after the network is
  // idle, so each refusal is told by the element it was for: only those inside the probe count.
  await page.evaluate(() => {
    const refused: string[] = [];
    (window as unknown as { probeRefusals: string[] }).probeRefusals = refused;
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const element = e.target instanceof Element ? e.target : null;
        if (element?.closest('[data-probe]')) refused.push(`${e.effectiveDirective} ${element.id}`);
      },
      true,
    );
  });
  const probeRefusals = () => page.evaluate(() => [...(window as unknown as { probeRefusals: string[] }).probeRefusals].sort());

  const applied = await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.dataset.probe = 'script';
    document.body.appendChild(probe);
    const byAttribute = document.createElement('div');
    byAttribute.id = 'by-attribute';
    byAttribute.setAttribute('style', 'width: 7px');
    probe.appendChild(byAttribute);
    const sheet = document.createElement('style');
    sheet.id = 'by-sheet';
    sheet.textContent = '#made-by-script { width: 9px }';
    probe.appendChild(sheet);
    const target = document.createElement('div');
    target.id = 'made-by-script';
    probe.append(target);
    return [getComputedStyle(byAttribute).width, getComputedStyle(target).width];
  });
  expect(applied).toEqual(['7px', '9px']);

  const injected = await page.evaluate(() => {
    const host = document.createElement('div');
    host.dataset.probe = 'markup';
    document.body.appendChild(host);
    host.innerHTML =
      '<p id="injected-attribute" style="width: 5px">x</p><style id="injected-style">#injected-sheet { width: 6px }</style><p id="injected-sheet">y</p>';
    return [
      getComputedStyle(document.getElementById('injected-attribute')!).width,
      getComputedStyle(document.getElementById('injected-sheet')!).width,
    ];
  });
  expect(injected).not.toContain('5px');
  expect(injected).not.toContain('6px');
  // Refusals arrive in order, so once the injected markup's are in, any for what the script made
  // would be in too: exactly the injected two, and none for the script's.
  await expect.poll(probeRefusals).toEqual(['style-src-attr injected-attribute', 'style-src-elem injected-style']);
});

test('"try it" sends a request with the API key typed in, and shows the answer', async ({ page }) => {
  const user = await newUser(app);
  await openReference(page);
  await page.getByRole('button', { name: 'Open Group - Account' }).click();
  await page.getByRole('link', { name: 'Who is signed in' }).first().click();
  const operation = page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: 'Who is signed in', exact: true }) })
    .last();
  await operation
    .getByRole('button', { name: /Test Request/i })
    .first()
    .click();
  await page.getByPlaceholder('Token').last().fill(user.key);
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname.endsWith('/api/me'));
  await page.getByRole('button', { name: /^Send/ }).first().click();
  const response = await answered;
  expect(response.status()).toBe(200);
  expect(response.request().headers()['authorization']).toBe(`Bearer ${user.key}`);
  await expect(page.getByText(user.email).last()).toBeVisible();
});

test('the keys page leads to the reference, and the reference back to the app', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/keys`);
  await page.getByRole('link', { name: 'API reference' }).click();
  await expect(page).toHaveURL(/\/docs$/);
  await expect(page.getByRole('heading', { name: 'Streamwright API' })).toBeVisible();
  await page.getByRole('navigation', { name: 'API' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/keys$/);
});

for (const [name, viewport] of [
  ['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }],
] as const) {
  for (const colorScheme of ['light', 'dark'] as const) {
    test(`the reference fits a ${name} screen in ${colorScheme}`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await openReference(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
    });
  }
}
