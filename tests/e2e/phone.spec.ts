import { expect, test, type Locator } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { answerDialog, ChatPage, signedIn } from './support';

// The app at a phone's size (390×844), measured: a one-row header, the chat list in a drawer,
// and tap targets a finger can hit.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({});
});
test.afterAll(async () => app?.stop());
test.use({ viewport: { width: 390, height: 844 } });

const MIN_TAP = 44;
async function assertTappable(target: Locator) {
  const box = await target.boundingBox();
  expect(box, 'visible').not.toBeNull();
  expect(box!.height, 'height').toBeGreaterThanOrEqual(MIN_TAP);
  expect(box!.width, 'width').toBeGreaterThanOrEqual(MIN_TAP);
}

test('on a phone the header is one row, the chat keeps the screen, and the chat list is a drawer', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Phone topic');
  await chat.settledReply();

  const header = (await page.locator('header').first().boundingBox())!;
  expect(header.height).toBeLessThanOrEqual(64);
  const messages = (await page.getByTestId('messages').boundingBox())!;
  expect(messages.y, 'the conversation starts near the top').toBeLessThanOrEqual(140);
  expect(messages.height, 'and has most of the screen').toBeGreaterThan(844 * 0.55);
  await expect(page.getByTestId('session-list')).toBeHidden();

  const menu = page.getByRole('button', { name: 'Menu' });
  await assertTappable(menu);
  await menu.click();
  const sections = page.locator('#phone-menu').getByRole('link');
  await expect(sections).toHaveText(['Chat', 'Report', 'Inspector', 'Usage', 'API keys', 'Account']);
  for (const link of await sections.all()) expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(MIN_TAP);
  await page.keyboard.press('Escape');
  await expect(page.locator('#phone-menu')).toHaveCount(0);

  const chats = page.getByRole('button', { name: '☰ Chats' });
  await assertTappable(chats);
  await chats.click();
  const list = page.getByTestId('session-list');
  await expect(list).toBeVisible();
  await expect(list.getByTestId('session-title')).toHaveText(['Phone topic']);
  await assertTappable(list.getByRole('link', { name: 'Phone topic' }));
  await assertTappable(page.getByRole('searchbox', { name: 'Search chats' }));
  await assertTappable(list.getByRole('button', { name: 'Rename Phone topic' }));
  await assertTappable(list.getByRole('button', { name: 'Delete Phone topic' }));
  await page.keyboard.press('Escape');
  await expect(list).toBeHidden();

  await chats.click();
  await list.getByRole('link', { name: 'Phone topic' }).click();
  await expect(list).toBeHidden();
  await expect(chat.userMessages()).toHaveText(['Phone topic']);

  await menu.click();
  await page.locator('#phone-menu').getByRole('link', { name: 'Report' }).click();
  await expect(page).toHaveURL(/\/report$/);
  await expect(page.locator('#phone-menu')).toHaveCount(0);
});

test('signing up on a phone lands on a new chat ready to use, and so does a visit to /', async ({ page }) => {
  await page.goto(`${app.url}/sign-up`);
  await page.getByLabel('Email').fill(`phone-${Date.now()}@example.com`);
  await page.getByLabel('Password').fill('a long phone password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message', exact: true })).toBeVisible();
  await page.goto(`${app.url}/`);
  await expect(page).toHaveURL(/\/chat$/);
  await expect(page.getByTestId('first-run')).toBeVisible();
});

test('on a phone every control of the API keys page is at least 44 px', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/keys`);
  for (const name of ['phone key', 'old key']) {
    await page.getByLabel('Key name').fill(name);
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByTestId('new-key')).toBeVisible();
  }
  await page.getByRole('button', { name: 'Revoke old key' }).click();
  await answerDialog(page, 'Revoke');
  await page.getByLabel('Key name').fill('shown key');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByRole('button', { name: 'Revoke shown key' })).toBeVisible();
  await expect(page.getByTestId('new-key')).toBeVisible();
  const keys = page.getByTestId('keys');
  const targets = [...(await keys.getByRole('button').all()), ...(await keys.locator('summary').all()), page.getByLabel('Key name')];
  expect(targets.length).toBeGreaterThanOrEqual(7);
  for (const target of targets) await assertTappable(target);
});
