import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { fetchFrames } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// Bad input gets a 4xx JSON body with a stable code before any stream starts; odd but valid input
// streams; nothing takes the server down.

const ENDPOINTS = ['/api/stream', '/api/stream/text', '/api/stream/structured', '/api/stream/events'];

describe('request validation', () => {
  let app: RunningApp;
  let user: TestUser;
  const get = (path: string) => fetch(`${app.url}${path}`, { headers: user.bearer });
  const post = (path: string, body: BodyInit, type = 'application/json') =>
    fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': type, ...user.bearer }, body });

  before(async () => {
    app = await startApp({});
    user = await newUser(app);
  });
  after(async () => app?.stop());

  async function expectError(response: Response, status: number, body: Record<string, unknown>) {
    assert.equal(response.status, status);
    assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await response.json(), body);
  }

  for (const path of ENDPOINTS) {
    test(`${path}: a missing q is a 400 naming the field`, async () => {
      await expectError(await get(path), 400, {
        error: 'invalid_parameter',
        detail: 'q: required, 1 to 2000 characters',
        field: 'q',
      });
    });
  }

  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['an empty q', '?q=', { error: 'invalid_parameter', detail: 'q: must be 1 to 2000 characters', field: 'q' }],
    ['a blank q', '?q=%20%20', { error: 'invalid_parameter', detail: 'q: must not be blank', field: 'q' }],
    [
      'a q of 2001 characters',
      `?q=${'a'.repeat(2001)}`,
      { error: 'invalid_parameter', detail: 'q: must be 1 to 2000 characters', field: 'q' },
    ],
    [
      'max_tokens above 4000',
      '?q=hi&max_tokens=4001',
      { error: 'invalid_parameter', detail: 'max_tokens: must be at most 4000', field: 'max_tokens' },
    ],
    [
      'max_tokens of 0',
      '?q=hi&max_tokens=0',
      { error: 'invalid_parameter', detail: 'max_tokens: must be at least 1', field: 'max_tokens' },
    ],
    [
      'max_tokens that is not a number',
      '?q=hi&max_tokens=lots',
      { error: 'invalid_parameter', detail: 'max_tokens: must be a whole number from 1 to 4000', field: 'max_tokens' },
    ],
    [
      'a fractional max_tokens',
      '?q=hi&max_tokens=2.5',
      { error: 'invalid_parameter', detail: 'max_tokens: must be a whole number from 1 to 4000', field: 'max_tokens' },
    ],
  ];
  for (const [name, query, body] of cases) {
    test(`/api/stream: ${name} is a 400`, async () => {
      await expectError(await get(`/api/stream${query}`), 400, body);
    });
  }

  test('/api/stream/structured: a negative debounce_ms is a 400', async () => {
    await expectError(await get('/api/stream/structured?q=hi&debounce_ms=-1'), 400, {
      error: 'invalid_parameter',
      detail: 'debounce_ms: must be at least 0',
      field: 'debounce_ms',
    });
  });

  test('q of exactly 2000 characters streams', async () => {
    const { status, frames } = await fetchFrames(`${app.url}/api/stream/text?q=${'a'.repeat(2000)}&max_tokens=3`, { headers: user.bearer });
    assert.equal(status, 200);
    assert.equal(frames.at(-1)?.event, 'done');
  });

  test('POST: the same rules apply to a JSON body', async () => {
    await expectError(await post('/api/stream', JSON.stringify({ q: 42 })), 400, {
      error: 'invalid_parameter',
      detail: 'q: required, 1 to 2000 characters',
      field: 'q',
    });
    await expectError(await post('/api/stream', JSON.stringify({ q: 'hi', max_tokens: 5000 })), 400, {
      error: 'invalid_parameter',
      detail: 'max_tokens: must be at most 4000',
      field: 'max_tokens',
    });
  });

  test('POST: a body that is not JSON is a 400', async () => {
    await expectError(await post('/api/stream', '{"q": "hi"'), 400, {
      error: 'invalid_json',
      detail: 'The body is not valid JSON',
    });
  });

  test('POST: a JSON body that is not an object is a 400', async () => {
    await expectError(await post('/api/stream', '["hi"]'), 400, {
      error: 'invalid_body',
      detail: 'The body must be a JSON object',
    });
  });

  test('POST: a body that is not declared as JSON is a 415', async () => {
    await expectError(await post('/api/stream', 'q=hi', 'application/x-www-form-urlencoded'), 415, {
      error: 'unsupported_media_type',
      detail: 'Send a JSON body with content-type: application/json',
    });
  });

  test('POST: a body over 64 KiB is a 413', async () => {
    const huge = JSON.stringify({ q: 'hi', padding: 'x'.repeat(70_000) });
    await expectError(await post('/api/stream', huge), 413, {
      error: 'payload_too_large',
      detail: 'The body is larger than 65536 bytes',
    });
  });

  test('an unknown API path is a JSON 404, /api itself too', async () => {
    await expectError(await get('/api/streams?q=hi'), 404, {
      error: 'not_found',
      detail: 'No API route at /api/streams',
    });
    await expectError(await get('/api'), 404, { error: 'not_found', detail: 'No API route at /api' });
  });

  test('/api/health answers ok', async () => {
    const response = await get('/api/health');
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { status: 'ok' });
  });

  test('odd but valid prompts stream, and the server stays up', async () => {
    const prompts = [
      '\u0000\u0001',
      'line one\nline two\r\n',
      '"quotes" and \\backslashes\\',
      '😀 🚀 漢字',
      'data: fake\n\nevent: done',
      '%%%',
    ];
    for (const q of prompts) {
      const { status, frames } = await fetchFrames(`${app.url}/api/stream?${new URLSearchParams({ q, max_tokens: '8' })}`, {
        headers: user.bearer,
      });
      assert.equal(status, 200, `q=${JSON.stringify(q)}`);
      assert.equal(frames.at(-1)?.event, 'done');
    }
    const invalidUtf8 = new Blob([new Uint8Array([0x7b, 0x22, 0x71, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])]);
    assert.equal((await post('/api/stream', invalidUtf8)).status, 200);
    assert.equal((await get('/api/health')).status, 200);
  });
});
