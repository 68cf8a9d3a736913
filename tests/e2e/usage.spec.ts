import { expect, test } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { cspViolations, signedIn } from './support';

// The usage page shows exactly what the user's runs spent, as GET /api/usage reports it: the
// table beside the chart, today's tokens, and runs by outcome; the chart draws under the CSP;
// and it is reached from the header and the phone menu. Pictured light and dark, desktop and phone.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '10', DAILY_TOKEN_BUDGET: '50000', DAILY_INPUT_TOKEN_BUDGET: '0' });
});
test.afterAll(async () => app?.stop());

interface Usage {
  days: Array<{ date: string; models: Array<{ model: string; runs: number; input_tokens: number; output_tokens: number }> }>;
  today: { input_tokens: number; output_tokens: number };
  runs: { complete: number; stopped: number; failed: number };
}

test('the usage page shows the figures of the runs made, under the CSP, on desktop and phone', async ({ page, context }) => {
  const seen = await cspViolations(page);
  const user = await signedIn(app, context);
  const stream = (prompt: string, signal?: AbortSignal) =>
    fetch(`${app.url}/api/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user.bearer },
      body: JSON.stringify({ q: prompt }),
      signal,
    });
  // Two complete runs, and one a client leaves (stopped).
  await (await stream('Hello there')).text();
  await (await stream('What is the price of a desk lamp?')).text();
  const leaving = new AbortController();
  await (await stream('Tell me a long story', leaving.signal)).body!.getReader().read();
  leaving.abort();
  const usage = async () => (await (await fetch(`${app.url}/api/usage`, { headers: user.bearer })).json()) as Usage;
  await expect.poll(async () => (await usage()).runs.stopped).toBe(1);
  const expected = await usage();
  expect(expected.runs).toEqual({ complete: 2, stopped: 1, failed: 0 });
  const rows = expected.days.flatMap((day) => day.models.map((entry) => ({ ...entry, date: day.date })));
  expect(rows).toHaveLength(1);
  expect(rows[0]!.output_tokens, 'the runs spent tokens').toBeGreaterThan(0);

  await page.goto(`${app.url}/chat`);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/usage$/);
  await expect(page.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();

  // The table holds exactly the API's figures, one row per day and model.
  const tableRows = page.getByTestId('usage-row');
  await expect(tableRows).toHaveCount(rows.length);
  const format = (n: number) => new Intl.NumberFormat('en').format(n);
  for (const row of rows) {
    const line = page.locator(`[data-testid="usage-row"][data-date="${row.date}"][data-model="${row.model}"]`);
    await expect(line.getByTestId('usage-runs')).toHaveText(format(row.runs));
    await expect(line.getByTestId('usage-input')).toHaveText(format(row.input_tokens));
    await expect(line.getByTestId('usage-output')).toHaveText(format(row.output_tokens));
  }
  await expect(page.getByTestId('today-input-spent')).toHaveText(format(expected.today.input_tokens));
  await expect(page.getByTestId('today-output-spent')).toHaveText(format(expected.today.output_tokens));
  await expect(page.getByTestId('today-output')).toContainText('of 50,000');
  await expect(page.getByTestId('today-input')).toContainText('no daily budget');
  for (const outcome of ['complete', 'stopped', 'failed'] as const)
    await expect(page.getByTestId(`runs-${outcome}`)).toHaveText(format(expected.runs[outcome]));

  // The chart is drawn: one input and one output bar for today (other days have none).
  const chart = page.getByTestId('usage-chart');
  await expect(chart.locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  await expect(chart.locator('.recharts-bar-rectangle path')).toHaveCount(2);

  for (const [device, size] of [
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.reload();
      await expect(chart.locator('.recharts-bar-rectangle path')).toHaveCount(2);
      await page.screenshot({ path: `test-results/screenshots/usage-${device}-${scheme}.png` });
      // The page scrolls inside the app's frame: the table, below the chart, pictured on its own.
      await page.getByTestId('usage-table').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `test-results/screenshots/usage-table-${device}-${scheme}.png` });
    }
  }

  // On a phone the page is in the menu too.
  await page.goto(`${app.url}/keys`);
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.locator('#phone-menu').getByRole('link', { name: 'Usage' }).click();
  await expect(page).toHaveURL(/\/usage$/);
  await expect(tableRows).toHaveCount(rows.length);

  expect(seen, 'CSP violations').toEqual([]);
});
