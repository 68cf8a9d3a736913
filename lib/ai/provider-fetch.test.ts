import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelSilentError, providerFetch, type ProviderFetchOptions } from './provider-fetch';

// The provider's fetch against a fetch faked here: which answers are tried again and after what
// wait, and a provider that goes quiet. Against a real (fake) OpenAI server over TCP:
// tests/reliability/faults.test.ts.

/** 'hang': never answers, and rejects with the signal's reason when it aborts, as Node's fetch does;
 * 'hang-plain': rejects with a plain AbortError instead, as some fetch implementations do. */
type Answer = Response | Error | 'hang' | 'hang-plain' | ((signal: AbortSignal) => Response | Promise<Response>);

interface Call {
  at: number;
  signal: AbortSignal;
}

/** A fetch giving these answers in turn (the last one again once they run out); records each call. */
function fakeFetch(...answers: Array<() => Answer>) {
  const calls: Call[] = [];
  const fetch = (async (_input: unknown, init?: RequestInit) => {
    const signal = init!.signal!;
    calls.push({ at: performance.now(), signal });
    const answer = answers[Math.min(calls.length, answers.length) - 1]!();
    if (answer instanceof Error) throw answer;
    if (answer instanceof Response) return answer;
    const reason = () => (answer === 'hang-plain' ? new DOMException('This operation was aborted', 'AbortError') : signal.reason);
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(reason());
      signal.addEventListener('abort', () => reject(reason()), { once: true });
    });
    if (answer === 'hang' || answer === 'hang-plain') return aborted;
    return Promise.race([answer(signal), aborted]);
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

const status =
  (code: number, headers: Record<string, string> = {}, body = `status ${code}`) =>
  () =>
    new Response(body, { status: code, headers });
const ok = status(200, {}, 'the answer');
const refused = () => () =>
  Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
  });
const quota = JSON.stringify({
  error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' },
});

function client(fake: ReturnType<typeof fakeFetch>, options: Partial<ProviderFetchOptions> = {}) {
  return providerFetch({ idleMs: 1000, maxRetryWaitMs: 5000, backoffMs: 20, fetch: fake.fetch, ...options });
}

const gaps = (calls: Call[]) => calls.slice(1).map((call, i) => call.at - calls[i]!.at);
const since = (start: number) => performance.now() - start;

/** A body that sends these pieces `everyMs` apart, then stays open; records whether it was cancelled. */
function slowBody(pieces: string[], everyMs: number) {
  const state = { cancelled: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next >= pieces.length) return new Promise<void>(() => {});
      return new Promise<void>((resolve) => {
        timer = setTimeout(
          () => {
            controller.enqueue(new TextEncoder().encode(pieces[next++]!));
            resolve();
          },
          next === 0 ? 0 : everyMs,
        );
      });
    },
    cancel() {
      clearTimeout(timer);
      state.cancelled = true;
    },
  });
  return { body, state };
}

/** Reads a body to its end; rejects with its error, after the text read so far in `read`. */
async function readAll(body: ReadableStream<Uint8Array>, read: string[] = []) {
  const reader = body.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) read.push(new TextDecoder().decode(next.value));
  return read.join('');
}

describe('retries', () => {
  test('an answer that is not retryable comes back at once, status, headers and body intact', async () => {
    for (const code of [200, 400, 401, 403, 404, 422]) {
      const fake = fakeFetch(status(code, { 'x-request-id': 'r1' }));
      const response = await client(fake)('http://model.test/v1/responses', {});
      assert.equal(fake.calls.length, 1, String(code));
      assert.equal(response.status, code);
      assert.equal(response.headers.get('x-request-id'), 'r1');
      assert.equal(await response.text(), `status ${code}`);
    }
  });

  test('408, 409, 429 and 5xx are tried again, and the answer that follows is returned', async () => {
    for (const code of [408, 409, 429, 500, 502, 503, 599]) {
      const fake = fakeFetch(status(code), ok);
      const response = await client(fake, { backoffMs: 1 })('http://model.test', {});
      assert.equal(fake.calls.length, 2, String(code));
      assert.equal(await response.text(), 'the answer');
    }
  });

  test('with no wait named: after backoffMs, then twice that; after `retries` retries the last answer stands', async () => {
    const fake = fakeFetch(status(503), status(500), status(502, {}, 'still down'));
    const response = await client(fake, { backoffMs: 50 })('http://model.test', {});
    assert.equal(fake.calls.length, 3, 'the first attempt and two retries');
    const [first, second] = gaps(fake.calls);
    assert.ok(first! >= 49 && first! < 99, `first wait ${first}`);
    assert.ok(second! >= 99, `second wait ${second}`);
    assert.equal(response.status, 502);
    assert.equal(await response.text(), 'still down');
  });

  test('retries: 0 is one attempt; retries: 3 is four', async () => {
    const none = fakeFetch(status(500));
    assert.equal((await client(none, { retries: 0 })('http://model.test', {})).status, 500);
    assert.equal(none.calls.length, 1);
    const more = fakeFetch(status(500));
    await client(more, { retries: 3, backoffMs: 1 })('http://model.test', {});
    assert.equal(more.calls.length, 4);
  });

  test('the wait the provider names is the one waited: retry-after-ms, or retry-after in seconds', async () => {
    for (const headers of [{ 'retry-after-ms': '40' }, { 'retry-after': '0.04' }] as Array<Record<string, string>>) {
      const fake = fakeFetch(status(429, headers), ok);
      await client(fake, { backoffMs: 2000 })('http://model.test', {});
      const [waited] = gaps(fake.calls);
      assert.ok(waited! >= 39 && waited! < 500, `${JSON.stringify(headers)}: waited ${waited}`);
    }
  });

  test('a Gemini 429 names its wait in the body (RetryInfo.retryDelay): that wait is waited, or not over the limit', async () => {
    const gemini = (delay: string) =>
      status(
        429,
        { 'content-type': 'application/json' },
        JSON.stringify({
          error: {
            code: 429,
            status: 'RESOURCE_EXHAUSTED',
            message: 'quota',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: delay }],
          },
        }),
      );
    const short = fakeFetch(gemini('0.04s'), ok);
    await client(short, { backoffMs: 2000 })('http://model.test', {});
    const [waited] = gaps(short.calls);
    assert.ok(waited! >= 39 && waited! < 500, `waited ${waited}`);

    const long = fakeFetch(gemini('30s'), ok);
    const response = await client(long, { maxRetryWaitMs: 10_000 })('http://model.test', {});
    assert.equal(long.calls.length, 1, 'a wait over the limit is not waited for');
    assert.match(await response.text(), /"retryDelay":"30s"/, 'the body is kept for the failure it becomes');
  });

  test('a wait over maxRetryWaitMs is not waited for: that answer comes back at once, retry-after and body kept', async () => {
    const fake = fakeFetch(status(429, { 'retry-after': '30' }, 'slow down'), ok);
    const start = performance.now();
    const response = await client(fake, { maxRetryWaitMs: 10_000 })('http://model.test', {});
    assert.equal(fake.calls.length, 1);
    assert.ok(since(start) < 500);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '30');
    assert.equal(await response.text(), 'slow down');
  });

  test('a 503 naming a wait over the limit comes back at once too', async () => {
    const fake = fakeFetch(status(503, { 'retry-after-ms': '6000' }), ok);
    assert.equal((await client(fake)('http://model.test', {})).status, 503);
    assert.equal(fake.calls.length, 1);
  });

  test('a 429 for insufficient_quota is not tried again, and its body can still be read', async () => {
    const fake = fakeFetch(status(429, { 'content-type': 'application/json' }, quota), ok);
    const response = await client(fake)('http://model.test', {});
    assert.equal(fake.calls.length, 1);
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.equal(await response.text(), quota);
  });

  test('any other 429 body is tried again', async () => {
    const fake = fakeFetch(status(429, {}, JSON.stringify({ error: { code: 'rate_limit_exceeded' } })), ok);
    assert.equal((await client(fake, { backoffMs: 1 })('http://model.test', {})).status, 200);
    assert.equal(fake.calls.length, 2);
  });

  test('a refused connection is tried again after the backoff; once the retries are spent its error is thrown', async () => {
    const recovered = fakeFetch(refused(), ok);
    assert.equal(await (await client(recovered, { backoffMs: 25 })('http://model.test', {})).text(), 'the answer');
    assert.equal(recovered.calls.length, 2);
    assert.ok(gaps(recovered.calls)[0]! >= 24);

    const down = fakeFetch(refused());
    await assert.rejects(client(down, { backoffMs: 1 })('http://model.test', {}), { name: 'TypeError', message: 'fetch failed' });
    assert.equal(down.calls.length, 3);
  });

  test('an error that is not the network failing is thrown at once', async () => {
    const fake = fakeFetch(() => new RangeError('bad init'));
    await assert.rejects(client(fake)('http://model.test', {}), RangeError);
    assert.equal(fake.calls.length, 1);
  });
});

describe('silence', { timeout: 5000 }, () => {
  test('no answer within idleMs: a ModelSilentError, the request aborted, not tried again', async () => {
    const fake = fakeFetch(() => 'hang');
    const start = performance.now();
    await assert.rejects(client(fake, { idleMs: 50 })('http://model.test', {}), (error) => {
      assert.ok(error instanceof ModelSilentError);
      assert.equal(error.message, 'no answer within 50 ms');
      return true;
    });
    assert.ok(since(start) >= 49 && since(start) < 500, `${since(start)} ms`);
    assert.equal(fake.calls.length, 1);
    assert.equal(fake.calls[0]!.signal.aborted, true, 'the provider’s request is aborted');
  });

  test('the same from a fetch that rejects with a plain AbortError rather than the signal’s reason', async () => {
    await assert.rejects(
      client(
        fakeFetch(() => 'hang-plain'),
        { idleMs: 20 },
      )('http://model.test', {}),
      ModelSilentError,
    );
  });

  test('an answer in time, slower than idleMs in total, is fine', async () => {
    const fake = fakeFetch(() => () => new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('late but fine')), 30)));
    assert.equal(await (await client(fake, { idleMs: 60 })('http://model.test', {})).text(), 'late but fine');
  });

  test('a body that stops sending fails with a ModelSilentError after idleMs, and the provider’s body is cancelled', async () => {
    const { body, state } = slowBody(['data: {"a":1}\n\n', 'data: {"a":2}\n\n'], 20);
    const fake = fakeFetch(() => new Response(body));
    const response = await client(fake, { idleMs: 60 })('http://model.test', {});
    const read: string[] = [];
    const start = performance.now();
    await assert.rejects(readAll(response.body!, read), (error) => {
      assert.ok(error instanceof ModelSilentError);
      assert.equal(error.message, 'nothing received for 60 ms');
      return true;
    });
    assert.equal(read.join(''), 'data: {"a":1}\n\ndata: {"a":2}\n\n', 'what came before the silence is passed on');
    assert.ok(since(start) >= 70 && since(start) < 600, `failed after ${since(start)} ms`);
    assert.equal(state.cancelled, true);
  });

  test('a body that keeps sending, in pieces each within idleMs, is read to its end', async () => {
    const pieces = Array.from({ length: 8 }, (_, i) => `data: {"i":${i}}\n\n`);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull: (controller) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            if (sent < pieces.length) controller.enqueue(new TextEncoder().encode(pieces[sent++]!));
            else controller.close();
            resolve();
          }, 20),
        ),
    });
    const response = await client(
      fakeFetch(() => new Response(body)),
      { idleMs: 60 },
    )('http://model.test', {});
    assert.equal(await readAll(response.body!), pieces.join(''), 'eight pieces over 160 ms, none more than 60 ms apart');
  });

  test('SSE comments (a gateway’s pings) do not count as the model answering', async () => {
    const { body } = slowBody(['data: {"a":1}\n\n', ...Array.from({ length: 20 }, () => ': ping\n\n')], 15);
    const response = await client(
      fakeFetch(() => new Response(body)),
      { idleMs: 60 },
    )('http://model.test', {});
    const start = performance.now();
    await assert.rejects(readAll(response.body!), ModelSilentError);
    assert.ok(since(start) < 200, `pings held it open for ${since(start)} ms`);
  });

  test('a retried answer is watched too', async () => {
    const { body } = slowBody(['data: {}\n\n'], 0);
    const fake = fakeFetch(status(500), () => new Response(body));
    const response = await client(fake, { idleMs: 40, backoffMs: 1 })('http://model.test', {});
    await assert.rejects(readAll(response.body!), ModelSilentError);
  });
});

describe('abort', { timeout: 5000 }, () => {
  test('an abort while waiting for the answer rejects with its reason, not as silence, and is not retried', async () => {
    const fake = fakeFetch(() => 'hang');
    const controller = new AbortController();
    const gone = new Error('client gone');
    setTimeout(() => controller.abort(gone), 10);
    await assert.rejects(client(fake, { idleMs: 5000 })('http://model.test', { signal: controller.signal }), (error) => error === gone);
    assert.equal(fake.calls.length, 1);
    assert.equal(fake.calls[0]!.signal.aborted, true, 'the abort reaches the provider’s request');
  });

  test('from a fetch that rejects with a plain AbortError, that error comes back: an abort is not silence', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('client gone')), 10);
    await assert.rejects(
      client(
        fakeFetch(() => 'hang-plain'),
        { idleMs: 5000 },
      )('http://model.test', { signal: controller.signal }),
      { name: 'AbortError' },
    );
  });

  test('an abort during a retry wait ends it at once, with no further attempt', async () => {
    const fake = fakeFetch(status(503), ok);
    const controller = new AbortController();
    const stop = new Error('stop pressed');
    setTimeout(() => controller.abort(stop), 20);
    const start = performance.now();
    await assert.rejects(
      client(fake, { backoffMs: 10_000 })('http://model.test', { signal: controller.signal }),
      (error) => error === stop,
    );
    assert.ok(since(start) < 1000);
    assert.equal(fake.calls.length, 1);
  });

  test('a network failure after an abort is not retried', async () => {
    const controller = new AbortController();
    const fake = fakeFetch(() => {
      controller.abort(new Error('gone'));
      return refused()();
    }, ok);
    await assert.rejects(client(fake, { backoffMs: 1 })('http://model.test', { signal: controller.signal }), TypeError);
    assert.equal(fake.calls.length, 1);
  });
});
