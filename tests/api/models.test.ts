import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startApp, type Database, type RunningApp } from '../support/app';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { fetchFrames, joinedText, parseUiStream } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// Several models offered at once: the `model` field of every streaming endpoint reaches the model
// it names (the fake OpenAI server sees the request, or the offline model answers), an unknown
// one is refused before any stream, `/api/models` lists them, and a chat session remembers its
// model across turns and reloads, on SQLite and PostgreSQL.

const FAKE = 'openai-chat:fake-model';

interface Offered {
  id: string;
  provider: string;
  tools: boolean;
  structured_output: boolean;
  default: boolean;
}

for (const database of ['sqlite', 'postgresql'] as Database[]) {
  describe(`several models on ${database}`, () => {
    let fake: FakeOpenAI;
    let app: RunningApp;
    let alice: TestUser;
    let marker = 0;
    /** A prompt no other test sends, so the fake's log tells whether this one reached it. */
    const unique = (text: string) => `${text} #${++marker}-${randomUUID().slice(0, 8)}`;
    const reachedFake = (prompt: string) => fake.requests.some((r) => JSON.stringify(r.body).includes(prompt));

    const post = (path: string, body: unknown, user = alice) =>
      fetch(`${app.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify(body),
      });
    const session = async (id: string) => {
      const response = await fetch(`${app.url}/api/sessions/${id}`, { headers: alice.bearer });
      assert.equal(response.status, 200, 'the session reads back');
      return (await response.json()) as { model: string | null; messages: Array<{ role: string; model: string | null }> };
    };
    const replyModels = async (id: string) =>
      (await session(id)).messages.filter((message) => message.role === 'assistant').map((message) => message.model);

    before(async () => {
      fake = await startFakeOpenAI();
      // The offline model is the default; the fake one is offered beside it.
      app = await startApp(
        { MODELS: `offline,${FAKE}`, MODEL: 'offline', OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: 'sk-test' },
        database,
      );
      alice = await newUser(app);
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    test('GET /api/models lists the offered models, the default first and marked', async () => {
      const response = await fetch(`${app.url}/api/models`, { headers: alice.bearer });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { models: Offered[]; default: string };
      assert.equal(body.default, 'offline');
      assert.deepEqual(body.models, [
        { id: 'offline', provider: 'offline', tools: true, structured_output: true, default: true },
        { id: FAKE, provider: 'openai-chat', tools: true, structured_output: true, default: false },
      ]);
      assert.equal((await fetch(`${app.url}/api/models`)).status, 401, 'signed-in users only');
    });

    test('every guide endpoint: the named model answers, the default otherwise', async () => {
      for (const path of ['/api/stream', '/api/stream/text', '/api/stream/events', '/api/stream/structured']) {
        const named = unique('Tell me about tides');
        const viaFake = await fetchFrames(`${app.url}${path}?${new URLSearchParams({ q: named, model: FAKE })}`, { headers: alice.bearer });
        assert.equal(viaFake.status, 200, `${path} with the fake model`);
        assert.equal(viaFake.model, FAKE, `${path}: the header names the model that answered`);
        assert.ok(reachedFake(named), `${path}: the fake OpenAI server got the request`);

        const plain = unique('Tell me about tides');
        const viaDefault = await fetchFrames(`${app.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...alice.bearer },
          body: JSON.stringify({ q: plain }),
        });
        assert.equal(viaDefault.status, 200, `${path} with no model`);
        assert.equal(viaDefault.model, 'offline', `${path}: the default answered`);
        assert.ok(!reachedFake(plain), `${path}: the fake server never saw the default's request`);
      }
      const viaFake = await fetchFrames(`${app.url}/api/stream/text?${new URLSearchParams({ q: 'hi there', model: FAKE })}`, {
        headers: alice.bearer,
      });
      assert.equal(joinedText(viaFake.frames), 'Echo: hi there', 'the fake model’s own words');
    });

    test('the report page’s stream: the named model writes the report, and the stored report names it', async () => {
      const storedModel = async (response: Response) => {
        const id = response.headers.get('x-report-id') ?? assert.fail('no x-report-id');
        const stored = await fetch(`${app.url}/api/reports/${id}`, { headers: alice.bearer });
        assert.equal(stored.status, 200);
        return ((await stored.json()) as { model: string | null }).model;
      };
      const topic = unique('Tidal energy');
      const response = await post('/api/ui/report', { topic, model: FAKE });
      assert.equal(response.status, 200, await response.clone().text());
      assert.equal(response.headers.get('x-streamwright-model'), FAKE);
      await response.text();
      assert.ok(reachedFake(topic), 'the fake server wrote the report');
      assert.equal(await storedModel(response), FAKE);
      const plain = await post('/api/ui/report', { topic: unique('Tidal energy') });
      assert.equal(plain.headers.get('x-streamwright-model'), 'offline');
      await plain.text();
      assert.equal(await storedModel(plain), 'offline', 'a report that names no model stores the default');
    });

    test('an unknown model is refused on every endpoint: 400 invalid_parameter, field model, naming the offered ones', async () => {
      const cases: Array<[string, unknown, string]> = [
        ['/api/stream', { q: 'hi', model: 'openai:nope' }, 'model'],
        ['/api/stream/text', { q: 'hi', model: 'openai:nope' }, 'model'],
        ['/api/stream/events', { q: 'hi', model: 'openai:nope' }, 'model'],
        ['/api/stream/structured', { q: 'hi', model: 'openai:nope' }, 'model'],
        ['/api/ui/report', { topic: 'hi', model: 'openai:nope' }, 'model'],
        ['/api/chat', { session_id: randomUUID(), message: 'hi', model: 'openai:nope' }, 'model'],
        [
          '/api/ui/chat',
          { id: randomUUID(), message: { role: 'user', parts: [{ type: 'text', text: 'hi' }] }, model: 'openai:nope' },
          'model',
        ],
        [
          '/api/ag-ui',
          {
            threadId: randomUUID(),
            runId: 'r',
            messages: [{ id: 'u', role: 'user', content: 'hi' }],
            forwardedProps: { model: 'openai:nope' },
          },
          'forwardedProps.model',
        ],
        ['/api/stream', { q: 'hi', model: 7 }, 'model'],
      ];
      for (const [path, body, field] of cases) {
        const response = await post(path, body);
        assert.equal(response.status, 400, `${path} refuses ${JSON.stringify(body)}`);
        const error = (await response.json()) as { error: string; field: string; detail: string };
        assert.equal(error.error, 'invalid_parameter', path);
        assert.equal(error.field, field, path);
        if (typeof (body as { model?: unknown }).model === 'string' || field !== 'model') {
          assert.match(error.detail, /offline, openai-chat:fake-model/, `${path}: the detail names the offered models`);
        }
      }
      const query = await fetch(`${app.url}/api/stream?q=hi&model=nope`, { headers: alice.bearer });
      assert.equal(query.status, 400, 'a GET query is checked the same way');
      assert.equal(((await query.json()) as { field: string }).field, 'model');
    });

    test('a chat session remembers its model: named once, it answers the next turns and shows in the session', async () => {
      const id = randomUUID();
      const first = unique('First question');
      const one = await fetchFrames(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ session_id: id, message: first, model: FAKE }),
      });
      assert.equal(one.model, FAKE);
      assert.ok(reachedFake(first), 'the named model answered the first turn');

      const second = unique('Second question');
      const two = await fetchFrames(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...alice.bearer },
        body: JSON.stringify({ session_id: id, message: second }),
      });
      assert.equal(two.model, FAKE, 'a turn that names no model uses the session’s');
      assert.ok(reachedFake(second), 'the session’s model got the second turn');
      assert.equal((await session(id)).model, FAKE, '/api/sessions/{id} shows the session’s model');
      const listed = (await (await fetch(`${app.url}/api/sessions`, { headers: alice.bearer })).json()) as {
        sessions: Array<{ id: string; model: string | null }>;
      };
      assert.equal(listed.sessions.find((s) => s.id === id)?.model, FAKE, '/api/sessions shows it too');

      // The UI stream: another model named, then none; each reply stores the model that answered.
      const ui = (text: string, model?: string) =>
        post('/api/ui/chat', {
          id,
          message: { id: randomUUID(), role: 'user', parts: [{ type: 'text', text }] },
          ...(model ? { model } : {}),
        });
      const third = await ui(unique('Third question'), 'offline');
      assert.equal(third.headers.get('x-streamwright-model'), 'offline');
      const chunks = parseUiStream(await third.text());
      const metadata = chunks.find((chunk) => chunk.type === 'start')?.messageMetadata as { model?: string } | undefined;
      assert.equal(metadata?.model, 'offline', 'the UI stream’s message metadata names the model');
      const fourth = await ui(unique('Fourth question'));
      assert.equal(fourth.headers.get('x-streamwright-model'), 'offline', 'the session now remembers the offline model');
      await fourth.text();
      assert.equal((await session(id)).model, 'offline');
      assert.deepEqual(await replyModels(id), [FAKE, FAKE, 'offline', 'offline'], 'each reply stores the model that answered');

      // Regenerating with no model: the session's; naming one: that one.
      const again = await post('/api/ui/chat', { id, trigger: 'regenerate-message', model: FAKE });
      assert.equal(again.headers.get('x-streamwright-model'), FAKE);
      await again.text();
      assert.deepEqual(await replyModels(id), [FAKE, FAKE, 'offline', FAKE]);
    });

    test('a session that names no model gets the default, and remembers it', async () => {
      const id = randomUUID();
      const response = await post('/api/chat', { session_id: id, message: 'hello' });
      assert.equal(response.headers.get('x-streamwright-model'), 'offline');
      await response.text();
      assert.equal((await session(id)).model, 'offline');
    });

    test('AG-UI: forwardedProps.model picks the model, the thread remembers it', async () => {
      const threadId = randomUUID();
      const content = unique('Hello from AG-UI');
      const run = await post('/api/ag-ui', {
        threadId,
        runId: 'r1',
        messages: [{ id: 'u1', role: 'user', content }],
        forwardedProps: { model: FAKE },
      });
      assert.equal(run.status, 200);
      assert.equal(run.headers.get('x-streamwright-model'), FAKE);
      await run.text();
      assert.ok(reachedFake(content), 'the fake server answered the AG-UI run');
      assert.equal((await session(threadId)).model, FAKE, 'the thread remembers the model');

      const next = unique('And again');
      const second = await post('/api/ag-ui', {
        threadId,
        runId: 'r2',
        messages: [
          { id: 'u1', role: 'user', content },
          { id: 'u2', role: 'user', content: next },
        ],
      });
      assert.equal(second.headers.get('x-streamwright-model'), FAKE, 'a run with no model uses the thread’s');
      await second.text();
      assert.ok(reachedFake(next));
    });

    test('a session whose model is no longer offered falls back to the default', async () => {
      const id = randomUUID();
      await (await post('/api/chat', { session_id: id, message: 'hi', model: FAKE })).text();
      // The same database, served with only the offline model on offer.
      const narrower = await startApp({ MODEL: 'offline' }, database, { replicaOf: app });
      try {
        const response = await fetch(`${narrower.url}/api/chat`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...alice.bearer },
          body: JSON.stringify({ session_id: id, message: 'still there?' }),
        });
        assert.equal(response.status, 200);
        assert.equal(response.headers.get('x-streamwright-model'), 'offline');
        await response.text();
      } finally {
        await narrower.stop();
      }
      assert.equal((await session(id)).model, 'offline', 'it now remembers the model that answered');
    });
  });
}
