import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { eventually } from '../support/assertions';
import { joinedText, parseFrames } from '../support/sse';
import { createKey, signIn, signUp } from '../support/users';

// What an operator sees: one JSON log line per request and per stream, with ids, status, timings
// and token counts and nothing private; and Prometheus metrics behind a token.

describe('logs and metrics', () => {
  let app: RunningApp;
  const marker = randomBytes(6).toString('hex');
  const email = `private-${marker}@example.com`;
  const password = `secret-password-${marker}`;
  const prompt = `confidential-prompt-${marker}`;
  let key = '';
  let cookie = '';
  const auth = () => ({ authorization: `Bearer ${key}` });

  before(async () => {
    app = await startApp({ METRICS_TOKEN: 'metrics-secret', RATE_LIMIT_PER_MINUTE: '6' });
    assert.equal((await signUp(app, email, password)).status, 202);
    cookie = (await signIn(app, email, password))!;
    key = (await createKey(app, { cookie })).key;
  });
  after(async () => app?.stop());

  test('requests and streams are logged with ids, status, timings and tokens; private data never', async () => {
    const requestId = `req-${marker}`;
    const streamed = await fetch(`${app.url}/api/stream?q=${prompt}`, { headers: { ...auth(), 'x-request-id': requestId } });
    assert.equal(streamed.headers.get('x-request-id'), requestId);
    await streamed.text();
    const chat = await fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ session_id: randomUUID(), message: `${prompt} in a chat`, max_tokens: 1 }),
    });
    assert.match(await chat.text(), /budget_exceeded/);
    const generated = chat.headers.get('x-request-id');
    assert.match(generated ?? '', /^[0-9a-f-]{36}$/, 'a request without an id gets one');

    await eventually(
      () => app.output().includes(`"request_id":"${generated}"`) && app.output().includes('"event":"stream_end"'),
      'log lines',
    );
    const lines = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const request = lines.find((line) => line.event === 'request' && line.request_id === requestId);
    assert.equal(request?.path, '/api/stream', 'the path is logged without its query');
    assert.equal(request?.status, 200);
    assert.equal(typeof request?.duration_ms, 'number');
    const stream = lines.find((line) => line.event === 'stream_end' && line.request_id === requestId);
    assert.equal(stream?.outcome, 'finished');
    assert.ok(Number(stream?.output_tokens) > 0 && Number(stream?.input_tokens) > 0);
    assert.equal(typeof stream?.ttft_ms, 'number');
    const cut = lines.find((line) => line.event === 'stream_end' && line.request_id === generated);
    assert.equal(cut?.error, 'budget_exceeded');

    const output = app.output();
    for (const secret of [email, password, prompt, key, cookie.split('=')[1]!.slice(0, 40), 'Here is a short reply']) {
      assert.ok(!output.includes(secret), `the log holds something private: ${secret.slice(0, 30)}`);
    }
  });

  test('/api/metrics: Prometheus text behind the token, counting what happened', async () => {
    assert.equal((await fetch(`${app.url}/api/metrics`)).status, 401);
    assert.equal((await fetch(`${app.url}/api/metrics`, { headers: { authorization: 'Bearer wrong' } })).status, 401);

    // The user has six streams a minute; the first test used two.
    for (let i = 0; i < 4; i++) {
      const frames = parseFrames(await (await fetch(`${app.url}/api/stream/text?q=hi`, { headers: auth() })).text());
      assert.deepEqual(frames.at(-1), { event: 'done', data: {} }, `stream ${i + 1}`);
      assert.match(
        joinedText(frames),
        /^Hello! I'm Streamwright's built-in offline model\. .+ to stream answers from a real model\.$/,
        `stream ${i + 1}`,
      );
    }
    assert.equal((await fetch(`${app.url}/api/stream/text?q=hi`, { headers: auth() })).status, 429);

    const scrape = async () => {
      const response = await fetch(`${app.url}/api/metrics`, { headers: { authorization: 'Bearer metrics-secret' } });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
      return response.text();
    };
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.split(' ')[1]);
    };
    await eventually(async () => value(await scrape(), 'streamwright_open_streams') === 0, 'no stream open');
    const text = await scrape();
    assert.ok(value(text, 'streamwright_http_requests_total{endpoint="/api/stream/text",status="200"}')! >= 4);
    assert.equal(value(text, 'streamwright_http_requests_total{endpoint="/api/stream/text",status="429"}'), 1);
    assert.equal(value(text, 'streamwright_rate_limit_rejections_total{reason="rate_limited"}'), 1);
    assert.ok(value(text, 'streamwright_time_to_first_token_seconds_count{endpoint="/api/stream/text"}')! >= 4);
    assert.ok(value(text, 'streamwright_stream_duration_seconds_count{endpoint="/api/stream/text",outcome="finished"}')! >= 4);
    assert.ok(value(text, 'streamwright_tokens_total{direction="output"}')! > 0);
    assert.ok(value(text, 'streamwright_tokens_total{direction="input"}')! > 0);
    assert.equal(value(text, 'streamwright_stream_errors_total{kind="budget_exceeded"}'), 1);
  });

  test("every request is counted under its route's label, whatever answered it (tests/unit/metrics-labels.test.ts has them all)", async () => {
    const counted: Array<[string, string, number]> = [
      ['/api/sessions/no-such-session', '/api/sessions/:id', 404],
      ['/api/auth/csrf', '/api/auth/:action', 200],
      ['/api/auth/callback/credentials', '/api/auth/:action', 405],
      ['/api/no-such-route', 'other', 404],
      ['/sign-in', 'page', 200],
    ];
    const series = (endpoint: string, status: number) => `streamwright_http_requests_total{endpoint="${endpoint}",status="${status}"}`;
    const scrape = async () => (await fetch(`${app.url}/api/metrics`, { headers: { authorization: 'Bearer metrics-secret' } })).text();
    const count = (text: string, name: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${name} `))
          ?.split(' ')[1] ?? 0,
      );
    const before = await scrape();
    for (const [path, , status] of counted) {
      const response = await fetch(`${app.url}${path}`, { headers: auth(), redirect: 'manual' });
      await response.arrayBuffer();
      assert.equal(response.status, status, path);
    }
    // Counted as each response closes.
    await eventually(async () => {
      const after = await scrape();
      return counted.every(([, endpoint, status]) => count(after, series(endpoint, status)) >= count(before, series(endpoint, status)) + 1);
    }, 'each request counted under its label');
  });

  test('without METRICS_TOKEN the endpoint is not served', async () => {
    const plain = await startApp({});
    try {
      assert.equal((await fetch(`${plain.url}/api/metrics`)).status, 404);
    } finally {
      await plain.stop();
    }
  });
});
