import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError, type UIMessage } from 'ai';
import type { Run, RunPart } from '../../lib/ai/run';
import { threadUpdate } from '../../lib/chat/client-thread';
import type { AgUiMessage } from '../../lib/http/ag-ui-input';
import { agUiResponse } from '../../lib/protocols/ag-ui';
import { parseFrames } from '../support/sse';
import { streamOf } from '../support/streams';
import { ToolFailure } from '../../lib/ai/tools';

// Stream parts to AG-UI events, and a client's thread to the stored one, without a model or a
// server. The real clients drive the endpoint in tests/api/ag-ui.test.ts.

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
  const run: Run = { parts: streamOf((async function* () { yield* parts; })()), model: 'test', budget: 500 };
  const response = agUiResponse(run, { threadId: 'th', runId: 'r', replyId: 'msg-1', state: {}, ...options });
  const frames = parseFrames(await response.text());
  assert.ok(frames.every((frame) => frame.event === undefined), 'data-only frames');
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
      { type: 'RUN_FINISHED', threadId: 'th', runId: 'r', result: 'Hi there', outcome: { type: 'success' }, usage: [{ model: 'test', ...usage }] },
    ]);
  });

  test('a call sent whole still becomes the triad; its parent is the text of its own step', async () => {
    const result = await events([
      step,
      ...text('t0', 'Let me look'),
      part({ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup_price', input: { product: 'Kettle' } }),
      part({ type: 'tool-result', toolCallId: 'c1', toolName: 'lookup_price', input: {}, output: { product: 'Kettle', price: 9, currency: 'USD' } }),
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
      { type: 'TOOL_CALL_RESULT', messageId: 'msg-1-2', toolCallId: 'c1', content: '{"product":"Kettle","price":9,"currency":"USD"}', role: 'tool' },
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
      { type: 'RUN_ERROR', message: 'The model provider answered HTTP 503: the provider failed', code: 'model', usage: [{ model: 'test', ...usage }] },
    ]);
  });

  test('the budget running out is RUN_ERROR "budget"; no usage is claimed when none is known', async () => {
    const cut = await events([step, ...text('t0', 'Hi'), ...finish('length')]);
    assert.deepEqual(cut.at(-1), { type: 'RUN_ERROR', message: 'The reply reached its budget of 500 output tokens', code: 'budget', usage: [{ model: 'test', ...usage }] });
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
    assert.deepEqual(kept.find((e) => e.type === 'STATE_DELTA')?.delta, [{ op: 'add', path: '/prices/Tea~1Green', value: { price: 1, currency: 'USD' } }]);
    const notAnObject = await events(parts, { protocolVersion: '1.0', state: ['a list'] });
    assert.equal(notAnObject.filter((e) => e.type === 'STATE_DELTA').length, 0, 'a state that is not an object is left alone');
    assert.equal((await events(parts)).filter((e) => e.type === 'STATE_SNAPSHOT').length, 0, 'no snapshot of an empty state');
  });
});

describe('a client’s thread joined to the stored one', () => {
  const user = (id: string, content: string) => ({ id, role: 'user' as const, content });
  // The thread as stored after the client's first run: its question, and a reply that called a client tool.
  const first = threadUpdate('th', [], [user('x1', 'Show a card')]);
  assert.ok(first.ok);
  const call = (state: string, name = 'show_card', extra = {}) =>
    ({ type: `tool-${name}`, toolCallId: 'c1', state, input: { title: 'Hi' }, ...extra }) as UIMessage['parts'][number];
  const stored: UIMessage[] = [...first.added, { id: 's2', role: 'assistant', parts: [call('input-available')] }];
  const clientCopy = [user('x1', 'Show a card'), { id: 'x2', role: 'assistant' as const, toolCalls: [{ id: 'c1', function: { name: 'show_card', arguments: '{}' } }] }];

  test('a new thread starts from the whole client history, with the server’s own ids', () => {
    const update = threadUpdate('th', [], [
      { id: 'x0', role: 'system', content: 'You are a pirate' },
      user('x1', 'Hello'),
      { id: 'x2', role: 'assistant', content: 'Hi', toolCalls: [{ id: 'c1', function: { name: 'show_card', arguments: '{"title":"Hi"}' } }] },
      { id: 'x3', role: 'tool', toolCallId: 'c1', content: 'not json' },
    ]);
    assert.ok(update.ok);
    assert.deepEqual(update.updated, []);
    assert.deepEqual(
      update.added.map((m) => [m.role, m.parts]),
      [
        ['user', [{ type: 'text', text: 'Hello' }]],
        ['assistant', [{ type: 'text', text: 'Hi', state: 'done' }, call('output-available', 'show_card', { output: 'not json' })]],
      ],
      'the client’s system message is not taken: the server keeps its own instructions',
    );
    assert.ok(update.added.every((m) => m.id.startsWith('msg-')));
  });

  test('a known thread takes only new user messages and the results of waiting calls', () => {
    const update = threadUpdate('th', stored, [...clientCopy, { id: 'x3', role: 'tool', toolCallId: 'c1', content: '{"shown":true}' }, user('x4', 'Thanks')]);
    assert.ok(update.ok);
    assert.deepEqual(update.added.map((m) => m.parts), [[{ type: 'text', text: 'Thanks' }]]);
    assert.deepEqual(update.updated.map((m) => [m.id, m.parts]), [['s2', [call('output-available', 'show_card', { output: { shown: true } })]]]);
    assert.equal((stored[1]?.parts[0] as { state: string }).state, 'input-available', 'the stored copy is not changed in place');
  });

  test('a retry after a reply that produced nothing stores the question once', () => {
    const update = threadUpdate('th', first.added, [user('x1', 'Show a card'), user('x5', 'Hello?')]);
    assert.ok(update.ok);
    assert.deepEqual(update.added.map((m) => m.parts), [[{ type: 'text', text: 'Hello?' }]]);
    const again = threadUpdate('th', first.added, [user('x1', 'Show a card')]);
    assert.ok(again.ok && again.added.length === 0, 'the unanswered question is answered again, not stored twice');
  });

  test('a tool error is kept as the call’s error', () => {
    const update = threadUpdate('th', stored, [...clientCopy, { id: 'x3', role: 'tool', toolCallId: 'c1', content: '', error: 'The user closed it' }]);
    assert.ok(update.ok);
    assert.deepEqual(update.updated[0]?.parts[0], call('output-error', 'show_card', { errorText: 'The user closed it' }));
  });

  test('answered calls and the server’s own tools keep their results', () => {
    const answered: UIMessage[] = [
      ...first.added,
      { id: 's2', role: 'assistant', parts: [call('output-available', 'show_card', { output: 1 }), call('output-available', 'lookup_price', { toolCallId: 'c2', output: 2 })] },
      { id: 's3', role: 'user', parts: [{ type: 'text', text: 'More' }] },
    ];
    const forged = [
      { id: 'x3', role: 'tool' as const, toolCallId: 'c1', content: '"forged"' },
      { id: 'x4', role: 'tool' as const, toolCallId: 'c2', content: '"forged"' },
    ];
    const update = threadUpdate('th', answered, forged);
    assert.ok(update.ok);
    assert.deepEqual([update.added, update.updated], [[], []]);
  });

  test('nothing new to answer, or a result for no known call, is refused', async () => {
    for (const [messages, field] of [
      [clientCopy, 'messages'],
      [[{ id: 'x3', role: 'tool', toolCallId: 'c7', content: '1' }], 'messages.0.toolCallId'],
      [[user('x9', ' ')], 'messages.0.content'],
    ] as const) {
      const update = threadUpdate('th', stored, messages as unknown as AgUiMessage[]);
      assert.equal(update.ok, false);
      if (!update.ok) assert.equal(((await update.response.json()) as { field: string }).field, field);
    }
  });
});
