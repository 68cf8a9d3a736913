import { expect, test, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { newUser } from '../support/users';
import { cspViolations } from './support';

// The API reference at /docs: open to anyone, drawn by Scalar from /api/openapi.json under the
// app's CSP (its stylesheets applied, nothing fetched from elsewhere), and its "try it" sends a
// request to this server with the API key typed in. Pictured light and dark, desktop and phone.

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
      await page.screenshot({ path: `test-results/screens/docs-${name}-${colorScheme}.png` });
    });
  }
}
