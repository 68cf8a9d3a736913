import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError, InvalidResponseDataError, JSONParseError, RetryError } from 'ai';
import { describeModelFailure, INTERNAL_FAILURE } from './failure';
import { ModelSilentError } from './provider-fetch';

// What a client is told about a failed model call: a code, a plain sentence, never the provider's
// own message (it can carry account details). Over the real wire: tests/reliability/faults.test.ts.

const SECRET = 'Incorrect API key provided: sk-proj-****abcd for org-secret';

function apiError(
  statusCode: number | undefined,
  extra: { responseHeaders?: Record<string, string>; responseBody?: string; cause?: unknown } = {},
) {
  return new APICallError({
    message: SECRET,
    url: 'http://model.test/v1/responses',
    requestBodyValues: {},
    statusCode,
    isRetryable: false,
    ...extra,
  });
}

/** A socket closed mid-body, as undici reports it. */
const terminated = () =>
  Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

const quotaBody = (field: 'code' | 'type') =>
  JSON.stringify({
    error: {
      message: 'You exceeded your current quota',
      [field]: 'insufficient_quota',
      ...(field === 'code' ? { type: 'insufficient_quota' } : {}),
    },
  });

describe('HTTP 429', () => {
  test('without a wait named: rate limited, no retry_after', () => {
    assert.deepEqual(describeModelFailure(apiError(429)), {
      error: 'model_rate_limited',
      detail: 'The model provider is rate limiting this server (HTTP 429)',
    });
  });

  test('retry-after in seconds: said in the detail and as retry_after', () => {
    assert.deepEqual(describeModelFailure(apiError(429, { responseHeaders: { 'retry-after': '7' } })), {
      error: 'model_rate_limited',
      detail: 'The model provider is rate limiting this server (HTTP 429); it asks to retry in 7 s',
      retry_after: 7,
    });
  });

  test('retry-after-ms is rounded up to whole seconds, at least 1; it wins over retry-after', () => {
    const after = (responseHeaders: Record<string, string>) => describeModelFailure(apiError(429, { responseHeaders })).retry_after;
    assert.equal(after({ 'retry-after-ms': '1500' }), 2);
    assert.equal(after({ 'retry-after-ms': '20' }), 1);
    assert.equal(after({ 'retry-after': '0' }), 1);
    assert.equal(after({ 'retry-after-ms': '3000', 'retry-after': '60' }), 3);
  });

  test('Gemini’s RESOURCE_EXHAUSTED names its wait in the body (RetryInfo.retryDelay); a header wins', () => {
    const responseBody = JSON.stringify({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [] },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '17.2s' },
        ],
      },
    });
    assert.deepEqual(describeModelFailure(apiError(429, { responseBody })), {
      error: 'model_rate_limited',
      detail: 'The model provider is rate limiting this server (HTTP 429); it asks to retry in 18 s',
      retry_after: 18,
    });
    assert.equal(describeModelFailure(apiError(429, { responseBody, responseHeaders: { 'retry-after': '3' } })).retry_after, 3);
  });

  test('retry-after as an HTTP date: the seconds until then', () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const seconds = describeModelFailure(apiError(429, { responseHeaders: { 'retry-after': date } })).retry_after;
    assert.ok(seconds === 29 || seconds === 30, String(seconds));
  });

  test('an unreadable retry-after is no wait named', () => {
    const failure = describeModelFailure(apiError(429, { responseHeaders: { 'retry-after': 'soon' } }));
    assert.equal(failure.error, 'model_rate_limited');
    assert.equal('retry_after' in failure, false);
  });

  test('OpenAI’s insufficient_quota (by code or by type) is out of quota, not rate limited, whatever the wait', () => {
    for (const body of [quotaBody('code'), quotaBody('type')]) {
      assert.deepEqual(describeModelFailure(apiError(429, { responseBody: body, responseHeaders: { 'retry-after': '5' } })), {
        error: 'model_error',
        detail: 'The model provider answered HTTP 429: the account is out of quota',
      });
    }
  });

  test('a 429 body that is not JSON, or another code, is plain rate limiting', () => {
    for (const responseBody of ['Too Many Requests', JSON.stringify({ error: { code: 'rate_limit_exceeded' } })]) {
      assert.equal(describeModelFailure(apiError(429, { responseBody })).error, 'model_rate_limited', responseBody);
    }
  });
});

describe('other answers', () => {
  const detail = (status: number | undefined) => describeModelFailure(apiError(status)).detail;

  test('401 and 403: the credentials were refused', () => {
    assert.equal(detail(401), 'The model provider answered HTTP 401: the server’s model credentials were refused');
    assert.equal(detail(403), 'The model provider answered HTTP 403: the server’s model credentials were refused');
  });

  test('404: the model was not found', () => {
    assert.equal(detail(404), 'The model provider answered HTTP 404: the model was not found');
  });

  test('5xx: the provider failed; Anthropic’s 529: it is overloaded', () => {
    for (const status of [500, 502, 503]) assert.equal(detail(status), `The model provider answered HTTP ${status}: the provider failed`);
    assert.equal(detail(529), 'The model provider answered HTTP 529: the provider is overloaded');
  });

  test('any other 4xx: the request was refused', () => {
    assert.equal(detail(400), 'The model provider answered HTTP 400: the request was refused');
    assert.equal(detail(422), 'The model provider answered HTTP 422: the request was refused');
  });

  test('no status (no answer came): could not be reached', () => {
    assert.deepEqual(describeModelFailure(apiError(undefined)), {
      error: 'model_error',
      detail: 'The model provider could not be reached',
    });
    // The SDK's "Cannot connect to API" error, for a name that does not resolve.
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND model.test'), { code: 'ENOTFOUND' });
    assert.equal(describeModelFailure(apiError(undefined, { cause: dns })).detail, 'The model provider could not be reached');
  });

  test('the provider’s own message never reaches the client', () => {
    for (const status of [400, 401, 404, 429, 500, undefined])
      assert.doesNotMatch(JSON.stringify(describeModelFailure(apiError(status))), /org-secret|sk-proj/);
  });
});

describe('the connection', () => {
  const lost = { error: 'model_error', detail: 'The connection to the model provider was lost mid-stream' };

  test('a socket closed mid-body (TypeError "terminated", socket cause) is a lost connection', () => {
    assert.deepEqual(describeModelFailure(terminated()), lost);
    assert.deepEqual(describeModelFailure(new TypeError('terminated')), lost, 'by the message alone');
    const socket = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('closed'), { code: 'UND_ERR_SOCKET' }) });
    assert.deepEqual(describeModelFailure(socket), lost, 'by the socket cause alone');
  });

  test('a reset connection, by its code, alone or as the cause of an API call error', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.deepEqual(describeModelFailure(reset), lost);
    assert.deepEqual(describeModelFailure(apiError(undefined, { cause: terminated() })), lost);
    assert.deepEqual(describeModelFailure(apiError(undefined, { cause: reset })), lost);
  });

  test('a refused connection (nothing listening) could not be reached; nothing was lost mid-stream', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    assert.equal(describeModelFailure(apiError(undefined, { cause: refused })).detail, 'The model provider could not be reached');
  });

  test('a ModelSilentError anywhere in the cause chain: the model stopped responding, with its own words', () => {
    const silent = new ModelSilentError('nothing received for 50 ms');
    const expected = { error: 'model_error', detail: 'The model stopped responding (nothing received for 50 ms)' };
    assert.deepEqual(describeModelFailure(silent), expected);
    assert.deepEqual(describeModelFailure(apiError(undefined, { cause: silent })), expected);
    assert.deepEqual(describeModelFailure(new Error('stream failed', { cause: new Error('read failed', { cause: silent }) })), expected);
    assert.deepEqual(describeModelFailure(apiError(429, { cause: silent })), expected, 'silence wins over the status');
  });
});

describe('wrapped and other errors', () => {
  test('a RetryError is described by its last error', () => {
    const retried = (last: unknown) =>
      new RetryError({ message: 'Failed after 3 attempts', reason: 'maxRetriesExceeded', errors: [apiError(500), apiError(503), last] });
    assert.equal(
      describeModelFailure(retried(apiError(401))).detail,
      'The model provider answered HTTP 401: the server’s model credentials were refused',
    );
    assert.deepEqual(describeModelFailure(retried(apiError(429, { responseHeaders: { 'retry-after': '2' } }))), {
      error: 'model_rate_limited',
      detail: 'The model provider is rate limiting this server (HTTP 429); it asks to retry in 2 s',
      retry_after: 2,
    });
    assert.equal(
      describeModelFailure(retried(new ModelSilentError('no answer within 10 ms'))).detail,
      'The model stopped responding (no answer within 10 ms)',
    );
  });

  test('any other AI SDK error (AI_…) is a response that could not be used', () => {
    const unusable = { error: 'model_error', detail: 'The model provider sent a response that could not be used' };
    assert.deepEqual(
      describeModelFailure(new JSONParseError({ text: '{"choices": [', cause: new SyntaxError('Unexpected end') })),
      unusable,
    );
    assert.deepEqual(describeModelFailure(new InvalidResponseDataError({ data: {}, message: SECRET })), unusable);
    assert.deepEqual(describeModelFailure(Object.assign(new Error('x'), { name: 'AI_SomethingNew' })), unusable);
  });

  test('anything else is internal', () => {
    for (const error of [
      new Error('bug'),
      new TypeError('x is not a function'),
      new RangeError('r'),
      'a string',
      undefined,
      null,
      { statusCode: 429 },
    ]) {
      assert.deepEqual(describeModelFailure(error), INTERNAL_FAILURE, String(error));
    }
    assert.deepEqual(INTERNAL_FAILURE, { error: 'internal', detail: 'Internal server error' });
  });
});
