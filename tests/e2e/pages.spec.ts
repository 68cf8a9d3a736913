import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { answerDialog, ChatPage, signedIn } from './support';

// The report, inspector and API keys pages against the offline model; an accessibility scan and
// screenshots of every page (the account page's own tests are in account.spec.ts).

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '20' });
});
test.afterAll(async () => app?.stop());

test('the report fills in field by field, is marked validated, and can be reopened', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/report`);
  await page.getByLabel('Topic').fill('Solar power');
  await page.getByRole('button', { name: 'Write report' }).click();

  const report = page.getByTestId('report');
  const seen: string[] = [];
  while ((await report.getAttribute('data-phase')) !== 'complete') {
    const text = await report.innerText();
    if ((await report.getAttribute('data-phase')) === 'streaming' && text !== seen.at(-1)) seen.push(text);
    await page.waitForTimeout(25);
  }
  const intermediate = seen.filter((text) => text.includes('Research brief'));
  expect(intermediate.length, `intermediate states: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(2);
  expect(intermediate.some((text) => !text.includes('Key findings'))).toBe(true);

  await expect(page.getByTestId('report-validated')).toHaveText('✓ Validated');
  await expect(page.getByTestId('report-title')).toHaveText('Research brief: Solar power');
  await expect(page.getByTestId('report-findings').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('report-confidence')).toHaveAttribute('value', '0.54');

  await page.goto(`${app.url}/report`);
  await expect(page.getByTestId('report-title')).toHaveText('No report yet');
  const past = page.getByTestId('past-reports').getByRole('button', { name: /Solar power/ });
  await expect(past).toContainText(/complete · .*\d{1,2}:\d{2}/);
  await expect(past).not.toHaveAttribute('aria-current');
  await past.click();
  await expect(page.getByTestId('report-title')).toHaveText('Research brief: Solar power');
  await expect(page.getByTestId('report-validated')).toBeVisible();
  await expect(past).toHaveAttribute('aria-current', 'true');
});

test('the inspector shows the run as a timeline, with time to first token', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/inspector`);
  await page.getByLabel('Prompt').fill('What is the price of a desk lamp?');
  await page.getByRole('button', { name: 'Run' }).click();
  const labels = page.getByTestId('timeline').getByTestId('event-label');
  await expect(labels.last()).toHaveText('done');
  const all = await labels.allInnerTexts();
  const order = ['response', 'part_start', 'tool_call', 'tool_result', 'text_delta', 'usage', 'result', 'done'];
  expect(order.map((label) => all.indexOf(label))).toEqual([...order.map((label) => all.indexOf(label))].sort((a, b) => a - b));
  expect(order.every((label) => all.includes(label))).toBe(true);
  await expect(page.getByTestId('inspector-summary')).toHaveText(/Time to first token: \d+ ms · Total: \d+ ms · Events: \d+/);

  // An event opens to its whole data, wrapped to the page, on a phone too.
  await page.setViewportSize({ width: 390, height: 844 });
  const result = page.getByTestId('event').filter({ has: page.getByTestId('event-label').getByText('tool_result', { exact: true }) });
  await expect(result.getByTestId('event-detail')).toBeHidden();
  await result.locator('summary').click();
  const detail = result.getByTestId('event-detail');
  await expect(detail).toContainText('"tool": "lookup_price"');
  await expect(detail).toContainText(/price\\?":\s*45\b/);
  await expect(detail).toContainText('GBP');
  expect(await detail.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
});

test('an API key is shown once, works, and stops working when revoked', async ({ page, context }) => {
  await signedIn(app, context);
  await page.goto(`${app.url}/keys`);
  await page.getByLabel('Key name').fill('laptop script');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key-value').innerText()).trim();
  expect(key).toMatch(/^sk_[\w-]{40}$/);
  const me = () => fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
  expect((await me()).status).toBe(200);

  await page.reload();
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  await expect(page.getByTestId('key-list')).toContainText('laptop script');
  await expect(page.getByTestId('key-list')).not.toContainText(key);

  await page.getByRole('button', { name: 'Revoke laptop script' }).click();
  await answerDialog(page, 'Revoke');
  await expect(page.getByTestId('key-list')).not.toContainText('laptop script');
  expect((await me()).status).toBe(401);
});

test('a key revoked while shown disappears from view, stays on record as revoked, and its curl line is whole', async ({
  page,
  context,
}) => {
  await signedIn(app, context);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${app.url}/keys`);
  await page.getByLabel('Key name').fill('quick test');
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = (await page.getByTestId('new-key-value').innerText()).trim();
  const curl = page.getByTestId('new-key-curl');
  await expect(curl).toContainText(`Bearer ${key}`);
  await expect(curl).toContainText('/api/stream?q=Hello+World');
  expect(await curl.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  await expect(page.getByRole('button', { name: 'Copy command' })).toBeVisible();

  await page.getByRole('button', { name: 'Revoke quick test' }).click();
  await answerDialog(page, 'Revoke');
  await expect(page.getByTestId('new-key')).toHaveCount(0);
  await expect(page.getByText(key)).toHaveCount(0);
  const revoked = page.getByTestId('revoked-keys');
  await revoked.getByText(/Revoked keys/).click();
  await expect(revoked).toContainText('quick test');
  await expect(revoked).toContainText(/revoked .*\d{1,2}:\d{2}/);
});

const PAGES = ['/sign-in', '/sign-up', '/chat', '/report', '/inspector', '/usage', '/keys', '/account', '/docs'];

async function withContent(page: Page, path: string) {
  await page.goto(`${app.url}${path}`);
  if (path === '/chat') {
    const chat = new ChatPage(page);
    await chat.send('What is the price of a coffee grinder?');
    await chat.settledReply();
  } else if (path === '/report') {
    await page.getByLabel('Topic').fill('Wind farms');
    await page.getByRole('button', { name: 'Write report' }).click();
    await expect(page.getByTestId('report-validated')).toBeVisible();
  } else if (path === '/inspector') {
    await page.getByLabel('Prompt').fill('What is the price of a desk lamp?');
    await page.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByTestId('event-label').last()).toHaveText('done');
  } else if (path === '/usage') {
    await expect(page.getByTestId('usage-chart').locator('.recharts-wrapper > svg.recharts-surface')).toBeVisible();
  } else if (path === '/keys') {
    await expect(page.getByTestId('key-list').locator('tr').first()).toBeVisible();
  } else if (path === '/docs') {
    await expect(page.getByRole('heading', { name: 'Streamwright API' })).toBeVisible();
  }
}

const SIZES = [
  ['desktop', { width: 1280, height: 800 }],
  ['phone', { width: 390, height: 844 }],
] as const;

test('no page has serious accessibility violations, in either theme or size', async ({ page, context }) => {
  test.setTimeout(180_000);
  await signedIn(app, context);
  for (const [device, size] of SIZES) {
    await page.setViewportSize(size);
    for (const path of PAGES) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await withContent(page, path);
        const axe = new AxeBuilder({ page });
        // Scalar's schema-variant pickers are named "Schema" while they show the variant ("object 1");
        // the reference is a maintained component whose markup is its own. Nothing else is exempt.
        if (path === '/docs') axe.disableRules(['label-content-name-mismatch']);
        const { violations } = await axe.analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          `${path} (${device}, ${scheme})`,
        ).toEqual([]);
      }
    }
  }
});

test("the chat's passing states are accessible too, and pictured: a search, an edit, an undo offer, the phone drawer", async ({
  page,
  context,
}) => {
  await signedIn(app, context);
  for (const [device, size] of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await withContent(page, '/chat');
      const scan = async (state: string) => {
        await page.screenshot({ path: `test-results/screenshots/chat-${state.replaceAll(' ', '-')}-${device}-${scheme}.png` });
        const { violations } = await new AxeBuilder({ page }).analyze();
        const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect(
          serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
          `${state} (${device}, ${scheme})`,
        ).toEqual([]);
      };
      await page.getByTestId('message-actions').first().getByRole('button', { name: 'Edit and resend' }).click();
      await scan('editing a message');
      await page.getByRole('textbox', { name: 'Edited message' }).press('Escape');
      if (device === 'phone') await page.getByRole('button', { name: '☰ Chats' }).click();
      await page.getByRole('searchbox', { name: 'Search chats' }).fill('coffee');
      await expect(page.getByTestId('search-match').first()).toBeVisible();
      await scan('search results');
      await page
        .getByRole('button', { name: /^Delete / })
        .first()
        .click();
      await expect(page.getByTestId('undo-delete')).toBeVisible();
      await scan('the undo offer');
      await page.getByTestId('undo-delete').getByRole('button', { name: 'Undo' }).click();
    }
  }
});

test('screenshots of every page, light and dark, desktop and phone', async ({ page, context }) => {
  await signedIn(app, context);
  for (const [device, size] of SIZES) {
    await page.setViewportSize(size);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const path of PAGES) {
        await withContent(page, path);
        await page.screenshot({ path: `test-results/screenshots/${path.slice(1)}-${device}-${scheme}.png`, fullPage: false });
      }
    }
  }
});
