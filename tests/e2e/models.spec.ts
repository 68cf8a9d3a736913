import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { startApp, type RunningApp } from '../support/app';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { ChatPage, signedIn } from './support';

// Two models offered: the chat page's and the report page's model pickers, the model each reply
// names, and a chat that remembers its model across a reload.

const FAKE = 'openai-chat:fake-model';
let fake: FakeOpenAI;
let app: RunningApp;
test.beforeAll(async () => {
  fake = await startFakeOpenAI();
  app = await startApp({ MODELS: `offline,${FAKE}`, MODEL: 'offline', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' });
});
test.afterAll(async () => {
  await app?.stop();
  await fake?.close();
});

const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

test('the chat picks its model: the default first, the choice sent and remembered across a reload', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/chat`);
  const chat = new ChatPage(page);
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker).toHaveValue('offline');

  // By keyboard: focus the picker and choose the other model.
  await picker.focus();
  await picker.selectOption(FAKE);
  await chat.send('Name a river');
  expect(await chat.settledReply()).toBe('Echo: Name a river');
  await expect(chat.lastReply().getByTestId('model-badge')).toHaveText(FAKE);
  expect(
    fake.requests.some((r) => JSON.stringify(r.body).includes('Name a river')),
    'the fake model got the message',
  ).toBe(true);

  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue(FAKE);
  await expect(chat.lastReply().getByTestId('model-badge')).toHaveText(FAKE);

  // Back to the offline model: the next reply is its, labelled so, and the earlier one keeps its label.
  await page.getByRole('combobox', { name: 'Model' }).selectOption('offline');
  await chat.send('Hello there');
  expect(await chat.settledReply()).toMatch(/offline model/);
  await expect(chat.lastReply().getByTestId('model-badge')).toHaveText('offline model');
  await expect(chat.replies().first().getByTestId('model-badge')).toHaveText(FAKE);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Model' })).toHaveValue('offline');
});

test('the report page writes with the chosen model and names it', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/report`);
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker).toHaveValue('offline');
  await picker.selectOption(FAKE);
  await page.getByLabel('Topic').fill('Tidal energy');
  await page.getByRole('button', { name: 'Write report' }).click();
  await expect(page.getByTestId('report-validated')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('report-model').getByTestId('model-badge')).toHaveText(FAKE);
  expect(
    fake.requests.some((r) => JSON.stringify(r.body).includes('Tidal energy')),
    'the fake model wrote it',
  ).toBe(true);
  // Reopened after a reload, the stored report still names the model that wrote it.
  await page.reload();
  await page
    .getByTestId('past-reports')
    .getByRole('button', { name: /Tidal energy/ })
    .first()
    .click();
  await expect(page.getByTestId('report-model').getByTestId('model-badge')).toHaveText(FAKE);
});

test('screenshots of the chat and report pages with two models, light and dark, desktop and phone; no serious axe findings', async ({
  page,
  context,
}) => {
  await signedIn(app, context);
  const noSeriousFindings = async (where: string) => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      where,
    ).toEqual([]);
  };
  for (const [device, size] of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.goto(`${app.url}/chat`);
      const chat = new ChatPage(page);
      await page.getByRole('combobox', { name: 'Model' }).selectOption(FAKE);
      await chat.send('Name a river');
      await chat.settledReply();
      await page.screenshot({ path: `test-results/screenshots/chat-models-${device}-${scheme}.png` });
      await noSeriousFindings(`/chat (${device}, ${scheme})`);
      await page.goto(`${app.url}/report`);
      await page.getByRole('combobox', { name: 'Model' }).selectOption(FAKE);
      await page.getByLabel('Topic').fill('Tidal energy');
      await page.getByRole('button', { name: 'Write report' }).click();
      await expect(page.getByTestId('report-validated')).toBeVisible({ timeout: 20_000 });
      await page.screenshot({ path: `test-results/screenshots/report-models-${device}-${scheme}.png` });
      await noSeriousFindings(`/report (${device}, ${scheme})`);
    }
  }
});
