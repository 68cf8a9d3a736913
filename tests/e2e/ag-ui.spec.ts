import { HttpAgent } from '@ag-ui/client';
import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { startApp, type RunningApp } from '../support/app';
import { ChatPage, signedIn } from './support';

// A thread a program runs over AG-UI is a chat like any other: it shows in the browser, with the
// client tool's call and result, and the person can carry it on there.

let app: RunningApp;
test.beforeAll(async () => {
  app = await startApp({});
});
test.afterAll(async () => app?.stop());

test('a thread run over AG-UI shows up as a chat session, and goes on in the browser', async ({ page, context }) => {
  const user = await signedIn(app, context);
  const threadId = randomUUID();
  const agent = new HttpAgent({ url: `${app.url}/api/ag-ui`, headers: user.bearer, threadId });
  const tools = [
    {
      name: 'show_card',
      description: 'Shows a card in the app',
      parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
    },
  ];

  // The offline model calls a client tool the question names; the client answers it in a second run.
  agent.addMessage({ id: randomUUID(), role: 'user', content: 'Please use show_card for the weekly summary' });
  const first = await agent.runAgent({ runId: randomUUID(), tools });
  const [call] = first.newMessages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []));
  expect(call?.function.name).toBe('show_card');
  agent.addMessage({ id: randomUUID(), role: 'tool', toolCallId: call!.id, content: '{"shown":true}' });
  const second = await agent.runAgent({ runId: randomUUID(), tools });
  const answer = second.newMessages.find((m) => m.role === 'assistant')?.content;
  expect(answer).toContain('The show_card tool answered: {"shown":true}.');

  await page.goto(`${app.url}/chat`);
  const thread = page.getByTestId('session-list').getByRole('link', { name: 'Please use show_card for the weekly summary' });
  await thread.click();
  await expect(page).toHaveURL(`${app.url}/chat/${threadId}`);
  const chat = new ChatPage(page);
  await expect(chat.userMessages()).toHaveText(['Please use show_card for the weekly summary']);
  const card = chat.replies().first().getByTestId('tool-card');
  await expect(card).toContainText('show_card');
  await expect(card.getByTestId('tool-state')).toHaveText('result');
  await expect(card.getByTestId('tool-output')).toContainText('"shown": true');
  expect(await chat.settledReply()).toBe(answer);
  await page.screenshot({ path: 'test-results/screenshots/chat-ag-ui-thread.png' });

  // Regenerating answers the tool result again; then the person carries on where the program
  // stopped, and the model sees the whole thread.
  const replyIds = async () =>
    ((await (await page.request.get(`${app.url}/api/sessions/${threadId}`)).json()) as { messages: { id: string }[] }).messages.map(
      (m) => m.id,
    );
  const before = await replyIds();
  await page.getByRole('button', { name: 'Regenerate the last reply' }).click();
  expect(await chat.settledReply()).toBe(answer);
  await expect(chat.replies()).toHaveCount(2);
  const after = await replyIds();
  expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
  expect(after[2]).not.toBe(before[2]);
  await chat.send('Thanks, what did I ask first?');
  expect(await chat.settledReply()).toContain('Earlier in this conversation you asked: “Please use show_card for the weekly summary”.');
});
