import { expect, test } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { ChatPage, signedIn } from './support';

// Chat in the browser against the built-in offline model, paced like a real one.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '40' });
});
test.afterAll(async () => app?.stop());

test('a multi-turn chat streams real replies, shows model and usage, and reloads as stored', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await expect(page.getByTestId('model-badge').first()).toHaveText('offline model');

  await chat.send('Hello there');
  await expect(chat.stopButton()).toBeVisible();
  const first = await chat.settledReply();
  expect(first).toMatch(/^Hello! I'm Streamwright's built-in offline model\./);
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/);

  await chat.send('What is a tide?');
  const second = await chat.settledReply();
  expect(second).toContain('Earlier in this conversation you asked: “Hello there”.');
  await expect(chat.lastReply().getByTestId('reply-meta')).toContainText('offline model');
  await expect(chat.lastReply().getByTestId('reply-usage')).toHaveText(/\d+ in · \d+ out · \d+ tokens/);
  await expect(page.getByTestId('session-list')).toContainText('Hello there');

  // The page renders what the server stored, word for word.
  const sessionId = new URL(page.url()).pathname.split('/').pop()!;
  const stored = await (await page.request.get(`${app.url}/api/sessions/${sessionId}`)).json();
  const storedTexts = stored.messages.map((m: { parts: Array<{ type: string; text?: string }> }) =>
    m.parts.filter((p) => p.type === 'text').map((p) => p.text).join(''),
  );
  expect(storedTexts).toEqual(['Hello there', first, 'What is a tide?', second]);

  await page.reload();
  await expect(chat.userMessages()).toHaveText(['Hello there', 'What is a tide?']);
  await expect(chat.replies()).toHaveCount(2);
  expect(await chat.settledReply()).toBe(second);
});

test('a price question shows the lookup_price tool card with its input and result', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('What is the price of an espresso machine?');
  const card = chat.lastReply().getByTestId('tool-card');
  await expect(card).toContainText('lookup_price');
  await expect(card.getByTestId('tool-state')).toHaveText('result');
  await expect(card.getByTestId('tool-input')).toContainText('"product": "Espresso machine"');
  await expect(card.getByTestId('tool-output')).toContainText('"price": 249');
  expect(await chat.settledReply()).toContain('the Espresso machine costs 249.00 USD');
});

test('Stop ends the stream within a second and keeps the partial reply, marked stopped', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Tell me about streaming');
  await expect(chat.lastReply()).toContainText('short reply');
  const stoppedAt = Date.now();
  await chat.stopButton().click();
  await expect(chat.sendButton()).toBeVisible({ timeout: 1000 });
  expect(Date.now() - stoppedAt).toBeLessThan(1000);

  const partial = await chat.settledReply();
  // The reply's beginning, as far as it got before Stop (it had reached "short reply").
  expect(partial).toMatch(/^Here is a short reply\b/);
  expect(partial).not.toContain('real model.');
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'stopped');

  await page.reload();
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'stopped');
  await expect(chat.lastReply().getByTestId('reply-meta')).toContainText('Stopped');
  // The stored partial reply is exactly what was shown.
  expect(await chat.settledReply()).toBe(partial);
});

test('Escape stops a streaming reply', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Tell me about keyboards');
  await expect(chat.lastReply()).toContainText('short reply');
  await page.keyboard.press('Escape');
  await expect(chat.sendButton()).toBeVisible({ timeout: 1000 });
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'stopped');
});

test('Shift+Enter breaks the line instead of sending', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.composer().fill('first line');
  await chat.composer().press('Shift+Enter');
  await chat.composer().pressSequentially('second line');
  await expect(chat.composer()).toHaveValue('first line\nsecond line');
  await expect(chat.userMessages()).toHaveCount(0);
});

test('regenerate answers the last question again in place of the old reply', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('What is the price of a notebook?');
  const first = await chat.settledReply();
  await page.getByRole('button', { name: 'Regenerate the last reply' }).click();
  await expect(chat.stopButton()).toBeVisible();
  expect(await chat.settledReply()).toBe(first);
  await page.reload();
  await expect(chat.userMessages()).toHaveCount(1);
  await expect(chat.replies()).toHaveCount(1);
});

test('the sidebar lists chats newest first, and renames and deletes them', async ({ page, context }) => {
  await signedIn(app, context);
  const chat = new ChatPage(page);
  for (const question of ['First topic', 'Second topic']) {
    await page.goto(`${app.url}/chat`);
    await chat.send(question);
    await chat.settledReply();
  }
  const list = page.getByTestId('session-list').getByRole('link');
  await expect(list).toHaveText(['Second topic', 'First topic']);

  page.once('dialog', (dialog) => void dialog.accept('Renamed topic'));
  await page.getByRole('button', { name: 'Rename First topic' }).click();
  await expect(list).toHaveText(['Renamed topic', 'Second topic']);

  page.once('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Delete Second topic' }).click();
  await expect(list).toHaveText(['Renamed topic']);
  await expect(page).toHaveURL(/\/chat$/);
});
