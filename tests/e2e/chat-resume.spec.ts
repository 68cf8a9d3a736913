import { expect, test } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { ChatPage, signedIn } from './support';

// A reload in the middle of a reply: the page picks the same reply up where it is and follows it
// to its end, with nothing missing and nothing twice.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '60' });
});
test.afterAll(async () => app?.stop());

test('reloading mid-reply resumes the same reply to its end', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await chat.send('Tell me about resumable streams');
  await expect(chat.lastReply()).toContainText('short reply');
  await expect(page).toHaveURL(/\/chat\/[\w-]+$/);
  const sessionId = new URL(page.url()).pathname.split('/').pop()!;

  await page.reload();
  // Still streaming after the reload: the Stop button is back, and the text keeps growing.
  await expect(chat.stopButton()).toBeVisible();
  const during = await chat.lastReply().innerText();
  await expect.poll(async () => (await chat.lastReply().innerText()).length).toBeGreaterThan(during.length);

  const shown = await chat.settledReply();
  await expect(chat.replies()).toHaveCount(1);
  const stored = await (await page.request.get(`${app.url}/api/sessions/${sessionId}`)).json();
  const reply = stored.messages[1] as { status: string; parts: Array<{ type: string; text?: string }> };
  expect(reply.status).toBe('complete');
  expect(shown).toBe(
    reply.parts
      .filter((p) => p.type === 'text')
      .map((p) => p.text)
      .join('')
      .trim(),
  );
  expect(shown).toContain('real model.');
});
