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

  composer = () => this.page.getByLabel('Message');
  replies = () => this.page.getByTestId('assistant-message');
  userMessages = () => this.page.getByTestId('user-message');
  lastReply = () => this.replies().last();
  sendButton = () => this.page.getByRole('button', { name: 'Send' });
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
