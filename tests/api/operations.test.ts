import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startApp, TEST_REDIS_URL, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { joinedText, parseFrames } from '../support/sse';
import { cookieHeader, newUser, signIn, signUp, type TestUser } from '../support/users';

// Running it in production: rate limits (in memory, and shared by two replicas through Redis),
// the cap on open streams, the daily token budget, and a graceful shutdown. (Readiness with the
// database cut off is in tests/reliability/faults.test.ts.)

const apps: RunningApp[] = [];
after(async () => Promise.all(apps.map((app) => app.stop())));
async function app(env: Record<string, string>, ...rest: Parameters<typeof startApp> extends [unknown, ...infer R] ? R : never) {
  const started = await startApp(env, ...rest);
  apps.push(started);
  return started;
}

const stream = (app: RunningApp, user: TestUser, headers: Record<string, string> = {}, q = 'Hello') =>
  fetch(`${app.url}/api/stream/text?q=${encodeURIComponent(q)}`, { headers: { ...user.bearer, ...headers } });

/** Streams until one is refused (usage is recorded as each run ends, a moment after its last frame). */
async function untilRefused(app: RunningApp, user: TestUser, what: string): Promise<Response> {
  let refused: Response | undefined;
  await eventually(async () => {
    const next = await stream(app, user);
    if (next.status === 200) await next.text();
    else refused = next;
    return next.status !== 200;
  }, what);
  return refused!;
}

async function assertRefused(response: Response, status: number, error: string) {
  assert.equal(response.status, status);
  const retryAfter = Number(response.headers.get('retry-after'));
  assert.ok(retryAfter >= 1, `retry-after: ${response.headers.get('retry-after')}`);
  const body = (await response.json()) as { error: string; detail: string };
  assert.equal(body.error, error);
  assert.equal(typeof body.detail, 'string');
  return retryAfter;
}

describe('rate limits', () => {
  test('per user: over the limit is 429 with Retry-After; other users go on', async () => {
    const server = await app({ RATE_LIMIT_PER_MINUTE: '3' });
    const [alice, bob] = [await newUser(server), await newUser(server)];
    for (let i = 0; i < 3; i++) {
      for (const user of [alice, bob]) {
        const response = await stream(server, user);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /event: done/);
      }
    }
    const retryAfter = await assertRefused(await stream(server, alice), 429, 'rate_limited');
    assert.ok(retryAfter <= 60);
    assert.equal((await stream(server, bob)).status, 429, 'bob has used his three too');
  });

  test('per client address: X-Forwarded-For counts only through the trusted proxies', async () => {
    const server = await app({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2', TRUST_PROXY_HOPS: '1' });
    const user = await newUser(server);
    const from = (chain: string) => stream(server, user, { 'x-forwarded-for': chain });
    assert.equal((await from('203.0.113.1')).status, 200);
    assert.equal((await from('203.0.113.1')).status, 200);
    await assertRefused(await from('203.0.113.1'), 429, 'rate_limited');
    // A client that prepends its own entry is still known by what the proxy saw.
    await assertRefused(await from('198.51.100.7, 203.0.113.1'), 429, 'rate_limited');
    assert.equal((await from('203.0.113.2')).status, 200, 'another address has its own count');

    const direct = await app({ RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '2' });
    const other = await newUser(direct);
    for (const spoofed of ['192.0.2.1', '192.0.2.2']) {
      assert.equal((await stream(direct, other, { 'x-forwarded-for': spoofed })).status, 200);
    }
    await assertRefused(await stream(direct, other, { 'x-forwarded-for': '192.0.2.3' }), 429, 'rate_limited');
  });

  test('sign-in and sign-up attempts per address', async () => {
    const server = await app({ AUTH_ATTEMPTS_PER_15_MINUTES: '3' });
    const email = `guess-${randomUUID()}@example.com`;
    assert.equal((await signUp(server, email, 'a-long-password')).status, 202);
    assert.equal(await signIn(server, email, 'wrong-password-1'), undefined);
    assert.equal(await signIn(server, email, 'wrong-password-2'), undefined);
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const guess = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookieHeader(csrf),
      },
      body: new URLSearchParams({ csrfToken, email, password: 'a-long-password', json: 'true' }),
    });
    await assertRefused(guess, 429, 'rate_limited');
    await assertRefused(await signUp(server, `other-${randomUUID()}@example.com`, 'a-long-password'), 429, 'rate_limited');
  });

  test('the sign-in limit holds for every spelling of the callback path, and a GET on any is 405', async () => {
    const server = await app({ AUTH_ATTEMPTS_PER_15_MINUTES: '3' });
    const email = `spell-${randomUUID()}@example.com`;
    const password = 'a-long-password';
    assert.equal((await signUp(server, email, password)).status, 202);
    assert.equal(await signIn(server, email, 'wrong-password-1'), undefined);
    assert.equal(await signIn(server, email, 'wrong-password-2'), undefined);
    const spellings = [
      'callback/credentials',
      'callback/cr%65dentials',
      'callback/credential%73',
      '%63allback/credentials',
      'c%61llback/cr%65dentials',
    ];
    for (const spelling of spellings) {
      const csrf = await fetch(`${server.url}/api/auth/csrf`);
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const attempt = await fetch(`${server.url}/api/auth/${spelling}`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: cookieHeader(csrf),
        },
        body: new URLSearchParams({ csrfToken, email, password, json: 'true' }),
      });
      assert.equal(attempt.status, 429, spelling);
      assert.equal(((await attempt.json()) as { error: string }).error, 'rate_limited', spelling);
      assert.ok(!attempt.headers.getSetCookie().some((c) => c.includes('session-token=')), `${spelling}: no session cookie`);
      const get = await fetch(`${server.url}/api/auth/${spelling}`, { redirect: 'manual' });
      assert.equal(get.status, 405, `GET ${spelling}`);
      assert.equal(((await get.json()) as { error: string }).error, 'method_not_allowed', `GET ${spelling}`);
    }
  });

  test('two replicas share the limits and the open-stream cap through Redis', async () => {
    const probe = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await probe.connect();
      assert.equal(await probe.ping(), 'PONG');
    } catch (error) {
      throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable (${(error as Error).message}); start it or set TEST_REDIS_URL`);
    } finally {
      probe.disconnect();
    }
    const settings = { REDIS_URL: TEST_REDIS_URL, RATE_LIMIT_PER_MINUTE: '3', MAX_CONCURRENT_STREAMS: '1', OFFLINE_TOKEN_DELAY_MS: '30' };
    const first = await app(settings, 'postgresql');
    const second = await app(settings, 'postgresql', { replicaOf: first });

    const user = await newUser(first);
    for (const replica of [first, first, second]) {
      const response = await stream(replica, user);
      assert.equal(response.status, 200);
      const frames = parseFrames(await response.text());
      assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
      assert.match(joinedText(frames), /^Hello! I'm Streamwright's built-in offline model\. .+ to stream answers from a real model\.$/);
    }
    await assertRefused(await stream(second, user), 429, 'rate_limited');
    await assertRefused(await stream(first, user), 429, 'rate_limited');

    // The open-stream count lives in Redis: one stream open on the first replica fills the cap on both.
    const reader = await newUser(first);
    const { id } = (await (await fetch(`${first.url}/api/me`, { headers: reader.bearer })).json()) as { id: string };
    const open = await stream(first, reader, {}, 'Tell me a long story');
    const body = open.body!.getReader();
    await body.read();
    await assertRefused(await stream(second, reader), 429, 'too_many_streams');
    await body.cancel();
    const redisClient = new Redis(TEST_REDIS_URL);
    await eventually(async () => (await redisClient.zcard(`sw:open:${id}`)) === 0, 'the stream’s place is freed', 5000);
    redisClient.disconnect();
    const next = await stream(second, reader);
    assert.equal(next.status, 200);
    await next.text();
  });
});

describe('open streams and the daily budget', () => {
  test('a user may hold MAX_CONCURRENT_STREAMS open; the next is 429 until one ends', async () => {
    const server = await app({ MAX_CONCURRENT_STREAMS: '2', OFFLINE_TOKEN_DELAY_MS: '30' });
    const user = await newUser(server);
    const readers = [];
    for (let i = 0; i < 2; i++) {
      const reader = (await stream(server, user, {}, 'A long story please')).body!.getReader();
      await reader.read();
      readers.push(reader);
    }
    await assertRefused(await stream(server, user), 429, 'too_many_streams');
    const other = await newUser(server);
    assert.equal((await stream(server, other)).status, 200, 'the cap is per user');
    await readers[0]!.cancel();
    await eventually(async () => {
      const next = await stream(server, user);
      await next.body?.cancel();
      return next.status === 200;
    }, 'a place is free once a stream ends');
    await readers[1]!.cancel();
  });

  test('a process holding MAX_OPEN_STREAMS refuses new streams with 503 and is not ready; every admitted one finishes', async () => {
    const server = await app({ MAX_OPEN_STREAMS: '3', OFFLINE_TOKEN_DELAY_MS: '20' });
    const users = [await newUser(server), await newUser(server)];
    // Three streams from two users, started together; each has sent a first frame.
    const admitted = await Promise.all([0, 1, 2].map((i) => stream(server, users[i % 2]!, {}, 'A long story please')));
    assert.deepEqual(
      admitted.map((response) => response.status),
      [200, 200, 200],
    );
    const readers = admitted.map((response) => response.body!.getReader());
    await Promise.all(readers.map((reader) => reader.read()));
    // Full: the next streams are refused, whoever asks, with nothing started.
    const refused = await Promise.all([stream(server, users[0]!), stream(server, users[1]!)]);
    for (const response of refused) await assertRefused(response, 503, 'server_busy');
    const ready = await fetch(`${server.url}/api/ready`);
    assert.deepEqual({ status: ready.status, body: await ready.json() }, { status: 503, body: { status: 'full' } });
    // The open streams run to their end, whole.
    const decoder = new TextDecoder();
    for (const reader of readers) {
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value, { stream: true });
      assert.match(rest, /event: done\n/);
      assert.doesNotMatch(rest, /event: error/);
    }
    await eventually(async () => (await fetch(`${server.url}/api/ready`)).status === 200, 'ready again once streams end');
    assert.equal((await (await stream(server, users[0]!)).text()).endsWith('event: done\ndata: {}\n\n'), true);
  });

  test('past the daily output-token budget, streams are refused until tomorrow (UTC)', async () => {
    const server = await app({ DAILY_TOKEN_BUDGET: '40' });
    const user = await newUser(server);
    const first = await (await stream(server, user)).text();
    assert.match(first, /data: /);
    // Usage is recorded as the run ends, a moment after its last frame.
    const refused = await untilRefused(server, user, 'the budget is spent');
    const retryAfter = await assertRefused(refused, 429, 'daily_budget_exceeded');
    assert.ok(retryAfter <= 86_400);
    assert.equal((await stream(server, await newUser(server))).status, 200, 'the budget is per user');
  });

  test('input tokens have their own daily budget: a long prompt spends it though the reply is short', async () => {
    // Output is unlimited here, so only the input budget can refuse.
    const server = await app({ DAILY_TOKEN_BUDGET: '0', DAILY_INPUT_TOKEN_BUDGET: '300' });
    const user = await newUser(server);
    const long = 'tides '.repeat(300);
    const first = await fetch(`${server.url}/api/stream?max_tokens=2&q=${encodeURIComponent(long)}`, { headers: user.bearer });
    assert.equal(first.status, 200);
    assert.match(await first.text(), /event: done\n/);
    const refused = await untilRefused(server, user, 'the input budget is spent');
    assert.equal((await refused.clone().json()).detail, "You have spent today's budget of 300 input tokens");
    await assertRefused(refused, 429, 'daily_budget_exceeded');
  });
});

describe('shutdown', () => {
  test('SIGTERM: not ready, new streams refused, open ones finish within the grace period or are stored as stopped; exit 0', async () => {
    const server = await app({ OFFLINE_TOKEN_DELAY_MS: '40', SHUTDOWN_GRACE_MS: '600' });
    const user = await newUser(server);
    const chat = (sessionId: string, message: string, maxTokens: number) =>
      fetch(`${server.url}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ session_id: sessionId, message, max_tokens: maxTokens }),
      });
    const [long, short] = [randomUUID(), randomUUID()];
    const longReply = await chat(long, 'Tell me everything about tides', 500);
    const shortReply = await chat(short, 'Hello', 5);
    const longText = longReply.text();
    const shortText = shortReply.text();

    const exited = server.signal('SIGTERM');
    await eventually(async () => (await fetch(`${server.url}/api/ready`)).status === 503, 'readiness fails first');
    assert.deepEqual(await (await fetch(`${server.url}/api/ready`)).json(), { status: 'draining' });
    await assertRefused(await stream(server, user), 503, 'shutting_down');

    assert.match(await shortText, /event: error\ndata: \{"error":"budget_exceeded"/, 'the short reply ran to its end');
    assert.match(await longText, /event: done/, 'the cut stream still ends properly');
    assert.equal(await exited, 0);
    assert.match(server.output(), /"event":"shutdown_finished","streams_stopped":1/);

    await server.restart();
    const session = async (id: string) =>
      ((await (await fetch(`${server.url}/api/sessions/${id}`, { headers: user.bearer })).json()) as { messages: { status: string }[] })
        .messages[1]?.status;
    assert.equal(await session(long), 'stopped');
    assert.equal(await session(short), 'failed', 'the short reply ended by its own budget, not by the shutdown');
  });
});

describe('caps as settings', () => {
  test('prompt length, largest and default max_tokens follow their settings', async () => {
    const server = await app({ MAX_PROMPT_CHARS: '10', MAX_OUTPUT_TOKENS: '50', DEFAULT_OUTPUT_TOKENS: '3' });
    const user = await newUser(server);
    const get = (query: string) => fetch(`${server.url}/api/stream?${query}`, { headers: user.bearer });

    const long = await get('q=eleven-char');
    assert.equal(long.status, 400);
    assert.deepEqual(await long.json(), { error: 'invalid_parameter', detail: 'q: must be 1 to 10 characters', field: 'q' });
    const greedy = await get('q=hi&max_tokens=51');
    assert.equal(greedy.status, 400);
    assert.equal(((await greedy.json()) as { detail: string }).detail, 'max_tokens: must be at most 50');

    const capped = await (await get('q=hi')).text();
    assert.match(capped, /event: usage\ndata: \{"input_tokens":\d+,"output_tokens":3,/);
    assert.match(capped, /"error":"budget_exceeded","detail":"The reply reached its budget of 3 output tokens"/);
  });
});
