// How the server talks to a model provider over HTTP: the `fetch` given to the OpenAI provider.
// It owns two things the AI SDK leaves open:
//
// - Retries. A 408, 409, 429 or 5xx answer, or a connection that fails before any answer, is
//   tried again up to twice: after the wait the provider asks for (`retry-after-ms` or
//   `retry-after`; Gemini names it in a 429's body, `RetryInfo.retryDelay`) when it asks for
//   one, else after 1 s and then 2 s (Anthropic's 529 overloaded is a 5xx like any other). A provider that asks for a
//   longer wait than `maxRetryWaitMs` is not waited for: its answer goes back at once, so the
//   client hears "rate limited, retry in N s" instead of a silent minute. (The SDK alone waits up
//   to 60 s per retry, with nothing sent to the client meanwhile.) Runs therefore call the model
//   with the SDK's own retries off.
// - Silence. A provider that does not answer within `idleMs`, or whose answer stops sending bytes
//   for `idleMs`, fails with a ModelSilentError. The SDK's chunk timeouts only start once a
//   first chunk has arrived, so without this a provider that never answers holds the request
//   (and its stream place) for as long as the socket stays open.

import { wait } from './wait';

export class ModelSilentError extends Error {
  override readonly name = 'ModelSilentError';
}

export interface ProviderFetchOptions {
  /** Longest wait for the answer's headers, and between two pieces of its body. */
  idleMs: number;
  /** Longest wait a provider may ask for before a retry; a longer one is not retried. */
  maxRetryWaitMs: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** The first backoff when the provider names no wait; doubled for each retry. */
  backoffMs?: number;
  fetch?: typeof globalThis.fetch;
}

const RETRYABLE_STATUS = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

export function providerFetch({
  idleMs,
  maxRetryWaitMs,
  retries = 2,
  backoffMs = 1000,
  fetch = globalThis.fetch,
}: ProviderFetchOptions): typeof globalThis.fetch {
  return async (input, init) => {
    const signal = init?.signal ?? undefined;
    for (let attempt = 0; ; attempt++) {
      const backoff = backoffMs * 2 ** attempt;
      let response: Response;
      try {
        response = await answerWithin(fetch, input, init, idleMs);
      } catch (error) {
        if (attempt >= retries || signal?.aborted || error instanceof ModelSilentError || !isNetworkFailure(error)) throw error;
        await wait(backoff, signal);
        continue;
      }
      if (!RETRYABLE_STATUS(response.status) || attempt >= retries) return watchBody(response, idleMs);
      let body = '';
      if (response.status === 429) {
        // OpenAI answers an account out of quota with a 429 too; asking again cannot help.
        body = await response.text().catch(() => '');
        const again = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        if (isOutOfQuota(body)) return again;
        response = again;
      }
      const asked = retryAfterMs(response.headers) ?? retryDelayMs(body);
      if (asked !== undefined && asked > maxRetryWaitMs) return watchBody(response, idleMs);
      await response.body?.cancel().catch(() => {});
      await wait(asked ?? backoff, signal);
    }
  };
}

/** Whether an error body is OpenAI's `insufficient_quota`: the account has no credit left. */
export function isOutOfQuota(body: string | undefined): boolean {
  if (!body) return false;
  try {
    const error = (JSON.parse(body) as { error?: { code?: unknown; type?: unknown } }).error;
    return error?.code === 'insufficient_quota' || error?.type === 'insufficient_quota';
  } catch {
    return false;
  }
}

/** The wait a provider asks for, in milliseconds (`retry-after-ms`, or `retry-after` in seconds or as a date). */
export function retryAfterMs(headers: Headers | Record<string, string | undefined> | undefined): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => (headers instanceof Headers ? headers.get(name) : headers[name]) ?? undefined;
  const ms = Number.parseFloat(get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const after = get('retry-after');
  if (after === undefined) return undefined;
  const seconds = Number.parseFloat(after);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The wait a Gemini error body asks for: `error.details[]`'s `RetryInfo` `retryDelay`, such as `"17s"` or `"0.5s"`. */
export function retryDelayMs(body: string | undefined): number | undefined {
  if (!body) return undefined;
  try {
    const details = (JSON.parse(body) as { error?: { details?: unknown } }).error?.details;
    if (!Array.isArray(details)) return undefined;
    for (const detail of details as Array<{ '@type'?: unknown; retryDelay?: unknown }>) {
      if (typeof detail?.['@type'] !== 'string' || !detail['@type'].endsWith('google.rpc.RetryInfo')) continue;
      const seconds = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay))?.[1];
      if (seconds !== undefined) return Number(seconds) * 1000;
    }
  } catch {
    // not JSON: no wait named
  }
  return undefined;
}

/** The answer's headers within `idleMs`; the request is aborted when they do not come. */
async function answerWithin(
  fetch: typeof globalThis.fetch,
  input: Parameters<typeof globalThis.fetch>[0],
  init: RequestInit | undefined,
  idleMs: number,
) {
  const silence = new AbortController();
  const timer = setTimeout(() => silence.abort(new ModelSilentError(`no answer within ${idleMs} ms`)), idleMs);
  const signal = init?.signal ? AbortSignal.any([init.signal, silence.signal]) : silence.signal;
  try {
    return await fetch(input, { ...init, signal });
  } catch (error) {
    throw silence.signal.aborted && !init?.signal?.aborted ? silence.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The same answer, whose body fails with a ModelSilentError when it goes quiet for `idleMs` (which
 * also cancels the provider's body, closing the connection). One timer per answer, pushed back as
 * each piece with more than comments arrives; the app always reads a run to its end, so quiet
 * means the provider's. The body is passed on by a `pull` that reads it: one stream, where a
 * TransformStream would put a pipe and two more between every token and the model.
 */
function watchBody(response: Response, idleMs: number): Response {
  if (!response.body) return response;
  const source = response.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let silent = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        silent = true;
        controller.error(new ModelSilentError(`nothing received for ${idleMs} ms`));
        source.cancel().catch(() => {});
      }, idleMs);
    },
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await source.read();
      } catch (error) {
        clearTimeout(timer);
        throw error;
      }
      if (silent) return;
      if (next.done) {
        clearTimeout(timer);
        return controller.close();
      }
      // SSE comments (`: ping`) are a gateway keeping the line open, not the model answering.
      if (!onlyComments(next.value)) timer?.refresh();
      controller.enqueue(next.value);
    },
    cancel(reason) {
      clearTimeout(timer);
      return source.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

const COLON = 0x3a;
const NEWLINE = 0x0a;
const RETURN = 0x0d;

/** Whether every line that starts in this piece of an SSE body is a comment. */
function onlyComments(chunk: Uint8Array): boolean {
  let lineStart = true;
  for (const byte of chunk) {
    if (byte === NEWLINE || byte === RETURN) lineStart = true;
    else if (lineStart) {
      if (byte !== COLON) return false;
      lineStart = false;
    }
  }
  return true;
}

/** A connection that failed before any answer (refused, reset, DNS): worth another try. */
function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && error.name !== 'AbortError';
}
