import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError } from 'ai';
import type { Run, RunPart } from '../../ai/run';
import { ToolFailure } from '../../ai/tools';
import { parseFrames } from '../../../tests/support/sse';
import { streamOf } from '../../../tests/support/streams';
import { toResponse } from './response';

// Stream parts to AG-UI events, without a model or a server. The real clients drive the endpoint in tests/api/ag-ui.test.ts.

const usage = { inputTokens: 4, outputTokens: 3, totalTokens: 7 };
const part = (p: Record<string, unknown>) => p as unknown as RunPart;
const step = part({ type: 'start-step', request: {}, warnings: [] });
const text = (id: string, ...deltas: string[]) => [
  part({ type: 'text-start', id }),
  ...deltas.map((t) => part({ type: 'text-delta', id, text: t })),
  part({ type: 'text-end', id }),
];
const finish = (finishReason = 'stop') => [
  part({ type: 'finish-step', finishReason, usage }),
  part({ type: 'finish', finishReason, rawFinishReason: finishReason, totalUsage: usage }),
];

async function events(parts: RunPart[], options: { protocolVersion?: string; state?: unknown } = { protocolVersion: '1.0' }) {
  const run: Run = {
    parts: streamOf(
      (async function* () {
        yield* parts;
      })(),
    ),
    model: 'test',
    maxOutputTokens: 500,
  };
  const response = toResponse(run, { threadId: 'th', runId: 'r', replyId: 'msg-1', state: {}, ...options });
  const frames = parseFrames(await response.text());
  assert.ok(
    frames.every((frame) => frame.event === undefined),
    'data-only frames',
  );
  return frames.map((frame) => {
    const { timestamp, ...event } = frame.data as Record<string, unknown>;
    assert.equal(typeof timestamp, 'number');
    return event;
  });
}

describe('AG-UI events', () => {
  test('text and reasoning as triads; later messages get their own ids; usage and result at the end', async () => {
    const reasoning = [
      part({ type: 'reasoning-start', id: 'r0' }),
      part({ type: 'reasoning-delta', id: 'r0', text: 'Hmm' }),
      part({ type: 'reasoning-end', id: 'r0' }),
    ];
    assert.deepEqual(await events([step, ...reasoning, ...text('t0', 'Hi', '', ' there'), ...finish()]), [
      { type: 'RUN_STARTED', threadId: 'th', runId: 'r' },
      { type: 'REASONING_START', messageId: 'msg-1' },
      { type: 'REASONING_MESSAGE_START', messageId: 'msg-1', role: 'reasoning' },
      { type: 'REASONING_MESSAGE_CONTENT', messageId: 'msg-1', delta: 'Hmm' },
      { type: 'REASONING_MESSAGE_END', messageId: 'msg-1' },
      { type: 'REASONING_END', messageId: 'msg-1' },
      { type: 'TEXT_MESSAGE_START', messageId: 'msg-1-2', role: 'assistant' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'msg-1-2', delta: 'Hi' },
      { type: 'TEXT_MESSAGE_CONTENT', messageId: 'msg-1-2', delta: ' there' },
      { type: 'TEXT_MESSAGE_END', messageId: 'msg-1-2' },
      {
        type: 'RUN_FINISHED',
        threadId: 'th',
        runId: 'r',
        result: 'Hi there',
        outcome: { type: 'success' },
        usage: [{ model: 'test', ...usage }],
      },
    ]);
  });

  test('a call sent whole still becomes the triad; its parent is the text of its own step', async () => {
    const result = await events([
      step,
      ...text('t0', 'Let me look'),
      part({ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup_price', input: { product: 'Kettle' } }),
      part({
        type: 'tool-result',
        toolCallId: 'c1',
        toolName: 'lookup_price',
        input: {},
        output: { product: 'Kettle', price: 9, currency: 'USD' },
      }),
      step,
      part({ type: 'tool-call', toolCallId: 'c2', toolName: 'lookup_price', input: {} }),
      part({ type: 'tool-error', toolCallId: 'c2', toolName: 'lookup_price', input: {}, error: new ToolFailure('No such product') }),
      ...finish(),
    ]);
    const calls = result.filter((e) => String(e.type).startsWith('TOOL_CALL'));
    assert.deepEqual(calls, [
      { type: 'TOOL_CALL_START', toolCallId: 'c1', toolCallName: 'lookup_price', parentMessageId: 'msg-1' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c1', delta: '{"product":"Kettle"}' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
      {
        type: 'TOOL_CALL_RESULT',
        messageId: 'msg-1-2',
        toolCallId: 'c1',
        content: '{"product":"Kettle","price":9,"currency":"USD"}',
        role: 'tool',
      },
      { type: 'TOOL_CALL_START', toolCallId: 'c2', toolCallName: 'lookup_price' },
      { type: 'TOOL_CALL_ARGS', toolCallId: 'c2', delta: '{}' },
      { type: 'TOOL_CALL_END', toolCallId: 'c2' },
      { type: 'TOOL_CALL_RESULT', messageId: 'msg-1-3', toolCallId: 'c2', content: 'No such product', role: 'tool' },
    ]);
  });

  test('a failure closes every open item first, then RUN_ERROR with its code and the usage of finished steps', async () => {
    const failure = new APICallError({ message: 'boom', url: 'u', requestBodyValues: {}, statusCode: 503 });
    const result = await events([
      step,
      ...text('t0', 'Done'),
      part({ type: 'tool-input-start', id: 'c1', toolName: 'lookup_price' }),
      ...finish('tool-calls').slice(0, 1),
      step,
      part({ type: 'text-start', id: 't1' }),
      part({ type: 'text-delta', id: 't1', text: 'Half' }),
      part({ type: 'reasoning-start', id: 'r1' }),
      part({ type: 'error', error: failure }),
    ]);
    assert.deepEqual(result.slice(-5), [
      { type: 'TEXT_MESSAGE_END', messageId: 'msg-1-2' },
      { type: 'REASONING_MESSAGE_END', messageId: 'msg-1-3' },
      { type: 'REASONING_END', messageId: 'msg-1-3' },
      { type: 'TOOL_CALL_END', toolCallId: 'c1' },
      {
        type: 'RUN_ERROR',
        message: 'The model provider answered HTTP 503: the provider failed',
        code: 'model',
        usage: [{ model: 'test', ...usage }],
      },
    ]);
  });

  test('the budget running out is RUN_ERROR "budget"; no usage is claimed when none is known', async () => {
    const cut = await events([step, ...text('t0', 'Hi'), ...finish('length')]);
    assert.deepEqual(cut.at(-1), {
      type: 'RUN_ERROR',
      message: 'The reply reached its budget of 500 output tokens',
      code: 'budget',
      usage: [{ model: 'test', ...usage }],
    });
    const broken = await events([step, part({ type: 'error', error: new Error('bug') })]);
    assert.deepEqual(broken.at(-1), { type: 'RUN_ERROR', message: 'Internal server error', code: 'internal' });
  });

  test('1.0 clients get the cancelled outcome and the pending calls; 0.0.x clients neither', async () => {
    const stopped = [step, ...text('t0', 'Hi'), part({ type: 'abort', reason: 'AbortError: Stopped by the user' })];
    assert.deepEqual((await events(stopped)).at(-1), { type: 'RUN_FINISHED', threadId: 'th', runId: 'r', outcome: { type: 'cancelled' } });
    assert.deepEqual((await events(stopped, {})).at(-1), { type: 'RUN_FINISHED', threadId: 'th', runId: 'r' });

    const clientCall = [step, part({ type: 'tool-call', toolCallId: 'c9', toolName: 'show_card', input: {} }), ...finish('tool-calls')];
    assert.deepEqual((await events(clientCall)).at(-1)?.outcome, { type: 'success', pendingToolCallIds: ['c9'] });
    assert.deepEqual((await events(clientCall, {})).at(-1)?.outcome, { type: 'success' });
  });

  test('state: a snapshot when the client shares one; each price looked up patches it', async () => {
    const lookup = (id: string, product: string) => [
      part({ type: 'tool-call', toolCallId: id, toolName: 'lookup_price', input: { product } }),
      part({ type: 'tool-result', toolCallId: id, toolName: 'lookup_price', input: {}, output: { product, price: 1, currency: 'USD' } }),
    ];
    const parts = [step, ...lookup('a', 'Tea/Green'), ...lookup('b', 'Mug'), ...finish()];
    const result = await events(parts, { protocolVersion: '1.0', state: { theme: 'dark' } });
    assert.deepEqual(result[1], { type: 'STATE_SNAPSHOT', snapshot: { theme: 'dark' } });
    assert.deepEqual(
      result.filter((e) => e.type === 'STATE_DELTA').map((e) => e.delta),
      [
        [{ op: 'add', path: '/prices', value: { 'Tea/Green': { price: 1, currency: 'USD' } } }],
        [{ op: 'add', path: '/prices/Mug', value: { price: 1, currency: 'USD' } }],
      ],
    );
    const kept = await events(parts, { protocolVersion: '1.0', state: { prices: { 'a~b': 1 } } });
    assert.deepEqual(kept.find((e) => e.type === 'STATE_DELTA')?.delta, [
      { op: 'add', path: '/prices/Tea~1Green', value: { price: 1, currency: 'USD' } },
    ]);
    const notAnObject = await events(parts, { protocolVersion: '1.0', state: ['a list'] });
    assert.equal(notAnObject.filter((e) => e.type === 'STATE_DELTA').length, 0, 'a state that is not an object is left alone');
    assert.equal((await events(parts)).filter((e) => e.type === 'STATE_SNAPSHOT').length, 0, 'no snapshot of an empty state');
  });
});
