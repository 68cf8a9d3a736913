import { expect, type BrowserContext, type Page } from '@playwright/test';
import type { RunningApp } from '../support/app';
import { newUser, type TestUser } from '../support/users';

/** A signed-up user whose session cookie is in the browser context. */
export async function signedIn(app: RunningApp, context: BrowserContext): Promise<TestUser> {
  const user = await newUser(app);
  const token = /next-auth\.session-token=([^;]+)/.exec(user.cookie)?.[1];
  if (!token) throw new Error('no session cookie');
  await context.addCookies([{ name: 'next-auth.session-token', value: token, url: app.url, httpOnly: true, sameSite: 'Lax' }]);
  return user;
}

/** The chat page, driven the way a person drives it. */
export class ChatPage {
  constructor(readonly page: Page) {}

  composer = () => this.page.getByRole('textbox', { name: 'Message', exact: true });
  replies = () => this.page.getByTestId('assistant-message');
  userMessages = () => this.page.getByTestId('user-message');
  lastReply = () => this.replies().last();
  sendButton = () => this.page.getByRole('button', { name: 'Send', exact: true });
  stopButton = () => this.page.getByRole('button', { name: 'Stop' });

  async send(text: string) {
    await this.composer().fill(text);
    await this.composer().press('Enter');
  }

  /** Waits until no reply is streaming, then returns the last reply's text. */
  async settledReply(): Promise<string> {
    await expect(this.sendButton()).toBeVisible({ timeout: 20_000 });
    await expect(this.page.getByTestId('thinking')).toHaveCount(0);
    return (await this.lastReply().locator('.prose-chat').allInnerTexts()).join('\n').trim();
  }
}

/** Answers the app's own dialog (not the browser's): fills its field when given, then presses `button`. */
export async function answerDialog(page: Page, button: string, fill?: string) {
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (fill !== undefined) await dialog.getByRole('textbox').fill(fill);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * Records what the page writes to the clipboard (reading it back is refused by the app's
 * Permissions-Policy, clipboard-read=()); `copied(page)` returns the last text written.
 */
export async function recordClipboard(page: Page) {
  await page.addInitScript(() => {
    const written: string[] = [];
    Object.defineProperty(window, '__copied', { value: written });
    navigator.clipboard.writeText = async (text: string) => {
      written.push(text);
    };
  });
}

export const copied = (page: Page) => page.evaluate(() => (window as unknown as { __copied: string[] }).__copied.at(-1));

/** CSP violations a page reports (its own events, and the console's), collected from the start of every page it loads. */
export async function cspViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeBinding('__reportViolation', (_source, line: string) => void seen.push(line));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) =>
        void (window as unknown as { __reportViolation(line: string): void }).__reportViolation(`${e.effectiveDirective} ${e.blockedURI}`),
      true,
    );
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}
