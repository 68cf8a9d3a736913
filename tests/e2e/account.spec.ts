import { expect, test, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { signIn } from '../support/users';
import { answerDialog, signedIn } from './support';

// The account page, on each database: the password, signing out everywhere, deleting the
// account, and the theme (kept in a cookie the server reads, applied at once).

const LIGHT_BACKGROUND = 'rgb(255, 255, 255)';
/** Tailwind's zinc-950, the page's dark background, as the built stylesheet gives it. */
const DARK_BACKGROUND = 'lab(2.51107 0.242703 -0.886115)';
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const colorScheme = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).colorScheme);

for (const database of ['sqlite', 'postgresql'] as const) {
  test.describe(`the account page on ${database}`, () => {
    let app: RunningApp;
    test.beforeAll(async () => {
      app = await startApp({}, database);
    });
    test.afterAll(async () => app?.stop());

    const me = (headers: Record<string, string>) => fetch(`${app.url}/api/me`, { headers }).then((response) => response.status);

    test('changing the password keeps this browser signed in and signs out the others', async ({ page, context }) => {
      const user = await signedIn(app, context);
      const elsewhere = await signIn(app, user.email, user.password);
      expect(elsewhere).toBeTruthy();
      await page.goto(`${app.url}/account`);
      const form = page.getByRole('form', { name: 'Change password' });
      await form.getByLabel('Current password').fill('not my password');
      await form.getByLabel('New password').fill('a brand new password');
      await form.getByRole('button', { name: 'Change password' }).click();
      await expect(page.getByTestId('password-outcome')).toHaveText('The current password is not right.');
      expect(await me({ cookie: elsewhere! })).toBe(200);

      await form.getByLabel('Current password').fill(user.password);
      await form.getByLabel('New password').fill('a brand new password');
      await form.getByRole('button', { name: 'Change password' }).click();
      await expect(page.getByTestId('password-outcome')).toHaveText('Password changed. Every other browser is signed out.');
      await expect(form.getByLabel('Current password')).toHaveValue('');
      expect(await me({ cookie: elsewhere! })).toBe(401);
      expect(await signIn(app, user.email, 'a brand new password')).toBeTruthy();
      await page.reload();
      await expect(page).toHaveURL(/\/account$/);
    });

    test('sign out everywhere ends this browser and every other session; API keys go on', async ({ page, context }) => {
      const user = await signedIn(app, context);
      await page.goto(`${app.url}/account`);
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      await answerDialog(page, 'Sign out everywhere');
      await expect(page).toHaveURL(/\/sign-in/);
      expect(await me({ cookie: user.cookie })).toBe(401);
      expect(await me(user.bearer)).toBe(200);
      await page.goto(`${app.url}/account`);
      await expect(page).toHaveURL(/\/sign-in/);
    });

    test('deleting the account asks for the password: a wrong one changes nothing, the right one deletes it and lands on sign-in', async ({
      page,
      context,
    }) => {
      const user = await signedIn(app, context);
      await page.goto(`${app.url}/account`);
      const start = page.getByRole('button', { name: 'Delete account…' });
      const dialog = page.getByRole('dialog', { name: 'Delete your account?' });

      // An accessible dialog: focus in its field, Escape closes it and gives focus back.
      await start.click();
      await expect(dialog.getByLabel('Password')).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(dialog).toHaveCount(0);
      await expect(start).toBeFocused();

      await start.click();
      await dialog.getByLabel('Password').fill('not my password');
      await dialog.getByRole('button', { name: 'Delete account', exact: true }).click();
      await expect(dialog).toHaveCount(0);
      await expect(page.getByTestId('delete-outcome')).toHaveText('That is not your password. Nothing was deleted.');
      await expect(page).toHaveURL(/\/account$/);
      expect(await me({ cookie: user.cookie })).toBe(200);
      expect(await me(user.bearer)).toBe(200);

      await start.click();
      await dialog.getByLabel('Password').fill(user.password);
      await dialog.getByRole('button', { name: 'Delete account', exact: true }).click();
      await expect(page).toHaveURL(/\/sign-in\?account=deleted$/);
      await expect(page.getByTestId('account-deleted')).toHaveText('Your account has been deleted, with everything in it.');
      expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('next-auth.session-token');
      expect(await me({ cookie: user.cookie })).toBe(401);
      expect(await me(user.bearer)).toBe(401);

      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByTestId('form-error')).toHaveText('That email and password do not match an account.');
      await expect(page).toHaveURL(/\/sign-in/);
    });

    test('the theme: Dark and Light win over the system at once and after a reload, System follows it', async ({ page, context }) => {
      await signedIn(app, context);
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${app.url}/account`);
      const theme = page.getByRole('radiogroup', { name: 'Theme' });
      await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
      expect(await background(page)).toBe(LIGHT_BACKGROUND);

      await theme.getByRole('radio', { name: 'Dark' }).check();
      await expect.poll(() => background(page), { message: 'dark at once, under a light system' }).toBe(DARK_BACKGROUND);
      expect(await colorScheme(page)).toBe('dark');
      await page.reload();
      await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
      expect(await background(page)).toBe(DARK_BACKGROUND);
      await page.goto(`${app.url}/keys`);
      expect(await background(page), 'every page').toBe(DARK_BACKGROUND);

      await page.emulateMedia({ colorScheme: 'dark' });
      await page.goto(`${app.url}/account`);
      await theme.getByRole('radio', { name: 'Light' }).check();
      await expect.poll(() => background(page), { message: 'light at once, under a dark system' }).toBe(LIGHT_BACKGROUND);
      expect(await colorScheme(page)).toBe('light');
      await page.reload();
      await expect(theme.getByRole('radio', { name: 'Light' })).toBeChecked();
      expect(await background(page)).toBe(LIGHT_BACKGROUND);

      await theme.getByRole('radio', { name: 'System' }).check();
      await expect.poll(() => background(page)).toBe(DARK_BACKGROUND);
      await page.emulateMedia({ colorScheme: 'light' });
      await expect.poll(() => background(page)).toBe(LIGHT_BACKGROUND);
      expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('theme');
      await page.reload();
      await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
      expect(await background(page)).toBe(LIGHT_BACKGROUND);
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => background(page)).toBe(DARK_BACKGROUND);
    });

    test('on a phone the account page is in the menu and every control is at least 44 px', async ({ page, context }) => {
      await signedIn(app, context);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${app.url}/chat`);
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.locator('#phone-menu').getByRole('link', { name: 'Account' }).click();
      await expect(page).toHaveURL(/\/account$/);
      await expect(page.getByRole('heading', { name: 'Account', level: 1 })).toBeVisible();
      const account = page.getByTestId('account');
      const targets = [...(await account.getByRole('button').all()), ...(await account.locator('label:has(input[type=radio])').all())];
      expect(targets.length).toBeGreaterThanOrEqual(6);
      for (const target of targets) {
        const box = await target.boundingBox();
        expect(box?.height, await target.innerText()).toBeGreaterThanOrEqual(44);
        expect(box?.width, await target.innerText()).toBeGreaterThanOrEqual(44);
      }
    });
  });
}
