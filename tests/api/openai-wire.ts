import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { FAKE_REPORT, PROMPT_TOKENS, REFUSAL, startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai';
import { assertFillsIn } from '../support/assertions';
import { coalesced, fetchFrames } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// Every endpoint, end to end over real HTTP: the built app, the model on the OpenAI wire inside
// it, and the fake OpenAI server on the other side of a real socket. Shared by both wire
// protocols, and run on both ways of reading their answers (OPENAI_PROVIDER lean and stock):
// the same requests must give the same transcripts. What the
// app does when the provider fails (HTTP errors, hangs, cut or malformed streams, a client that
// leaves) is in tests/reliability/faults.test.ts.

export function describeOpenAIWire(prefix: 'openai' | 'openai-chat', provider: 'lean' | 'stock') {
  const wirePath = prefix === 'openai' ? '/v1/responses' : '/v1/chat/completions';
  const limitField = prefix === 'openai' ? 'max_output_tokens' : 'max_tokens';

  describe(`endpoints over the OpenAI ${prefix === 'openai' ? 'Responses' : 'Chat Completions'} wire, ${provider} provider`, () => {
    let fake: FakeOpenAI;
    let app: RunningApp;
    let user: TestUser;
    const get = (path: string, params: Record<string, string>) =>
      fetchFrames(`${app.url}${path}?${new URLSearchParams(params)}`, { headers: user.bearer });
    /** The upstream requests made for one prompt (tests run side by side on one fake). */
    const upstream = (marker: string) => fake.requests.filter((r) => JSON.stringify(r.body).includes(marker));

    before(async () => {
      fake = await startFakeOpenAI();
      app = await startApp({
        MODEL: `${prefix}:fake-model`,
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_PROVIDER: provider,
        MODEL_IDLE_TIMEOUT_MS: '1500',
      });
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
      assert.equal(model, `${prefix}:fake-model`);
      assert.deepEqual(coalesced(frames), [
        { data: { text: 'Echo: Hello World' } },
        { event: 'usage', data: { input_tokens: PROMPT_TOKENS, output_tokens: 3, total_tokens: PROMPT_TOKENS + 3 } },
        { event: 'done', data: {} },
      ]);
      const [request] = upstream('Hello World');
      assert.equal(request?.path, wirePath);
      assert.equal(request?.headers.authorization, 'Bearer sk-test');
      assert.equal(request?.body[limitField], 500);
      assert.equal(request?.body.stream, true);
      assert.match(JSON.stringify(request?.body), /You are a concise, helpful assistant/);
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
      assert.equal(upstream('posted prompt')[0]?.body[limitField], 50);
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
      assert.match(answered, /call_1/);
      assert.match(answered, /call_2/);
    });

    test('/api/stream/events: a refusal streams as the answer', async () => {
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
      assert.match(JSON.stringify(request?.body), /json_schema/);
      assert.match(JSON.stringify(request?.body), /confidence_score/);
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
      assert.equal(upstream('one two three')[0]?.body[limitField], 3);
    });
  });
}
