import { expect, test } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { ChatPage, copied, recordClipboard, signedIn } from './support';

// The same pages over the real OpenAI wire: @ai-sdk/openai in the app, the fake server behind it.

let fake: FakeOpenAI;
let app: RunningApp;
test.beforeAll(async () => {
  fake = await startFakeOpenAI();
  app = await startApp({ MODEL: 'openai-chat:fake-model', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' });
});
test.afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

test('a multi-turn chat over the OpenAI wire, with history sent upstream, survives a reload', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await expect(page.getByTestId('model-badge').first()).toHaveText('openai-chat:fake-model');
  await chat.send('Name a river');
  expect(await chat.settledReply()).toBe('Echo: Name a river');
  await chat.send('And a lake');
  expect(await chat.settledReply()).toBe('Echo: And a lake');
  const upstream = fake.requests.filter((r) => JSON.stringify(r.body).includes('And a lake')).at(-1);
  expect(JSON.stringify(upstream?.body)).toContain('Echo: Name a river');

  await page.reload();
  await expect(chat.userMessages()).toHaveText(['Name a river', 'And a lake']);
  await expect(chat.replies().locator('.prose-chat')).toHaveText(['Echo: Name a river', 'Echo: And a lake']);
});

test('an upstream failure shows a readable error, and Retry answers', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Shaky question [[fail-once 401]]');
  const alert = page.getByTestId('chat-error');
  await expect(alert).toContainText('The model provider answered HTTP 401');
  await alert.getByRole('button', { name: 'Retry' }).click();
  expect(await chat.settledReply()).toBe('Echo: Shaky question');
  await expect(alert).toHaveCount(0);
  await page.reload();
  await expect(chat.replies()).toHaveCount(1);
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'complete');
});

test('a report that fails the schema shows its issues', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/report`);
  await page.getByLabel('Topic').fill('Tides [[bad-report]]');
  await page.getByRole('button', { name: 'Write report' }).click();
  const invalid = page.getByTestId('report-invalid');
  await expect(invalid).toContainText('confidence_score');
  await expect(invalid).toContainText('Too big: expected number to be <=1');
  await expect(page.getByTestId('report-validated')).toHaveCount(0);
});

test('replies render markdown, and raw HTML from the model never reaches the page', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Try **bold** <b id="injected">raw</b> <img id="pixel" src="x" onerror="document.title=1"> [link](javascript:alert(1))');
  await chat.settledReply();
  const reply = chat.lastReply();
  await expect(reply.locator('strong')).toHaveText('bold');
  await expect(page.locator('#injected')).toHaveCount(0);
  await expect(page.locator('#pixel')).toHaveCount(0);
  await expect(reply.getByRole('link', { name: 'link' })).not.toHaveAttribute('href', /javascript:/);
  expect(await page.title()).not.toBe('1');
});

test('Escape before the first word stops the reply, and it is marked stopped at once', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Take your time [[stall]]');
  await expect(page.getByTestId('thinking')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(chat.sendButton()).toBeVisible({ timeout: 3000 });
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'stopped');
  await expect(chat.lastReply().getByTestId('reply-stopped')).toHaveText('Stopped');
  await page.reload();
  await expect(chat.lastReply()).toHaveAttribute('data-status', 'stopped');
});

test('a code block in a reply has a button that copies its code', async ({ page, context }) => {
  await recordClipboard(page);
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Here:\n```\nprint("streamed")\n```');
  await chat.settledReply();
  await chat.lastReply().getByRole('button', { name: 'Copy code' }).click();
  expect((await copied(page))?.trim()).toBe('print("streamed")');
});
