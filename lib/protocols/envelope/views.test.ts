import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError } from 'ai';
import type { Run, RunPart } from '../../ai/run';
import { ToolFailure } from '../../ai/tools';
import { toResponse } from './response';
import { eventsView, fullView, textView, type ViewFactory } from './views';
import { parseFrames } from '../../../tests/support/sse';
import { streamOf } from '../../../tests/support/streams';

// The mapping from AI SDK stream parts to envelope frames, without a model or a server.

const usage = { inputTokens: 4, outputTokens: 3, totalTokens: 7 };
const part = (p: Record<string, unknown>) => p as unknown as RunPart;
const start = [part({ type: 'start' }), part({ type: 'start-step', request: {}, warnings: [] })];
const text = (...deltas: string[]) => [
  part({ type: 'text-start', id: 't' }),
  ...deltas.map((t) => part({ type: 'text-delta', id: 't', text: t })),
  part({ type: 'text-end', id: 't' }),
];
const finish = (finishReason = 'stop', totalUsage = usage) => [
  part({ type: 'finish-step', finishReason, usage: totalUsage }),
  part({ type: 'finish', finishReason, rawFinishReason: finishReason, totalUsage }),
];

async function transcript(parts: RunPart[], view: ViewFactory, budget = 500) {
  const run: Run = {
    parts: streamOf(
      (async function* () {
        yield* parts;
      })(),
    ),
    model: 'test',
    maxOutputTokens: budget,
  };
  return parseFrames(await toResponse(run, { view }).text());
}

describe('text view', () => {
  test('text deltas become text frames; done ends the stream', async () => {
    assert.deepEqual(await transcript([...start, ...text('Hel', 'lo'), ...finish()], textView), [
      { data: { text: 'Hel' } },
      { data: { text: 'lo' } },
      { event: 'done', data: {} },
    ]);
  });

  test('a stream that ends without a finish part is a model_error', async () => {
    assert.deepEqual(await transcript([...start, ...text('Hi')], textView), [
      { data: { text: 'Hi' } },
      { event: 'error', data: { error: 'model_error', detail: 'The model stream ended without finishing' } },
      { event: 'done', data: {} },
    ]);
  });
});

describe('full view', () => {
  test('usage comes after the text', async () => {
    assert.deepEqual((await transcript([...start, ...text('Hi'), ...finish()], fullView)).slice(1), [
      { event: 'usage', data: { input_tokens: 4, output_tokens: 3, total_tokens: 7 } },
      { event: 'done', data: {} },
    ]);
  });

  test('unknown usage is null, not a made-up number', async () => {
    const frames = await transcript([...start, ...finish('stop', {} as typeof usage)], fullView);
    assert.deepEqual(frames[0], { event: 'usage', data: { input_tokens: null, output_tokens: null, total_tokens: null } });
  });

  test('finish reason length: usage, then budget_exceeded', async () => {
    assert.deepEqual((await transcript([...start, ...text('Hi'), ...finish('length')], fullView, 3)).slice(1), [
      { event: 'usage', data: { input_tokens: 4, output_tokens: 3, total_tokens: 7 } },
      { event: 'error', data: { error: 'budget_exceeded', detail: 'The reply reached its budget of 3 output tokens' } },
      { event: 'done', data: {} },
    ]);
  });

  test('a tool loop stopped because the budget is spent is budget_exceeded too', async () => {
    const frames = await transcript([...start, ...finish('tool-calls')], fullView, 3);
    assert.equal((frames.at(-2)?.data as { error: string }).error, 'budget_exceeded');
  });

  test('a tool-calls finish within budget is not an error', async () => {
    const frames = await transcript([...start, ...finish('tool-calls')], fullView, 100);
    assert.deepEqual(
      frames.map((f) => f.event),
      ['usage', 'done'],
    );
  });

  test('a provider HTTP error becomes model_error with the status, not the provider text', async () => {
    const error = new APICallError({
      message: 'Incorrect API key provided: sk-abc***xyz',
      url: 'http://x/v1/responses',
      requestBodyValues: {},
      statusCode: 401,
    });
    assert.deepEqual(await transcript([...start, part({ type: 'error', error })], fullView), [
      {
        event: 'error',
        data: { error: 'model_error', detail: 'The model provider answered HTTP 401: the server’s model credentials were refused' },
      },
      { event: 'done', data: {} },
    ]);
  });

  test('an unexpected error is internal with a fixed message', async () => {
    const frames = await transcript([...start, part({ type: 'error', error: new Error('secret /etc/passwd') })], fullView);
    assert.deepEqual(frames, [
      { event: 'error', data: { error: 'internal', detail: 'Internal server error' } },
      { event: 'done', data: {} },
    ]);
  });

  test('a provider gone silent is a model_error; a client abort ends quietly', async () => {
    const silent = Object.assign(new Error('nothing received for 9 ms'), { name: 'ModelSilentError' });
    const timeout = await transcript([...start, ...text('Hi'), part({ type: 'error', error: silent })], fullView);
    assert.deepEqual(timeout.slice(1), [
      { event: 'error', data: { error: 'model_error', detail: 'The model stopped responding (nothing received for 9 ms)' } },
      { event: 'done', data: {} },
    ]);
    const left = await transcript([...start, ...text('Hi'), part({ type: 'abort', reason: 'AbortError: The client went away' })], fullView);
    assert.deepEqual(left.slice(1), [{ event: 'done', data: {} }]);
  });
});

describe('events view', () => {
  test('parts, deltas, tool calls and results, then the final output of the last step', async () => {
    const parts = [
      ...start,
      part({ type: 'reasoning-start', id: 'r' }),
      part({ type: 'reasoning-delta', id: 'r', text: 'hmm' }),
      part({ type: 'tool-input-start', id: 'c1', toolName: 'lookup_price' }),
      part({ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup_price', input: { product: 'Desk lamp' } }),
      part({ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup_price', input: {}, output: { price: 45 } }),
      part({ type: 'finish-step', finishReason: 'tool-calls', usage }),
      part({ type: 'start-step', request: {}, warnings: [] }),
      ...text('It is ', '45.'),
      ...finish(),
    ];
    assert.deepEqual(await transcript(parts, eventsView), [
      { data: { type: 'part_start', kind: 'thinking' } },
      { data: { type: 'thinking_delta', delta: 'hmm' } },
      { data: { type: 'part_start', kind: 'tool-call' } },
      { data: { type: 'tool_call', tool: 'lookup_price', args: { product: 'Desk lamp' } } },
      { data: { type: 'tool_result', tool: 'lookup_price', content: '{"price":45}' } },
      { data: { type: 'part_start', kind: 'text' } },
      { data: { type: 'text_delta', delta: 'It is ' } },
      { data: { type: 'text_delta', delta: '45.' } },
      { event: 'usage', data: { input_tokens: 4, output_tokens: 3, total_tokens: 7 } },
      { event: 'result', data: { type: 'final', output: 'It is 45.' } },
      { event: 'done', data: {} },
    ]);
  });

  test('tool results are cut at 500 characters; tool errors are marked', async () => {
    const parts = [
      ...start,
      part({ type: 'tool-result', toolCallId: 'c', toolName: 't', input: {}, output: 'x'.repeat(800) }),
      part({ type: 'tool-error', toolCallId: 'd', toolName: 't', input: {}, error: new ToolFailure('no such product') }),
      part({ type: 'tool-error', toolCallId: 'e', toolName: 't', input: {}, error: new Error('ECONNREFUSED 10.0.0.5:5432') }),
      ...finish(),
    ];
    const [result, refused, broken] = await transcript(parts, eventsView);
    assert.equal((result?.data as { content: string }).content, 'x'.repeat(500));
    assert.deepEqual(refused?.data, { type: 'tool_result', tool: 't', content: 'no such product', is_error: true });
    // A tool that breaks (a bug, not a refusal) does not show its internals.
    assert.deepEqual(broken?.data, { type: 'tool_result', tool: 't', content: 'Internal server error', is_error: true });
  });

  test('no final result when the budget cut the run', async () => {
    const frames = await transcript([...start, ...text('Hi'), ...finish('length')], eventsView, 1);
    assert.deepEqual(
      frames.map((f) => f.event ?? 'data'),
      ['data', 'data', 'usage', 'error', 'done'],
    );
  });
});

test('cancelling the body stops the run', async () => {
  let stopped = false;
  const never = streamOf(
    (async function* () {
      yield part({ type: 'start' });
      await new Promise(() => {});
    })(),
  );
  const body = toResponse({ parts: never, model: 'test', maxOutputTokens: 1 }, { view: textView, stop: () => (stopped = true) }).body!;
  await body.cancel();
  assert.equal(stopped, true);
});
