import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { startApp, TEST_REDIS_URL, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { parseUiStream } from '../support/sse';
import { createKey, newUser, type TestUser } from '../support/users';

// A reply whose connection dropped is read again, from its first chunk to its end, by the page
// that reconnects; with Redis, on any replica; and a stop asked of one replica stops the reply
// another is streaming.

const apps: RunningApp[] = [];
after(async () => Promise.all(apps.map((app) => app.stop())));

const send = (app: RunningApp, user: TestUser, id: string, text: string) =>
  fetch(`${app.url}/api/ui/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...user.bearer },
    body: JSON.stringify({ id, message: { role: 'user', parts: [{ type: 'text', text }] } }),
  });
const resume = (app: RunningApp, user: TestUser, id: string) => fetch(`${app.url}/api/ui/chat/${id}/stream`, { headers: user.bearer });
const stored = async (app: RunningApp, user: TestUser, id: string) =>
  (
    (await (await fetch(`${app.url}/api/sessions/${id}`, { headers: user.bearer })).json()) as {
      messages: { id: string; status: string; parts: { type: string; text?: string }[] }[];
    }
  ).messages[1];
const textOf = (chunks: Array<Record<string, unknown>>) =>
  chunks
    .filter((c) => c.type === 'text-delta')
    .map((c) => c.delta)
    .join('');

/** Reads a few chunks of a reply, then drops the connection. */
async function dropAfterAFewChunks(response: Response) {
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  for (let i = 0; i < 5; i++) await reader.read();
  await reader.cancel();
}

async function assertResumesWhole(reader: RunningApp, writer: RunningApp, user: TestUser) {
  const id = randomUUID();
  await dropAfterAFewChunks(await send(writer, user, id, 'Tell me about tides, slowly'));
  const resumed = await resume(reader, user, id);
  assert.equal(resumed.status, 200);
  assert.match(resumed.headers.get('content-type') ?? '', /^text\/event-stream/);
  const chunks = parseUiStream(await resumed.text());
  const reply = await stored(writer, user, id);
  assert.equal(reply?.status, 'complete');
  assert.equal(chunks[0]?.type, 'start');
  assert.equal(chunks[0]?.messageId, reply?.id, 'the same message, from its start');
  assert.equal(chunks.at(-1)?.type, 'finish');
  const whole = reply!.parts
    .filter((p) => p.type === 'text')
    .map((p) => p.text)
    .join('');
  assert.match(whole, /^Here is a short reply about “Tell me about tides, slowly” from Streamwright's built-in offline model\. .{60,}/);
  assert.equal(textOf(chunks), whole, 'no text missing, none twice');
  assert.equal((await resume(reader, user, id)).status, 204, 'nothing to resume once it ended');
}

describe('resumable replies', () => {
  test('in one process: a dropped reply is read again whole; nothing to resume is 204', async () => {
    const app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '40' });
    apps.push(app);
    const user = await newUser(app);
    await assertResumesWhole(app, app, user);
  });

  test("an unknown id, or another user's session while its reply streams, is 404, never 204", async () => {
    const app = await startApp({ OFFLINE_TOKEN_DELAY_MS: '40' });
    apps.push(app);
    const [alice, bob] = [await newUser(app), await newUser(app)];
    const id = randomUUID();
    const streaming = await send(app, alice, id, 'Tell me about tides, slowly');
    const reader = streaming.body!.getReader();
    await reader.read();
    for (const [who, sessionId] of [
      [bob, id],
      [alice, randomUUID()],
    ] as const) {
      const response = await resume(app, who, sessionId);
      assert.equal(response.status, 404);
      assert.deepEqual(await response.json(), { error: 'not_found', detail: 'No such session' });
    }
    const own = await resume(app, alice, id);
    assert.equal(own.status, 200, 'the owner resumes it');
    await Promise.all([own.body?.cancel(), reader.cancel()]);
  });

  test('two replicas through Redis: resumed on the other one; stopped from the other one; a key revoked on one refused by the other at once', async () => {
    const settings = { REDIS_URL: TEST_REDIS_URL, OFFLINE_TOKEN_DELAY_MS: '40' };
    const first = await startApp(settings, 'postgresql');
    apps.push(first);
    const second = await startApp(settings, 'postgresql', { replicaOf: first });
    apps.push(second);
    const user = await newUser(first);
    await assertResumesWhole(second, first, user);

    const id = randomUUID();
    const streaming = await send(first, user, id, 'Go on and on');
    const reader = streaming.body!.getReader();
    await reader.read();
    const stop = await fetch(`${second.url}/api/sessions/${id}/stop`, { method: 'POST', headers: user.bearer });
    assert.deepEqual(await stop.json(), { stopped: true });
    while (!(await reader.read()).done) {
      // the stream ends by itself once the other replica stopped the run
    }
    await eventually(async () => (await stored(first, user, id))?.status === 'stopped', 'stored as stopped');
    const other = await fetch(`${second.url}/api/sessions/${id}/stop`, { method: 'POST', headers: user.bearer });
    assert.deepEqual(await other.json(), { stopped: false }, 'nothing left to stop');

    // The second replica has the key in its cache of live keys; revoking it on the first reaches it
    // well before that cache would have let go of it (10 s).
    const { id: keyId, key } = await createKey(first, user.bearer);
    const me = () => fetch(`${second.url}/api/me`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await me()).status, 200);
    assert.equal((await fetch(`${first.url}/api/keys/${keyId}`, { method: 'DELETE', headers: user.bearer })).status, 204);
    await eventually(async () => (await me()).status === 401, 'the revoked key refused by the other replica', 1000);
  });
});
