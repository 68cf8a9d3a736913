import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { startApp, type RunningApp } from '../support/app';

let app: RunningApp;
let limited: RunningApp;
test.beforeAll(async () => {
  [app, limited] = await Promise.all([startApp({}), startApp({ AUTH_ATTEMPTS_PER_15_MINUTES: '2' })]);
});
test.afterAll(async () => Promise.all([app?.stop(), limited?.stop()]));

test('sign up, sign out, and sign in again through the pages', async ({ page }) => {
  const email = `person-${randomBytes(4).toString('hex')}@example.com`;
  await page.goto(`${app.url}/sign-up`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`${app.url}/report`);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Freport$/);

  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('the wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an account.');

  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);
});

test('a signed-out visit to any page lands on sign-in', async ({ page }) => {
  for (const path of ['/', '/chat', '/chat/some-id', '/report', '/inspector', '/usage', '/keys']) {
    await page.goto(`${app.url}${path}`);
    await expect(page).toHaveURL(new RegExp(`/sign-in\\?callbackUrl=${encodeURIComponent(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  }
});

test('signing up with a taken email and another password says so, and changes nothing', async ({ page }) => {
  const email = `twice-${randomBytes(4).toString('hex')}@example.com`;
  for (const [password, expected] of [
    ['a long password', /\/chat$/],
    ['another long password', /\/sign-up$/],
  ] as const) {
    await page.context().clearCookies();
    await page.goto(`${app.url}/sign-up`);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(expected);
  }
  await expect(page.getByTestId('form-error')).toHaveText('This email already has an account with another password. Sign in instead.');

  // The owner's password still opens the account.
  await page.goto(`${app.url}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$|\/chat$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);
});

test('sign-up refuses a short password in the form, and says why', async ({ page }) => {
  await page.goto(`${app.url}/sign-up`);
  await page.getByLabel('Email').fill(`short-${randomBytes(4).toString('hex')}@example.com`);
  await page.getByLabel('Password').fill('password');
  await expect(page.getByText('At least 12 characters.')).toBeVisible();
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText('Password must be at least 12 characters.');
  await expect(page).toHaveURL(/\/sign-up$/);
  await expect(page.getByRole('button', { name: 'Create account' })).toBeEnabled();
});

test('past the sign-in limit, sign-in and sign-up say how long to wait, and the form stays usable', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${limited.url}/sign-in`);
  const button = page.getByRole('button', { name: 'Sign in' });
  await page.getByLabel('Email').fill('nobody@example.com');
  await page.getByLabel('Password').fill('not a password at all');
  for (let attempt = 0; attempt < 2; attempt++) {
    await button.click();
    await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an account.');
  }
  await button.click();
  await expect(page.getByTestId('form-error')).toHaveText(
    /^Too many attempts from this address\. Try again in (1[0-5] minutes|[0-9]+ seconds|a minute)\.$/,
  );
  await expect(button).toBeEnabled();

  await page.goto(`${limited.url}/sign-up`);
  await page.getByLabel('Email').fill(`late-${randomBytes(4).toString('hex')}@example.com`);
  await page.getByLabel('Password').fill('a long password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('form-error')).toHaveText(/^Too many attempts from this address\. Try again in .+\.$/);
  expect(errors).toEqual([]);
});
