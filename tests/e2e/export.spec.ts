import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { ChatPage, signedIn } from './support';

// Downloading a chat and a report from their pages, in both formats, with the keyboard: the
// browser's own download of the API route, with the session cookie, saved under the server's
// file name; and the pages with their download links, pictured and scanned.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '5' });
});
test.afterAll(async () => app?.stop());

const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

/** Focuses a download link, presses Enter, and reads the file the browser saved. */
async function download(page: Page, link: Locator) {
  await link.focus();
  const [saved] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  return { name: saved.suggestedFilename(), text: await readFile((await saved.path())!, 'utf8') };
}

async function pictured(page: Page, name: string) {
  for (const [device, size] of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: `test-results/screenshots/${name}-${device}-${scheme}.png` });
      const { violations } = await new AxeBuilder({ page }).analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(
        serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        `${name} ${device} ${scheme}`,
      ).toEqual([]);
    }
  }
  await page.setViewportSize(SIZES[0][1]);
}

test('a chat downloads as Markdown and as JSON from its page, tool call, model and usage included', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  await expect(page.getByTestId('download-links')).toHaveCount(0);
  await chat.send('What is the price of a desk lamp?');
  const reply = await chat.settledReply();
  expect(reply).toContain('Desk lamp costs 45.00 GBP');
  const usage = (await page.getByTestId('reply-usage').innerText()).match(/(\d+) in · (\d+) out · (\d+) tokens/)!;
  // Opened again, as stored.
  await page.reload();
  const links = page.getByRole('group', { name: 'Download this chat' });

  const markdown = await download(page, links.getByRole('link', { name: 'Download this chat as Markdown' }));
  expect(markdown.name).toBe('chat-what-is-the-price-of-a-desk-lamp.md');
  expect(markdown.text).toMatch(/^# What is the price of a desk lamp\?\n/);
  expect(markdown.text).toContain('**Tool call** `lookup_price` (result)');
  expect(markdown.text).toContain('```json\n{\n  "product": "Desk lamp"\n}\n```');
  expect(markdown.text).toContain(reply);
  expect(markdown.text).toContain(`_Model \`offline\`, ${usage[1]} input + ${usage[2]} output = ${usage[3]} tokens._`);

  const json = await download(page, links.getByRole('link', { name: 'Download this chat as JSON' }));
  expect(json.name).toBe('chat-what-is-the-price-of-a-desk-lamp.json');
  const exported = JSON.parse(json.text) as {
    format: string;
    messages: Array<{ role: string; model: string | null; usage: unknown; content: Array<Record<string, unknown>> }>;
  };
  expect(exported.format).toBe('streamwright.chat');
  expect(exported.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(exported.messages[1]!.model).toBe('offline');
  expect(exported.messages[1]!.usage).toEqual({ input_tokens: +usage[1]!, output_tokens: +usage[2]!, total_tokens: +usage[3]! });
  expect(exported.messages[1]!.content).toEqual([
    expect.objectContaining({ type: 'tool_call', name: 'lookup_price', state: 'result', input: { product: 'Desk lamp' } }),
    { type: 'text', text: reply },
  ]);
  // A chat longer than the screen: the links stay in view at the top as it scrolls.
  await page.setViewportSize(SIZES[1][1]);
  await chat.send('Tell me about tides, please');
  await chat.settledReply();
  await page.getByTestId('messages').evaluate((element) => element.scrollTo(0, element.scrollHeight));
  expect(await page.getByTestId('messages').evaluate((element) => element.scrollTop), 'the chat scrolled').toBeGreaterThan(0);
  await expect(links).toBeInViewport();
  await page.setViewportSize(SIZES[0][1]);
  await page.getByTestId('messages').evaluate((element) => element.scrollTo(0, 0));
  await pictured(page, 'chat-export');
});

test('a report downloads as Markdown and as JSON from the report page, new or reopened', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/report`);
  await expect(page.getByTestId('download-links')).toHaveCount(0);
  await page.getByLabel('Topic').fill('Solar power');
  await page.getByRole('button', { name: 'Write report' }).click();
  await expect(page.getByTestId('report-validated')).toBeVisible();
  const title = await page.getByTestId('report-title').innerText();
  const links = page.getByRole('group', { name: 'Download this report' });

  const markdown = await download(page, links.getByRole('link', { name: 'Download this report as Markdown' }));
  expect(markdown.name).toBe('report-solar-power.md');
  expect(markdown.text).toMatch(new RegExp(`^# ${title.replace(/[.*+?^${}()|[\]\\:]/g, '\\$&')}\\n`));
  expect(markdown.text).toContain('Topic: Solar power');
  expect(markdown.text).toContain(`## Summary\n\n${await page.getByTestId('report-summary').innerText()}`);

  // Reopened from the list.
  await page.goto(`${app.url}/report`);
  await page
    .getByTestId('past-reports')
    .getByRole('button', { name: /Solar power/ })
    .click();
  const json = await download(page, links.getByRole('link', { name: 'Download this report as JSON' }));
  expect(json.name).toBe('report-solar-power.json');
  const exported = JSON.parse(json.text) as { format: string; report: { topic: string; status: string; content: { title: string } } };
  expect([exported.format, exported.report.topic, exported.report.status, exported.report.content.title]).toEqual([
    'streamwright.report',
    'Solar power',
    'complete',
    title,
  ]);
  await pictured(page, 'report-export');
});
