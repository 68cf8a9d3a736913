import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApp, type RunningApp } from '../support/app';
import { assertFillsIn } from '../support/assertions';
import { fetchFrames, joinedText, type Frame } from '../support/sse';
import { newUser, type TestUser } from '../support/users';

// The same endpoints with no key and no base URL: the built-in offline model answers.

const HELLO_REPLY =
  "Hello! I'm Streamwright's built-in offline model. Ask for the price of an espresso machine to watch " +
  'a tool call and its result stream by. The structured endpoint fills a research report field by field ' +
  'from the same model. Set OPENAI_API_KEY (or OPENAI_BASE_URL and MODEL) to stream answers from a real model.';

const SOLAR_REPORT = {
  title: 'Research brief: Solar power',
  summary:
    "A short overview of Solar power, composed locally by Streamwright's offline model. " +
    'It shows how a structured report fills in field by field; it is not research.',
  key_findings: [
    'Structured output lets a page render each field as soon as it is known.',
    'Tool calls let a model answer from live data instead of its training set.',
    'Capping output tokens bounds both cost and latency for every request.',
  ],
  confidence_score: 0.54,
};

describe('endpoints over the offline model', () => {
  let app: RunningApp;
  let user: TestUser;
  const get = (path: string, params: Record<string, string>) =>
    fetchFrames(`${app.url}${path}?${new URLSearchParams(params)}`, { headers: user.bearer });

  before(async () => {
    app = await startApp({});
    user = await newUser(app);
  });
  after(async () => app?.stop());

  test('/api/stream: the reply token by token, usage, done; the model says what it is', async () => {
    const { status, model, frames } = await get('/api/stream', { q: 'Hello World' });
    assert.equal(status, 200);
    assert.equal(model, 'offline');
    const text = frames.filter((f) => f.event === undefined);
    assert.equal(joinedText(frames), HELLO_REPLY);
    assert.ok(text.length > 30, 'streamed in many small pieces');
    for (const frame of text) assert.ok((frame.data as { text: string }).text.trim().length <= 6);

    const [usage, done] = frames.slice(-2);
    const counts = usage?.data as { input_tokens: number; output_tokens: number; total_tokens: number };
    assert.equal(usage?.event, 'usage');
    assert.equal(counts.output_tokens, text.length, 'one output token per text frame');
    assert.ok(counts.input_tokens > 0);
    assert.equal(counts.total_tokens, counts.input_tokens + counts.output_tokens);
    assert.deepEqual(done, { event: 'done', data: {} });
  });

  test('/api/stream/text: only text frames, then done', async () => {
    const { frames } = await get('/api/stream/text', { q: 'Hello World' });
    assert.equal(joinedText(frames), HELLO_REPLY);
    assert.deepEqual(frames.at(-1), { event: 'done', data: {} });
    assert.ok(frames.slice(0, -1).every((f) => f.event === undefined && Object.keys(f.data as object).join() === 'text'));
  });

  test('/api/stream/events: the price question calls lookup_price and answers from it', async () => {
    const { frames } = await get('/api/stream/events', { q: 'What is the price of an espresso machine?' });
    const answer =
      "According to the catalogue, the Espresso machine costs 249.00 USD. (Answered by Streamwright's offline model from the lookup_price tool.)";
    assert.deepEqual(withoutDeltas(frames), [
      { data: { type: 'part_start', kind: 'tool-call' } },
      { data: { type: 'tool_call', tool: 'lookup_price', args: { product: 'Espresso machine' } } },
      {
        data: {
          type: 'tool_result',
          tool: 'lookup_price',
          content: '{"product":"Espresso machine","price":249,"currency":"USD"}',
        },
      },
      { data: { type: 'part_start', kind: 'text' } },
      { event: 'usage', data: frames.find((f) => f.event === 'usage')?.data },
      { event: 'result', data: { type: 'final', output: answer } },
      { event: 'done', data: {} },
    ]);
    const usage = frames.find((f) => f.event === 'usage')?.data as { output_tokens: number; total_tokens: number; input_tokens: number };
    assert.ok(usage.output_tokens > 10 && usage.total_tokens === usage.input_tokens + usage.output_tokens);
    const deltas = frames.flatMap((f) =>
      (f.data as { type?: string }).type === 'text_delta' ? [(f.data as { delta: string }).delta] : [],
    );
    assert.equal(deltas.join(''), answer);
  });

  test('/api/stream/events: a product the catalogue lacks comes back as a tool error', async () => {
    const { frames } = await get('/api/stream/events', { q: 'What does a flux capacitor cost?' });
    assert.deepEqual(frames[2], {
      data: { type: 'tool_result', tool: 'lookup_price', content: 'No product called "flux capacitor" in the catalogue', is_error: true },
    });
    assert.match(String((frames.at(-2)?.data as { output: string }).output), /^I could not find that price/);
  });

  test('/api/stream/structured: the report fills in field by field, then validates', async () => {
    const { frames } = await get('/api/stream/structured', { q: 'Solar power', debounce_ms: '0' });
    assert.deepEqual(frames.slice(-2), [
      { event: 'result', data: SOLAR_REPORT },
      { event: 'done', data: {} },
    ]);
    assertFillsIn(frames.slice(0, -2), SOLAR_REPORT);
  });

  test('debounce_ms coalesces partial frames but sends the first at once', async () => {
    const { frames } = await get('/api/stream/structured', { q: 'Solar power', debounce_ms: '5000' });
    const partials = frames.slice(0, -2);
    assert.equal(partials.length, 2, 'the first partial, then everything after it merged into one');
    assert.deepEqual(Object.keys(partials[0]?.data as object), ['title']);
    assert.deepEqual(partials[1]?.data, SOLAR_REPORT);
  });

  test('max_tokens caps the reply and ends it with budget_exceeded', async () => {
    const { frames } = await get('/api/stream', { q: 'Hello World', max_tokens: '5' });
    assert.equal(frames.filter((f) => f.event === undefined).length, 5);
    assert.equal(joinedText(frames), "Hello! I'm Streamwright's");
    const usage = frames.at(-3);
    assert.equal(usage?.event, 'usage');
    assert.equal((usage?.data as { output_tokens: number }).output_tokens, 5);
    assert.deepEqual(frames.slice(-2), [
      { event: 'error', data: { error: 'budget_exceeded', detail: 'The reply reached its budget of 5 output tokens' } },
      { event: 'done', data: {} },
    ]);
  });

  test('a report cut by the budget is not validated or returned', async () => {
    const { frames } = await get('/api/stream/structured', { q: 'Solar power', max_tokens: '10', debounce_ms: '0' });
    assert.equal(frames.filter((f) => f.event === 'result').length, 0);
    assert.deepEqual(frames.slice(-2), [
      { event: 'error', data: { error: 'budget_exceeded', detail: 'The reply reached its budget of 10 output tokens' } },
      { event: 'done', data: {} },
    ]);
  });
});

function withoutDeltas(frames: Frame[]): Frame[] {
  return frames.filter((f) => (f.data as { type?: string }).type !== 'text_delta');
}
