import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { FAKE_REPORT, PROMPT_TOKENS, REFUSAL, type FakeProvider } from '../support/fake-provider';
import { assertFillsIn } from '../support/assertions';
import type { WireUnderTest } from '../support/model-wires';
import { coalesced, fetchFrames, type Frame } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// Every endpoint, end to end over real HTTP: the built app, the model inside it, and a fake
// provider on the other side of a real socket. Shared by every wire (OpenAI's two, each read both
// ways, OPENAI_PROVIDER lean and stock; Anthropic's; Gemini's): the fakes answer alike, so the
// same requests must give the same transcripts. What the app does when the provider fails in
// every other way (hangs, cut or malformed streams, a client that leaves) is in
// tests/reliability/faults.test.ts.

export function describeModelWire(wire: WireUnderTest) {
  describe(`endpoints over ${wire.name}`, () => {
    let fake: FakeProvider;
    let app: RunningApp;
    let user: TestUser;
    const get = (path: string, params: Record<string, string>) =>
      fetchFrames(`${app.url}${path}?${new URLSearchParams(params)}`, { headers: user.bearer });
    /** The upstream requests made for one prompt (tests run side by side on one fake). */
    const upstream = (marker: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(marker));

    before(async () => {
      fake = await wire.startFake();
      app = await startApp({ MODEL: wire.model, ...wire.settings(fake), MODEL_IDLE_TIMEOUT_MS: '1500' });
      user = await newUser(app);
    });
    after(async () => {
      await app?.stop();
      await fake?.close();
    });

    test('/api/stream: text frames, usage, done; the budget and instructions reach the model', async () => {
      const { status, contentType, model, frames } = await get('/api/stream', { q: 'Hello World' });
      assert.equal(status, 200);
      assert.equal(contentType, 'text/event-stream; charset=utf-8');
      assert.equal(model, wire.model);
      assert.deepEqual(coalesced(frames), [
        { data: { text: 'Echo: Hello World' } },
        { event: 'usage', data: { input_tokens: PROMPT_TOKENS, output_tokens: 3, total_tokens: PROMPT_TOKENS + 3 } },
        { event: 'done', data: {} },
      ]);
      const [request] = upstream('Hello World');
      assert.ok(request, 'the model was called');
      if (typeof wire.path === 'string') assert.equal(request.path, wire.path);
      else assert.match(request.path, wire.path);
      assert.equal(request.headers[wire.key[0]], wire.key[1]);
      assert.equal(wire.limit(request.body), 500);
      assert.ok(wire.streams(request), 'a streamed answer was asked for');
      assert.match(wire.system(request.body), /^You are a concise, helpful assistant/);
      assert.deepEqual(wire.texts(request.body), ['Hello World'], 'the prompt, apart from the instructions');
    });

    test('/api/stream/text: text frames then done', async () => {
      const { frames } = await get('/api/stream/text', { q: 'plain words' });
      assert.deepEqual(coalesced(frames), [{ data: { text: 'Echo: plain words' } }, { event: 'done', data: {} }]);
    });

    test('POST takes the same fields as a JSON body', async () => {
      const { status, frames } = await fetchFrames(`${app.url}/api/stream/text`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...user.bearer },
        body: JSON.stringify({ q: 'posted prompt', max_tokens: 50 }),
      });
      assert.equal(status, 200);
      assert.deepEqual(coalesced(frames).at(-2), { data: { text: 'Echo: posted prompt' } });
      assert.equal(wire.limit(upstream('posted prompt')[0]?.body ?? {}), 50);
    });

    test('/api/stream/events: a tool call and its result, then the final answer', async () => {
      const q = 'Price please [[call lookup_price {"product":"Espresso machine"}]]';
      const { frames } = await get('/api/stream/events', { q });
      const toolOutput = '{"product":"Espresso machine","price":249,"currency":"USD"}';
      assert.deepEqual(coalesced(frames), [
        { data: { type: 'part_start', kind: 'tool-call' } },
        { data: { type: 'tool_call', tool: 'lookup_price', args: { product: 'Espresso machine' } } },
        { data: { type: 'tool_result', tool: 'lookup_price', content: toolOutput } },
        { data: { type: 'part_start', kind: 'text' } },
        { data: { type: 'text_delta', delta: `The tool said: ${toolOutput}` } },
        { event: 'usage', data: { input_tokens: 2 * PROMPT_TOKENS, output_tokens: 9 + 5, total_tokens: 2 * PROMPT_TOKENS + 14 } },
        { event: 'result', data: { type: 'final', output: `The tool said: ${toolOutput}` } },
        { event: 'done', data: {} },
      ]);
      const calls = upstream('Price please');
      assert.equal(calls.length, 2, 'one model call for the tool, one for the answer');
      assert.match(JSON.stringify(calls[1]?.body), /249/);
    });

    test('/api/stream/events: parallel tool calls in one turn, each with its result, then one answer', async () => {
      const q = 'Two prices [[call lookup_price {"product":"Espresso machine"} | lookup_price {"product":"Coffee grinder"}]]';
      const { frames } = await get('/api/stream/events', { q });
      const events = coalesced(frames);
      const of = (type: string) => events.filter((f) => (f.data as { type?: string }).type === type).map((f) => f.data);
      assert.deepEqual(of('tool_call'), [
        { type: 'tool_call', tool: 'lookup_price', args: { product: 'Espresso machine' } },
        { type: 'tool_call', tool: 'lookup_price', args: { product: 'Coffee grinder' } },
      ]);
      assert.deepEqual(
        of('tool_result').map((r) => JSON.parse((r as { content: string }).content).product),
        ['Espresso machine', 'Coffee grinder'],
      );
      assert.deepEqual(events.at(-3), {
        event: 'usage',
        data: { input_tokens: 2 * PROMPT_TOKENS, output_tokens: 18 + 5, total_tokens: 2 * PROMPT_TOKENS + 23 },
      });
      assert.equal((events.at(-2)?.data as { type: string }).type, 'final');
      const calls = upstream('Two prices');
      assert.equal(calls.length, 2, 'one model call for both tools, one for the answer');
      const answered = JSON.stringify(calls[1]?.body);
      // Each result, as text (OpenAI, Anthropic) or as an object (Gemini).
      for (const result of [/\\?"price\\?":249/, /\\?"price\\?":89.5/, ...wire.callIds]) assert.match(answered, result);
    });

    test('/api/stream/events: a refusal streams as the answer', { skip: !wire.refusals && 'no refusal field on this wire' }, async () => {
      const { frames } = await get('/api/stream/events', { q: 'Something forbidden [[refuse]]' });
      const events = coalesced(frames);
      assert.deepEqual(events.slice(0, 2), [
        { data: { type: 'part_start', kind: 'text' } },
        { data: { type: 'text_delta', delta: REFUSAL } },
      ]);
      assert.deepEqual(events.slice(-2), [
        { event: 'result', data: { type: 'final', output: REFUSAL } },
        { event: 'done', data: {} },
      ]);
    });

    test('/api/stream/events: a tool error goes back to the model and is shown', async () => {
      const q = 'Price [[call lookup_price {"product":"Flux capacitor"}]]';
      const { frames } = await get('/api/stream/events', { q });
      assert.deepEqual(frames[2], {
        data: { type: 'tool_result', tool: 'lookup_price', content: 'No product called "Flux capacitor" in the catalogue', is_error: true },
      });
      assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
      assert.equal((frames.at(-2)?.data as { type: string }).type, 'final');
      assert.equal(frames.at(-3)?.event, 'usage');
    });

    test('/api/stream/structured: partials fill in, then the validated report', async () => {
      const { frames } = await get('/api/stream/structured', { q: 'Tidal energy', debounce_ms: '0' });
      const partials = frames.slice(0, -2);
      assert.deepEqual(frames.slice(-2), [
        { event: 'result', data: FAKE_REPORT },
        { event: 'done', data: {} },
      ]);
      assertFillsIn(partials, FAKE_REPORT);
      const [request] = upstream('Tidal energy');
      assert.match(JSON.stringify(request?.body), wire.asksForSchema);
      assert.match(JSON.stringify(request?.body), /confidence_score/);
      assert.equal(wire.limit(request?.body ?? {}), 500);
    });

    test('/api/stream/structured: a final object that fails the schema ends in a validation error', async () => {
      const { frames } = await get('/api/stream/structured', { q: 'Bad [[bad-report]]', debounce_ms: '0' });
      assert.deepEqual(frames.at(-2), {
        event: 'error',
        data: {
          error: 'validation',
          detail: 'The final object does not match the schema',
          issues: [{ path: 'confidence_score', message: 'Too big: expected number to be <=1' }],
        },
      });
      assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
      assert.equal(frames.filter((f) => f.event === 'result').length, 0);
    });

    test('the token budget caps generation and is reported', async () => {
      const { frames } = await get('/api/stream', { q: 'one two three four five six', max_tokens: '3' });
      assert.deepEqual(coalesced(frames), [
        { data: { text: 'Echo: one two' } },
        { event: 'usage', data: { input_tokens: PROMPT_TOKENS, output_tokens: 3, total_tokens: PROMPT_TOKENS + 3 } },
        { event: 'error', data: { error: 'budget_exceeded', detail: 'The reply reached its budget of 3 output tokens' } },
        { event: 'done', data: {} },
      ]);
      assert.equal(wire.limit(upstream('one two three')[0]?.body ?? {}), 3);
    });

    const ending = (frames: Frame[]) => frames.slice(-2);

    test('an HTTP error before any output: model_error, and the call is not retried', async () => {
      const { frames } = await get('/api/stream', { q: 'Refused [[status 401]]' });
      assert.deepEqual(ending(frames), [
        {
          event: 'error',
          data: { error: 'model_error', detail: 'The model provider answered HTTP 401: the server’s model credentials were refused' },
        },
        { event: 'done', data: {} },
      ]);
      assert.equal(upstream('Refused [[status 401]]').length, 1);
    });

    test('429 asking for longer than the server waits: model_rate_limited with retry_after, not retried', async () => {
      const { frames } = await get('/api/stream', { q: 'Limited [[status 429 retry-after=120]]' });
      assert.deepEqual(ending(frames), [
        {
          event: 'error',
          data: {
            error: 'model_rate_limited',
            detail: 'The model provider is rate limiting this server (HTTP 429); it asks to retry in 120 s',
            retry_after: 120,
          },
        },
        { event: 'done', data: {} },
      ]);
      assert.equal(upstream('Limited [[status 429').length, 1);
    });

    test('429 asking for a short wait: that wait, not the backoff, then the answer', async () => {
      const started = performance.now();
      const { frames } = await get('/api/stream/text', { q: 'Briefly limited [[fail-once 429]]' });
      assert.deepEqual(coalesced(frames).at(-2), { data: { text: 'Echo: Briefly limited' } });
      assert.equal(upstream('Briefly limited').length, 2);
      assert.ok(performance.now() - started < 900, 'the provider’s short wait was read, not the 1 s backoff');
    });

    test(`${wire.busyStatus} (busy): retried, then the answer`, async () => {
      const { frames } = await get('/api/stream/text', { q: `Busy [[fail-once ${wire.busyStatus}]]` });
      assert.deepEqual(coalesced(frames).at(-2), { data: { text: 'Echo: Busy' } });
      assert.equal(upstream('Busy [[fail-once').length, 2);
    });

    test('an error event mid-stream: the text so far, then model_error', async () => {
      const { frames } = await get('/api/stream', { q: 'Half an answer [[stream-error]]' });
      assert.deepEqual(coalesced(frames), [
        { data: { text: 'Echo: Half an' } },
        { event: 'error', data: { error: 'model_error', detail: 'The model provider sent a response that could not be used' } },
        { event: 'done', data: {} },
      ]);
    });
  });
}
