import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startApp, TEST_POSTGRES_URL, TEST_REDIS_URL, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from '../support/fake-openai';
import { fetchFrames, joinedText, parseFrames, type Frame } from '../support/sse';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createKey, newUser, type TestUser } from '../support/users';

// Every fault the server must survive, one test each, over real HTTP against the built app: the
// model (the fake OpenAI server, read by the lean and the stock provider in turn) refusing, rate limiting,
// failing, hanging, cutting its stream or sending chunks that are not what it promised; a client
// that leaves mid-stream; the database or Redis out of reach. Each ends in a stable error code
// (an `event: error` inside the stream, or a JSON status before it), the server goes on serving,
// and what had arrived of a chat reply is stored with the status that says how it ended.

interface StoredMessage {
  role: string;
  parts: Array<{ type: string; text?: string }>;
  status: string;
  error: string | null;
}

const textOf = (message: StoredMessage | undefined) => message?.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') ?? '';
const SLOW_REPLY = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
const IDLE_MS = 1500;

type Wire = 'openai-chat' | 'openai';
type Provider = 'lean' | 'stock';
/** Each wire protocol, read both ways (OPENAI_PROVIDER): every model fault is checked on all four. */
const PATHS = (['openai-chat', 'openai'] as const).flatMap((wire) =>
  (['lean', 'stock'] as const).map((provider) => ({ wire, provider, name: `${wire}/${provider}` })),
);

let fake: FakeOpenAI;
const apps = new Map<string, { app: RunningApp; user: TestUser }>();
const others: RunningApp[] = [];

before(async () => {
  fake = await startFakeOpenAI();
  for (const { wire, provider, name } of PATHS) {
    const app = await startApp(modelSettings(wire, provider));
    apps.set(name, { app, user: await newUser(app) });
  }
});
after(async () => {
  await Promise.all([...apps.values(), ...others.map((app) => ({ app }))].map(({ app }) => app.stop()));
  await fake?.close();
});

const modelSettings = (wire: Wire = 'openai-chat', provider: Provider = 'lean') => ({
  MODEL: `${wire}:fake-model`,
  OPENAI_PROVIDER: provider,
  OPENAI_BASE_URL: fake.baseURL,
  OPENAI_API_KEY: 'sk-test',
  MODEL_IDLE_TIMEOUT_MS: String(IDLE_MS),
  MODEL_RETRY_MAX_WAIT_MS: '5000',
});

/** The upstream calls made for one prompt (each prompt carries a marker of its own). */
const upstream = (marker: string): RecordedRequest[] => fake.requests.filter((r) => JSON.stringify(r.body).includes(marker));

/** One chat turn through /api/chat: its frames, the stored reply, how long it took. */
async function chatTurn(app: RunningApp, user: TestUser, message: string) {
  const id = randomUUID();
  const started = Date.now();
  const response = await fetch(`${app.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...user.bearer },
    body: JSON.stringify({ session_id: id, message }),
  });
  assert.equal(response.status, 200);
  const frames = parseFrames(await response.text());
  const elapsed = Date.now() - started;
  return { id, frames, elapsed, reply: await storedReply(app, user, id) };
}

async function storedReply(app: RunningApp, user: TestUser, id: string): Promise<StoredMessage | undefined> {
  const response = await fetch(`${app.url}/api/sessions/${id}`, { headers: user.bearer });
  assert.equal(response.status, 200);
  return ((await response.json()) as { messages: StoredMessage[] }).messages[1];
}

/** The last two frames: the error the stream ended with, then `done`. */
function assertEndsWith(frames: Frame[], error: Record<string, unknown>) {
  assert.deepEqual(frames.slice(-2), [
    { event: 'error', data: error },
    { event: 'done', data: {} },
  ]);
}

/** The server still answers a normal request, start to finish. */
async function assertStillServing(app: RunningApp, user: TestUser) {
  const { status, frames } = await fetchFrames(`${app.url}/api/stream/text?q=${encodeURIComponent('Still serving?')}&max_tokens=20`, {
    headers: user.bearer,
  });
  assert.equal(status, 200);
  assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
  assert.equal(frames.filter((f) => f.event === 'error').length, 0);
  assert.equal(joinedText(frames), 'Echo: Still serving?');
}

/** Runs a check against the app of each wire protocol and provider, each with prompts of its own. */
async function onEachWire(check: (app: RunningApp, user: TestUser, path: string, mark: string) => Promise<void>) {
  for (const { name } of PATHS) {
    const { app, user } = apps.get(name)!;
    await check(app, user, name, `${name.replace('/', '-')}-${randomUUID().slice(0, 8)}`);
    await assertStillServing(app, user);
  }
}

describe('the model fails', () => {
  test('401: one call, model_error, the reply stored as failed', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply } = await chatTurn(app, user, `Refused ${mark} [[status 401]]`);
      assert.deepEqual(frames, [
        {
          event: 'error',
          data: { error: 'model_error', detail: 'The model provider answered HTTP 401: the server’s model credentials were refused' },
        },
        { event: 'done', data: {} },
      ]);
      assert.equal(upstream(mark).length, 1, 'a refusal is not retried');
      assert.deepEqual([reply?.status, reply?.error, textOf(reply)], ['failed', 'model_error', '']);
    });
  });

  test('429 with a short Retry-After: waited for, retried, answered', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply, elapsed } = await chatTurn(app, user, `Busy ${mark} [[fail-once 429 retry-after=1]]`);
      assert.equal(joinedText(frames), `Echo: Busy ${mark}`);
      assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
      assert.equal(frames.filter((f) => f.event === 'error').length, 0);
      assert.equal(upstream(mark).length, 2);
      assert.ok(elapsed >= 950, `the retry waited the second asked for (${elapsed} ms)`);
      assert.deepEqual([reply?.status, textOf(reply)], ['complete', `Echo: Busy ${mark}`]);
    });
  });

  test('429 with a Retry-After longer than MODEL_RETRY_MAX_WAIT_MS: not waited for, model_rate_limited with the wait', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply, elapsed } = await chatTurn(app, user, `Quota ${mark} [[status 429 retry-after=120]]`);
      assertEndsWith(frames, {
        error: 'model_rate_limited',
        detail: 'The model provider is rate limiting this server (HTTP 429); it asks to retry in 120 s',
        retry_after: 120,
      });
      assert.equal(upstream(mark).length, 1, 'no retry');
      assert.ok(elapsed < 1500, `answered at once (${elapsed} ms)`);
      assert.deepEqual([reply?.status, reply?.error], ['failed', 'model_rate_limited']);
    });
  });

  test('429 without Retry-After: retried after 1 s and 2 s, then model_rate_limited', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply, elapsed } = await chatTurn(app, user, `Throttled ${mark} [[status 429 bare]]`);
      assertEndsWith(frames, { error: 'model_rate_limited', detail: 'The model provider is rate limiting this server (HTTP 429)' });
      assert.equal(upstream(mark).length, 3);
      assert.ok(elapsed >= 2900 && elapsed < 5000, `backed off 1 s then 2 s (${elapsed} ms)`);
      assert.deepEqual([reply?.status, reply?.error], ['failed', 'model_rate_limited']);
    });
  });

  test('429 out of quota (insufficient_quota): not retried, a model_error that says so', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply } = await chatTurn(app, user, `Broke ${mark} [[status 429 quota]]`);
      assertEndsWith(frames, { error: 'model_error', detail: 'The model provider answered HTTP 429: the account is out of quota' });
      assert.equal(upstream(mark).length, 1, 'an empty account is not asked again');
      assert.deepEqual([reply?.status, reply?.error], ['failed', 'model_error']);
    });
  });

  test('500: retried twice, then model_error', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply } = await chatTurn(app, user, `Broken ${mark} [[status 500]]`);
      assertEndsWith(frames, { error: 'model_error', detail: 'The model provider answered HTTP 500: the provider failed' });
      assert.equal(upstream(mark).length, 3);
      assert.deepEqual([reply?.status, reply?.error], ['failed', 'model_error']);
    });
  });

  test('hangs before the first token (no answer at all, or headers and then nothing), mid-stream, or sending only keep-alive comments: abandoned after the idle timeout', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      for (const [directive, text] of [
        ['stall', ''],
        ['silent', ''],
        ['hang', `Echo: Hang ${mark}`],
        ['ping', `Echo: Hang ${mark}`],
      ] as const) {
        const { frames, reply, elapsed } = await chatTurn(app, user, `Hang ${mark} ${directive} [[${directive}]]`);
        assert.equal(joinedText(frames), text.startsWith('Echo') ? `Echo: Hang ${mark}` : '', directive);
        const error = frames.at(-2)?.data as { error: string; detail: string };
        assert.equal(error.error, 'model_error', directive);
        assert.match(error.detail, /^The model stopped responding \(/, directive);
        assert.ok(elapsed >= IDLE_MS - 100 && elapsed < IDLE_MS + 2500, `${directive}: abandoned after the idle timeout (${elapsed} ms)`);
        assert.deepEqual(
          [reply?.status, reply?.error, textOf(reply)],
          ['failed', 'model_error', text.startsWith('Echo') ? `Echo: Hang ${mark}` : ''],
          directive,
        );
        const calls = upstream(`${mark} ${directive}`);
        assert.equal(calls.length, 1, `${directive}: silence is not retried`);
        await eventually(() => calls[0]!.closedEarly, `${directive}: the upstream call was closed`);
      }
    });
  });

  test('stops mid-stream (connection dropped): model_error, the partial reply stored as failed', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply } = await chatTurn(app, user, `Cut ${mark} short [[cut]]`);
      assert.equal(joinedText(frames), `Echo: Cut ${mark}`);
      assertEndsWith(frames, { error: 'model_error', detail: 'The connection to the model provider was lost mid-stream' });
      assert.deepEqual([reply?.status, reply?.error, textOf(reply)], ['failed', 'model_error', `Echo: Cut ${mark}`]);
    });
  });

  test('sends an error object mid-stream: model_error, the partial reply stored as failed', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      const { frames, reply } = await chatTurn(app, user, `Half ${mark} an answer [[stream-error]]`);
      assert.equal(joinedText(frames), `Echo: Half ${mark}`);
      assertEndsWith(frames, { error: 'model_error', detail: 'The model provider sent a response that could not be used' });
      assert.deepEqual([reply?.status, reply?.error, textOf(reply)], ['failed', 'model_error', `Echo: Half ${mark}`]);
    });
  });

  test('sends malformed chunks (not JSON, or JSON of the wrong shape): model_error, what arrived stored as failed', async () => {
    await onEachWire(async (app, user, _wire, mark) => {
      for (const directive of ['bad-json', 'bad-shape']) {
        const message = `Garbled ${mark} ${directive} reply [[${directive}]]`;
        const { frames, reply } = await chatTurn(app, user, message);
        const whole = `Echo: Garbled ${mark} ${directive} reply`;
        assert.equal(joinedText(frames), whole, 'the good chunks around the bad one still arrive');
        assertEndsWith(frames, { error: 'model_error', detail: 'The model provider sent a response that could not be used' });
        assert.deepEqual([reply?.status, reply?.error, textOf(reply)], ['failed', 'model_error', whole], directive);
      }
    });
  });
});

describe('the client leaves mid-stream', () => {
  test('a stateless stream aborts its model call at once; a chat reply runs on and is stored complete', async () => {
    const { app, user } = apps.get('openai-chat/lean')!;
    const mark = randomUUID().slice(0, 8);

    const leaving = new AbortController();
    const response = await fetch(`${app.url}/api/stream/text?q=${encodeURIComponent(`Leaving ${mark} [[slow]]`)}`, {
      signal: leaving.signal,
      headers: user.bearer,
    });
    const reader = response.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /^data: \{"text":"word0"\}/);
    const leftAt = Date.now();
    leaving.abort();
    await eventually(() => upstream(`Leaving ${mark}`)[0]?.closedEarly === true, 'the upstream call was closed');
    assert.ok(Date.now() - leftAt < 2000, 'closed well before the 8-second reply would end');

    for (const endpoint of ['/api/chat', '/api/ui/chat'] as const) {
      const id = randomUUID();
      const text = `Tell me everything ${mark} ${endpoint} [[slow 5]]`;
      const controller = new AbortController();
      const body =
        endpoint === '/api/chat' ? { session_id: id, message: text } : { id, message: { role: 'user', parts: [{ type: 'text', text }] } };
      const turn = await fetch(`${app.url}${endpoint}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      await turn.body!.getReader().read();
      controller.abort();
      await eventually(async () => (await storedReply(app, user, id))?.status === 'complete', `${endpoint}: reply stored`, 10_000);
      assert.equal(textOf(await storedReply(app, user, id)), SLOW_REPLY, endpoint);
      assert.equal(upstream(`everything ${mark} ${endpoint}`)[0]?.closedEarly, false, `${endpoint}: the model call ran to its end`);
    }
    await assertStillServing(app, user);
  });
});

describe('a datastore is out of reach', () => {
  test('PostgreSQL cut off: 503 database_unavailable before any stream, not ready, a reply in flight is stored once it is back', async () => {
    const proxy: TcpProxy = await startTcpProxy(TEST_POSTGRES_URL);
    try {
      const app = await startApp(modelSettings(), 'postgresql', { rewriteDatabaseUrl: (url) => proxy.via(url) });
      others.push(app);
      const user = await newUser(app);
      const ready = await fetch(`${app.url}/api/ready`);
      assert.deepEqual([ready.status, await ready.json()], [200, { status: 'ready', checks: { database: 'ok' } }]);

      // A reply streaming when the database goes away.
      const id = randomUUID();
      const inFlight = await fetch(`${app.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ session_id: id, message: 'Keep talking [[slow 10]]' }),
      });
      const body = inFlight.text();
      await proxy.cut();

      const down = await fetch(`${app.url}/api/ready`);
      assert.deepEqual([down.status, await down.json()], [503, { status: 'unavailable', checks: { database: 'unreachable' } }]);
      for (const [what, request] of [
        ['a stream', () => fetch(`${app.url}/api/stream/text?q=hi`, { headers: user.bearer })],
        [
          'a chat turn',
          () =>
            fetch(`${app.url}/api/chat`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...user.bearer },
              body: JSON.stringify({ session_id: randomUUID(), message: 'hi' }),
            }),
        ],
        ['the sessions list', () => fetch(`${app.url}/api/sessions`, { headers: user.bearer })],
        [
          'sign-up',
          () =>
            fetch(`${app.url}/api/auth/signup`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ email: `${randomUUID()}@example.com`, password: 'a-long-password' }),
            }),
        ],
      ] as const) {
        const response = await request();
        assert.equal(response.status, 503, what);
        assert.equal(response.headers.get('retry-after'), '5', what);
        assert.deepEqual(
          await response.json(),
          { error: 'database_unavailable', detail: 'The database cannot be reached; retry in a moment' },
          what,
        );
      }
      assert.equal((await fetch(`${app.url}/api/health`)).status, 200, 'liveness does not depend on the database');

      await new Promise((resolve) => setTimeout(resolve, 1500));
      await proxy.restore();
      const frames = parseFrames(await body);
      assert.equal(joinedText(frames), SLOW_REPLY, 'the client got the whole reply');
      const reply = await storedReply(app, user, id);
      assert.deepEqual([reply?.status, textOf(reply)], ['complete', SLOW_REPLY], 'stored once the database was back');
      await assertStillServing(app, user);
    } finally {
      await proxy.close();
    }
  });

  test('Redis configured but unreachable: not ready; streams, chat turns, resumes and stops go on in this process at once', async () => {
    const closed = await closedPort();
    const app = await startApp({
      ...modelSettings(),
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      RATE_LIMIT_PER_MINUTE: '100',
      MAX_CONCURRENT_STREAMS: '4',
    });
    others.push(app);
    const user = await newUser(app);

    const ready = await fetch(`${app.url}/api/ready`);
    assert.deepEqual(
      [ready.status, await ready.json()],
      [503, { status: 'unavailable', checks: { database: 'ok', redis: 'unreachable' } }],
    );

    const started = Date.now();
    const stream = await fetchFrames(`${app.url}/api/stream?q=hello&max_tokens=5`, { headers: user.bearer });
    assert.ok(Date.now() - started < 1000, 'no wait on the missing Redis');
    assert.equal(stream.status, 200);
    assert.equal(stream.frames.at(-1)?.event, 'done');

    const id = randomUUID();
    const turn = await fetch(`${app.url}/api/ui/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...user.bearer },
      body: JSON.stringify({ id, message: { role: 'user', parts: [{ type: 'text', text: 'Tell me a long story [[slow 40]]' }] } }),
    });
    assert.equal(turn.status, 200);
    const reader = turn.body!.getReader();
    await reader.read();
    // Kept in this process while Redis is down: a resume still reads the reply from its start.
    const resumed = await fetch(`${app.url}/api/ui/chat/${id}/stream`, { headers: user.bearer });
    assert.equal(resumed.status, 200);
    const first = new TextDecoder().decode((await resumed.body!.getReader().read()).value);
    assert.match(first, /^data: \{"type":"start"/);
    const stop = await fetch(`${app.url}/api/sessions/${id}/stop`, { method: 'POST', headers: user.bearer });
    assert.deepEqual([stop.status, await stop.json()], [200, { stopped: true }]);
    while (!(await reader.read()).done) {
      // the stream ends once stopped
    }
    await eventually(async () => (await storedReply(app, user, id))?.status === 'stopped', 'stored as stopped');
    const again = await fetch(`${app.url}/api/sessions/${id}/stop`, { method: 'POST', headers: user.bearer });
    assert.equal(again.status, 200, 'a stop with nothing streaming');
    assert.deepEqual(await again.json(), { stopped: false });
    await assertStillServing(app, user);
  });
});

describe('Redis lost while serving', () => {
  test('its connection and new ones left unanswered: requests go on in this process at once; shared again once it is back', async (t) => {
    const proxy = await startTcpProxy(TEST_REDIS_URL);
    t.after(() => proxy.close());
    const app = await startApp({
      ...modelSettings(),
      REDIS_URL: proxy.via(TEST_REDIS_URL),
      RATE_LIMIT_PER_MINUTE: '100',
      MAX_CONCURRENT_STREAMS: '4',
    });
    others.push(app);
    const user = await newUser(app);
    const quickly = async (what: string, request: () => Promise<Response>, status: number, withinMs = 1000) => {
      const started = Date.now();
      const response = await request();
      await response.body?.cancel();
      assert.equal(response.status, status, what);
      assert.ok(Date.now() - started < withinMs, `${what}: answered in ${Date.now() - started} ms, without waiting on Redis`);
    };
    const stream = () => fetch(`${app.url}/api/stream?q=hello&max_tokens=5`, { headers: user.bearer });
    await quickly('a stream while Redis is up', stream, 200);

    // A Redis that hangs: its connection stays open but answers nothing more, and reconnections
    // are accepted but never answered. The first request finds out (one command's timeout, 2 s).
    const held = proxy.stall();
    await quickly('the first stream once Redis hangs', stream, 200, 3500);
    for (let i = 0; i < 5; i++) {
      await quickly(`stream ${i + 1} while Redis hangs`, stream, 200);
      await new Promise((resolve) => setTimeout(resolve, 300)); // across several reconnection attempts
    }
    const { id: keyId } = await createKey(app, user.bearer);
    await quickly('revoking a key', () => fetch(`${app.url}/api/keys/${keyId}`, { method: 'DELETE', headers: user.bearer }), 204);

    held.release();
    await eventually(async () => (await fetch(`${app.url}/api/ready`)).status === 200, 'ready again once Redis answers', 10_000);
    await quickly('a stream once Redis is back', stream, 200);
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
