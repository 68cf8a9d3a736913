import { expect, test, type Page } from '@playwright/test';
import { startApp, type RunningApp } from '../support/app';
import { answerDialog, ChatPage, signedIn } from './support';

// What changes stored chat history, done in the browser and checked against what the server
// stored: edit and resend, regenerate, rename, delete with undo, search. Once per database.

for (const database of ['sqlite', 'postgresql'] as const) {
  test.describe(`chat history on ${database}`, () => {
    let app: RunningApp;
    test.beforeAll(async () => {
      app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '10' }, database);
    });
    test.afterAll(async () => app?.stop());

    const openChatId = (page: Page) => new URL(page.url()).pathname.split('/').pop()!;
    const stored = async (page: Page, id: string) => {
      const body = (await (await page.request.get(`${app.url}/api/sessions/${id}`)).json()) as {
        title: string;
        messages: Array<{ role: string; parts: Array<{ type: string; text?: string }> }>;
      };
      return body.messages.map((m) => [
        m.role,
        m.parts
          .filter((p) => p.type === 'text')
          .map((p) => p.text)
          .join(''),
      ]);
    };

    test('editing a message resends it in its place: the turns after it are replaced, in storage too', async ({ page, context }) => {
      await signedIn(app, context);
      await page.goto(`${app.url}/chat`);
      const chat = new ChatPage(page);
      for (const question of ['What is a tide?', 'And a wave?', 'And a current?']) {
        await chat.send(question);
        await chat.settledReply();
      }
      const id = openChatId(page);

      // Escape leaves the editor and keeps the message.
      const second = chat.userMessages().nth(1);
      await page.getByTestId('message-actions').nth(2).getByRole('button', { name: 'Edit and resend' }).click();
      const editor = page.getByRole('textbox', { name: 'Edited message' });
      await expect(editor).toBeFocused();
      await expect(editor).toHaveValue('And a wave?');
      await editor.press('Escape');
      await expect(editor).toHaveCount(0);
      await expect(second).toHaveText('And a wave?');

      await page.getByTestId('message-actions').nth(2).getByRole('button', { name: 'Edit and resend' }).click();
      await editor.fill('And a tsunami?');
      await editor.press('Enter');
      const reply = await chat.settledReply();
      expect(reply).toContain('Earlier in this conversation you asked: “What is a tide?”');
      expect(reply).not.toContain('And a wave?');
      await expect(chat.userMessages()).toHaveText(['What is a tide?', 'And a tsunami?']);
      await expect(chat.replies()).toHaveCount(2);

      const shown = await chat.replies().evaluateAll((replies) => replies.map((r) => r.querySelector('.prose-chat')?.textContent?.trim()));
      expect((await stored(page, id)).map(([role, text]) => [role, role === 'user' ? text : text?.trim()])).toEqual([
        ['user', 'What is a tide?'],
        ['assistant', shown[0]],
        ['user', 'And a tsunami?'],
        ['assistant', shown[1]],
      ]);
      // The same after a reload, and an edit right after the reload (by the stored ids) works too.
      await page.reload();
      await expect(chat.userMessages()).toHaveText(['What is a tide?', 'And a tsunami?']);
      await page.getByTestId('message-actions').first().getByRole('button', { name: 'Edit and resend' }).click();
      await editor.fill('What is the moon?');
      await page.getByRole('form', { name: 'Edit your message' }).getByRole('button', { name: 'Send' }).click();
      await chat.settledReply();
      await expect(chat.userMessages()).toHaveText(['What is the moon?']);
      expect((await stored(page, id)).map(([role]) => role)).toEqual(['user', 'assistant']);
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
      expect((await stored(page, openChatId(page))).map(([role]) => role)).toEqual(['user', 'assistant']);
    });

    test('the sidebar lists chats newest first with distinct titles, renames them, and a dialog closed by Escape changes nothing', async ({
      page,
      context,
    }) => {
      await signedIn(app, context);
      const chat = new ChatPage(page);
      for (const question of ['First topic', 'Second topic', 'Second topic']) {
        await page.goto(`${app.url}/chat`);
        await chat.send(question);
        await chat.settledReply();
      }
      const list = page.getByTestId('session-list').getByTestId('session-title');
      await expect(list).toHaveText(['Second topic (2)', 'Second topic', 'First topic']);

      await page.getByRole('button', { name: 'Rename First topic' }).click();
      await answerDialog(page, 'Rename', 'Renamed topic');
      await expect(list).toHaveText(['Renamed topic', 'Second topic (2)', 'Second topic']);

      await page.getByRole('button', { name: 'Rename Second topic', exact: true }).click();
      await expect(page.getByRole('dialog').getByRole('textbox')).toBeFocused();
      await page.keyboard.press('Escape');
      await expect(page.getByRole('dialog')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Rename Second topic', exact: true })).toBeFocused();
      await expect(list).toHaveText(['Renamed topic', 'Second topic (2)', 'Second topic']);
    });

    test('a deleted chat can be brought back with Undo; left alone, it is deleted on the server', async ({ page, context }) => {
      await signedIn(app, context);
      const chat = new ChatPage(page);
      for (const question of ['Keep me', 'Undo me']) {
        await page.goto(`${app.url}/chat`);
        await chat.send(question);
        await chat.settledReply();
      }
      const undoId = openChatId(page);
      const list = page.getByTestId('session-list').getByTestId('session-title');

      // The open chat: deleting it clears the view; Undo brings the chat and its page back.
      await page.getByRole('button', { name: 'Delete Undo me' }).click();
      await expect(page).toHaveURL(/\/chat$/);
      await expect(chat.userMessages()).toHaveCount(0);
      await expect(list).toHaveText(['Keep me']);
      await page.getByTestId('undo-delete').getByRole('button', { name: 'Undo' }).click();
      await expect(list).toHaveText(['Undo me', 'Keep me']);
      await expect(page).toHaveURL(new RegExp(`/chat/${undoId}$`));
      await expect(chat.userMessages()).toHaveText(['Undo me']);
      expect((await page.request.get(`${app.url}/api/sessions/${undoId}`)).status()).toBe(200);

      // By keyboard: a chat that is not open, deleted with Enter; the focus lands on Undo.
      await page.getByRole('button', { name: 'Delete Keep me' }).focus();
      await page.keyboard.press('Enter');
      await expect(list).toHaveText(['Undo me']);
      await expect(page.getByTestId('undo-delete').getByRole('button', { name: 'Undo' })).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(list).toHaveText(['Undo me', 'Keep me']);

      // Not undone: gone from the server once the offer ends, and after a reload.
      await page.getByRole('button', { name: 'Delete Undo me' }).click();
      await expect(page.getByTestId('undo-delete')).toBeVisible();
      await expect(page.getByTestId('undo-delete')).toHaveCount(0, { timeout: 10_000 });
      await expect.poll(async () => (await page.request.get(`${app.url}/api/sessions/${undoId}`)).status()).toBe(404);
      await page.reload();
      await expect(list).toHaveText(['Keep me']);
    });

    test('deleting the open chat, then a new message, starts a new chat; leaving the page still deletes', async ({ page, context }) => {
      await signedIn(app, context);
      await page.goto(`${app.url}/chat`);
      const chat = new ChatPage(page);
      await chat.send('Doomed topic');
      await chat.settledReply();
      const deletedId = openChatId(page);

      await page.getByRole('button', { name: 'Delete Doomed topic' }).click();
      await expect(page).toHaveURL(/\/chat$/);
      await expect(chat.userMessages()).toHaveCount(0);
      await chat.send('A fresh start');
      await chat.settledReply();
      await expect(chat.userMessages()).toHaveText(['A fresh start']);
      expect(openChatId(page)).not.toBe(deletedId);
      await expect(page.getByTestId('session-list').getByTestId('session-title')).toHaveText(['A fresh start']);

      // A delete still waiting for its Undo is sent when the page goes away.
      const freshId = openChatId(page);
      await page.getByRole('button', { name: 'Delete A fresh start' }).click();
      await page.goto(`${app.url}/report`);
      await expect.poll(async () => (await page.request.get(`${app.url}/api/sessions/${freshId}`)).status()).toBe(404);
      expect((await page.request.get(`${app.url}/api/sessions/${deletedId}`)).status()).toBe(404);
    });

    test('search finds chats by title or message text on the server, shows the match, and pages', async ({ page, context }) => {
      await signedIn(app, context);
      const chat = new ChatPage(page);
      for (const question of ['Tell me about volcanoes', 'Gardening tips', 'Why do VOLCANOES erupt?']) {
        await page.goto(`${app.url}/chat`);
        await chat.send(question);
        await chat.settledReply();
        if (question === 'Gardening tips') {
          await chat.send('How deep do roots grow?');
          await chat.settledReply();
        }
      }
      await page.getByRole('button', { name: 'Rename Gardening tips' }).click();
      await answerDialog(page, 'Rename', 'Volcano garden');

      const search = page.getByRole('searchbox', { name: 'Search chats' });
      const results = page.getByTestId('search-results');
      await search.fill('volcano');
      await expect(results.getByRole('link')).toHaveCount(3);
      await expect(results.getByTestId('search-match')).toHaveText(['Why do VOLCANOES erupt?', 'Tell me about volcanoes']);

      // Found by a later message's text: the match shows it under the chat's own title.
      await search.fill('ROOTS');
      await expect(results.getByRole('link')).toHaveCount(1);
      await expect(results.getByRole('link')).toContainText('Volcano garden');
      await expect(results.getByTestId('search-match')).toHaveText('How deep do roots grow?');

      await search.fill('erupt');
      await expect(results.getByTestId('session-title')).toHaveText(['Why do VOLCANOES erupt?']);
      await results.getByRole('link').click();
      await expect(chat.userMessages()).toHaveText(['Why do VOLCANOES erupt?']);

      await search.fill('nothing like this');
      await expect(results).toContainText('No chat matches');
      await search.fill('');
      await expect(page.getByTestId('session-list').getByRole('link')).toHaveCount(3);

      // Past a page of results, more are fetched on request.
      for (let i = 0; i < 21; i++) {
        const response = await page.request.post(`${app.url}/api/chat`, {
          data: { session_id: `paged-${database}-${Date.now()}-${i}`, message: `Paging probe ${i}` },
        });
        await response.text();
      }
      await search.fill('paging probe');
      await expect(results.getByRole('link')).toHaveCount(20);
      await results.getByRole('button', { name: 'More results' }).click();
      await expect(results.getByRole('link')).toHaveCount(21);
      await expect(results.getByRole('button', { name: 'More results' })).toHaveCount(0);
    });
  });
}
