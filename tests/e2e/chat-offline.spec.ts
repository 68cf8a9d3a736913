import { expect, test } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { ChatPage, copied, recordClipboard, signedIn } from './support';

// Chat in the browser against the built-in offline model, paced like a real one. What changes
// stored history (edit, regenerate, rename, delete, search) is in history.spec.ts, on both databases.

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
    m.parts
      .filter((p) => p.type === 'text')
      .map((p) => p.text)
      .join(''),
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

test("a tool's error reads the same while the reply streams and after a reload", async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('What is the price of a widget?');
  await chat.settledReply();
  const live = chat.lastReply().getByTestId('tool-error');
  await expect(live).toHaveText('No product called "widget" in the catalogue');
  await page.reload();
  await expect(chat.lastReply().getByTestId('tool-error')).toHaveText('No product called "widget" in the catalogue');
});

test('a long unbroken word wraps inside its bubble, and a short message gets a short bubble', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('x'.repeat(400));
  await chat.settledReply();
  await chat.send('Hi there');
  await chat.settledReply();
  const [long, short] = await chat.userMessages().all();
  const area = (await page.getByTestId('messages').boundingBox())!;
  const longBox = (await long!.boundingBox())!;
  expect(longBox.x + longBox.width).toBeLessThanOrEqual(area.x + area.width);
  expect(await long!.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  expect((await short!.boundingBox())!.width).toBeLessThan(area.width / 3);
});

test('an empty chat suggests prompts, focuses the input, and a suggestion is sent as a message', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await expect(chat.composer()).toBeFocused();
  const firstRun = page.getByTestId('first-run');
  await expect(firstRun.getByRole('link', { name: 'Report' })).toHaveAttribute('href', '/report');
  await firstRun.getByRole('button', { name: /What is the price of an espresso machine\?/ }).click();
  await expect(page.getByTestId('streaming')).toBeVisible();
  expect(await chat.settledReply()).toContain('the Espresso machine costs 249.00 USD');
  await expect(page.getByTestId('streaming')).toHaveCount(0);
  await expect(chat.userMessages()).toHaveText(['What is the price of an espresso machine?']);
  await expect(firstRun).toHaveCount(0);
});

test('each message can be copied, and the last reply regenerated from its own actions', async ({ page, context }) => {
  await recordClipboard(page);
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Hello there');
  const reply = await chat.settledReply();
  await page.getByRole('button', { name: 'Copy reply' }).last().click();
  await expect(page.getByRole('button', { name: 'Copy reply' }).last()).toHaveText('Copied');
  expect(await copied(page)).toBe(reply);
  await page.getByRole('button', { name: 'Copy message' }).last().click();
  expect(await copied(page)).toBe('Hello there');
  await expect(page.getByRole('button', { name: 'Regenerate the last reply' })).toBeVisible();
  await chat.send('And again');
  await chat.settledReply();
  // Only the last reply can be regenerated.
  await expect(page.getByRole('button', { name: 'Regenerate the last reply' })).toHaveCount(1);
});

test('scrolled up from a growing reply, a button brings the reader back to its end', async ({ page, context }) => {
  await signedIn(app, context);
  await page.setViewportSize({ width: 390, height: 600 });
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  for (const question of ['Tell me about tides', 'Tell me about rivers', 'Tell me about lakes']) {
    await chat.send(question);
    await chat.settledReply();
  }
  const messages = page.getByTestId('messages');
  await messages.evaluate((element) => element.scrollTo({ top: 0 }));
  const latest = page.getByRole('button', { name: '↓ Latest' });
  await expect(latest).toBeVisible();
  await latest.click();
  await expect.poll(() => messages.evaluate((element) => element.scrollHeight - element.scrollTop - element.clientHeight)).toBeLessThan(48);
  await expect(latest).toHaveCount(0);
});
