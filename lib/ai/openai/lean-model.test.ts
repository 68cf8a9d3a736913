import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError, type LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { partStream, type OpenAIWire } from './lean-model';

// The lean model's reading of an answer body, read by read: SSE framing cut anywhere, each
// wire's events turned into the parts the stock provider gives, and the shape checks that stand
// in for its schema. End to end (both wires, both providers, against the fake OpenAI server) is
// in tests/api/model-wire.ts and tests/reliability/faults.test.ts.

const ANSWER_TO = { url: 'http://model.test/v1', requestBody: { model: 'm' } };

/** The parts of a body that arrives in these reads, each read its own chunk. */
async function partsOf(wire: OpenAIWire, reads: string[]): Promise<LanguageModelV4StreamPart[]> {
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next < reads.length) controller.enqueue(encoder.encode(reads[next++]));
      else controller.close();
    },
  });
  const parts: LanguageModelV4StreamPart[] = [];
  await readInto(partStream(body, wire, [], ANSWER_TO), parts);
  return parts;
}

/** Reads a stream to its end into `parts`; rejects with the stream's error. */
async function readInto(stream: ReadableStream<LanguageModelV4StreamPart>, parts: LanguageModelV4StreamPart[]) {
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const chat = (delta: object, finish: string | null = null) =>
  sse({ id: 'c1', created: 1_700_000_000, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] });
const chatUsage = (completion: number) =>
  sse({ id: 'c1', choices: [], usage: { prompt_tokens: 5, completion_tokens: completion, total_tokens: 5 + completion } });
const without = (type: string) => (parts: LanguageModelV4StreamPart[]) => parts.filter((p) => p.type !== type);
const withoutMeta = (parts: LanguageModelV4StreamPart[]) => without('response-metadata')(without('stream-start')(parts));
const textOf = (parts: LanguageModelV4StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
const finishOf = (parts: LanguageModelV4StreamPart[]) =>
  parts.find((p) => p.type === 'finish') as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;

describe('SSE framing', () => {
  test('an event cut anywhere across reads, CRLF line ends, comments and [DONE] all read the same', async () => {
    const whole = chat({ content: 'Hello' }) + chat({ content: ' world' }, 'stop') + chatUsage(2) + 'data: [DONE]\n\n';
    const expected = await partsOf('chat', [whole]);
    for (let cut = 1; cut < whole.length; cut += 7) {
      assert.deepEqual(textOf(await partsOf('chat', [whole.slice(0, cut), whole.slice(cut)])).join(''), 'Hello world', `cut at ${cut}`);
    }
    const crlf = `: keep-alive\r\n\r\n${whole.replaceAll('\n', '\r\n')}`;
    assert.deepEqual(withoutMeta(await partsOf('chat', [crlf])), withoutMeta(expected));
  });

  test('a last event the body ends without a blank line still counts', async () => {
    const parts = await partsOf('chat', [
      chat({ content: 'Hi' }) + `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}`,
    ]);
    assert.equal(finishOf(parts).finishReason.unified, 'stop');
  });

  test('deltas that arrive in one read leave as one part; deltas of separate reads stay apart', async () => {
    const tokens = ['a', 'b', 'c'].map((t) => chat({ content: t }));
    assert.deepEqual(textOf(await partsOf('chat', [tokens.join('')])), ['abc']);
    assert.deepEqual(textOf(await partsOf('chat', tokens)), ['a', 'b', 'c']);
  });

  test('an event that is not JSON, or not an object, is an error part; the events around it still arrive', async () => {
    const parts = await partsOf('chat', [chat({ content: 'a' }), 'data: {"choices":\n\n', 'data: [1]\n\n', chat({ content: 'b' }, 'stop')]);
    assert.deepEqual(textOf(parts), ['a', 'b']);
    assert.deepEqual(
      parts.filter((p) => p.type === 'error').map((p) => (p as { error: Error }).error.name),
      ['AI_JSONParseError', 'AI_JSONParseError'],
    );
    assert.equal(finishOf(parts).finishReason.unified, 'stop');
  });

  test('a body that fails mid-read errors the stream with its error', async () => {
    let sent = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent) return controller.error(new TypeError('terminated'));
        sent = true;
        controller.enqueue(new TextEncoder().encode(chat({ content: 'partial' })));
      },
    });
    const parts: LanguageModelV4StreamPart[] = [];
    await assert.rejects(readInto(partStream(body, 'chat', [], ANSWER_TO), parts), /terminated/);
    assert.deepEqual(textOf(parts), ['partial']);
  });
});

describe('Chat Completions events', () => {
  test('text, metadata, usage and the finish reason', async () => {
    const parts = await partsOf('chat', [
      chat({ role: 'assistant', content: '' }),
      chat({ content: 'Hi' }),
      chat({}, 'length'),
      chatUsage(1),
    ]);
    assert.deepEqual(parts, [
      { type: 'stream-start', warnings: [] },
      { type: 'response-metadata', id: 'c1', modelId: 'm', timestamp: new Date(1_700_000_000_000) },
      { type: 'text-start', id: '0' },
      { type: 'text-delta', id: '0', delta: '' },
      { type: 'text-delta', id: '0', delta: 'Hi' },
      { type: 'text-end', id: '0' },
      {
        type: 'finish',
        finishReason: { unified: 'length', raw: 'length' },
        usage: {
          inputTokens: { total: 5, noCache: 5, cacheRead: 0, cacheWrite: undefined },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
          raw: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
        },
      },
    ]);
  });

  test('parallel tool calls, their arguments in pieces, each a tool-call part with its whole input', async () => {
    const call = (index: number, fn: object, id?: string) =>
      chat({ tool_calls: [{ index, ...(id ? { id, type: 'function' } : {}), function: fn }] });
    const parts = await partsOf('chat', [
      call(0, { name: 'lookup', arguments: '' }, 'call_a'),
      call(0, { arguments: '{"q":' }),
      call(1, { name: 'lookup', arguments: '{"q":"y"}' }, 'call_b'),
      call(0, { arguments: '"x"}' }),
      chat({}, 'tool_calls'),
    ]);
    const calls = parts.filter((p) => p.type === 'tool-call');
    assert.deepEqual(
      calls.map((p) => [p.toolCallId, p.toolName, p.input]),
      [
        ['call_a', 'lookup', '{"q":"x"}'],
        ['call_b', 'lookup', '{"q":"y"}'],
      ],
    );
    assert.equal(finishOf(parts).finishReason.unified, 'tool-calls');
  });

  test('a refusal is text, and the finish says content-filter', async () => {
    const parts = await partsOf('chat', [chat({ refusal: 'No.' }), chat({}, 'stop')]);
    assert.deepEqual(textOf(parts), ['No.']);
    assert.deepEqual(finishOf(parts).finishReason, { unified: 'content-filter', raw: 'stop' });
  });

  test('an error chunk, or a chunk of the wrong shape, is an error part, and the finish says error', async () => {
    const failed = await partsOf('chat', [chat({ content: 'a' }), sse({ error: { message: 'boom', type: 'server_error', code: null } })]);
    const error = failed.find((p) => p.type === 'error') as { error: { message: string; type: string } };
    assert.deepEqual([error.error.message, error.error.type], ['boom', 'server_error']);
    assert.equal(finishOf(failed).finishReason.unified, 'error');

    for (const bad of [
      { choices: 'none' },
      { choices: [7] },
      { choices: [{ delta: 'x' }] },
      { choices: [{ delta: { content: 42 } }] },
      { choices: [{ delta: { tool_calls: {} } }] },
    ]) {
      const parts = await partsOf('chat', [sse(bad)]);
      assert.equal(
        (parts.find((p) => p.type === 'error') as { error: Error } | undefined)?.error.name,
        'AI_TypeValidationError',
        JSON.stringify(bad),
      );
      assert.equal(finishOf(parts).finishReason.unified, 'error');
    }
  });

  test('an error before any output is the call failing with the status its code stands for; after output, a stream error', async () => {
    const first = await partsOf('chat', [sse({ error: { message: 'Slow down', type: 'requests', code: 'rate_limit_exceeded' } })]);
    const error = (first.find((p) => p.type === 'error') as { error: APICallError }).error;
    assert.ok(APICallError.isInstance(error));
    assert.deepEqual([error.statusCode, error.isRetryable, error.url], [429, true, ANSWER_TO.url]);
    const quota = await partsOf('responses', [sse({ type: 'error', code: 'insufficient_quota', message: 'No credit' })]);
    const quotaError = (quota.find((p) => p.type === 'error') as { error: APICallError }).error;
    assert.deepEqual(
      [quotaError.statusCode, quotaError.isRetryable, JSON.parse(quotaError.responseBody!).error.code],
      [429, false, 'insufficient_quota'],
    );
    const late = await partsOf('chat', [chat({ content: 'a' }), sse({ error: { message: 'Slow down', code: 'rate_limit_exceeded' } })]);
    assert.equal(APICallError.isInstance((late.find((p) => p.type === 'error') as { error: unknown }).error), false);
  });

  test('tool-call deltas of the wrong shape are error parts, not a thrown stream', async () => {
    for (const call of [
      { index: 0, id: 7, function: { name: 'x' } },
      { index: 0, function: { name: 'x', arguments: 5 } },
      { index: 'a' },
    ]) {
      const parts = await partsOf('chat', [chat({ tool_calls: [call] }), chat({ content: 'after' }, 'stop')]);
      assert.equal(
        (parts.find((p) => p.type === 'error') as { error: Error } | undefined)?.error.name,
        'AI_TypeValidationError',
        JSON.stringify(call),
      );
      assert.deepEqual(textOf(parts), ['after']);
    }
  });

  test('a body that ends without a finish reason is interrupted, its usage unknown', async () => {
    const finish = finishOf(await partsOf('chat', [chat({ content: 'a' })]));
    assert.deepEqual(finish.finishReason, { unified: 'interrupted', raw: undefined });
    assert.equal(finish.usage.outputTokens.total, undefined);
  });
});

describe('Responses events', () => {
  const event = (type: string, data: object = {}) => `event: ${type}\n${sse({ type, ...data })}`;
  const usage = {
    input_tokens: 5,
    input_tokens_details: { cached_tokens: 2 },
    output_tokens: 4,
    output_tokens_details: { reasoning_tokens: 1 },
    total_tokens: 9,
  };
  const created = event('response.created', { response: { id: 'r1', created_at: 1_700_000_000, model: 'm' } });
  const message = { type: 'message', id: 'msg_1' };
  const text = (delta: string) => event('response.output_text.delta', { item_id: 'msg_1', output_index: 1, content_index: 0, delta });

  test('reasoning summary, text, usage and finish', async () => {
    const summary = (type: string, index: number, extra: object = {}) =>
      event(type, { item_id: 'rs_1', output_index: 0, summary_index: index, ...extra });
    const parts = await partsOf('responses', [
      created,
      event('response.output_item.added', { output_index: 0, item: { type: 'reasoning', id: 'rs_1' } }),
      summary('response.reasoning_summary_part.added', 0),
      summary('response.reasoning_summary_text.delta', 0, { delta: 'Think' }),
      summary('response.reasoning_summary_part.done', 0),
      summary('response.reasoning_summary_part.added', 1),
      summary('response.reasoning_summary_text.delta', 1, { delta: 'More' }),
      event('response.output_item.done', { output_index: 0, item: { type: 'reasoning', id: 'rs_1', encrypted_content: 'sealed' } }),
      event('response.output_item.added', { output_index: 1, item: message }),
      text('Hel') + text('lo'),
      event('response.output_item.done', { output_index: 1, item: message }),
      event('response.completed', { response: { usage } }),
    ]);
    const rs = { openai: { itemId: 'rs_1' } };
    const msg = { openai: { itemId: 'msg_1' } };
    assert.deepEqual(withoutMeta(parts), [
      { type: 'reasoning-start', id: 'rs_1:0', providerMetadata: { openai: { itemId: 'rs_1', reasoningEncryptedContent: null } } },
      { type: 'reasoning-delta', id: 'rs_1:0', delta: 'Think' },
      { type: 'reasoning-end', id: 'rs_1:0', providerMetadata: rs },
      { type: 'reasoning-start', id: 'rs_1:1', providerMetadata: rs },
      { type: 'reasoning-delta', id: 'rs_1:1', delta: 'More' },
      { type: 'reasoning-end', id: 'rs_1:1', providerMetadata: { openai: { itemId: 'rs_1', reasoningEncryptedContent: 'sealed' } } },
      { type: 'text-start', id: 'msg_1', providerMetadata: msg },
      { type: 'text-delta', id: 'msg_1', delta: 'Hello' },
      { type: 'text-end', id: 'msg_1', providerMetadata: msg },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: undefined },
        usage: {
          inputTokens: { total: 5, noCache: 3, cacheRead: 2, cacheWrite: undefined },
          outputTokens: { total: 4, text: 3, reasoning: 1 },
          raw: usage,
        },
      },
    ]);
    assert.deepEqual(parts[1], { type: 'response-metadata', id: 'r1', modelId: 'm', timestamp: new Date(1_700_000_000_000) });
  });

  test('parallel function calls, each a tool-call part with its arguments', async () => {
    const fn = (index: number, args: string) => ({
      type: 'function_call',
      id: `fc_${index}`,
      call_id: `call_${index}`,
      name: 'lookup',
      arguments: args,
    });
    const parts = await partsOf('responses', [
      event('response.output_item.added', { output_index: 0, item: fn(0, '') }),
      event('response.output_item.added', { output_index: 1, item: fn(1, '') }),
      event('response.function_call_arguments.delta', { item_id: 'fc_0', output_index: 0, delta: '{"q":"x"}' }),
      event('response.function_call_arguments.delta', { item_id: 'fc_1', output_index: 1, delta: '{"q":"y"}' }),
      event('response.output_item.done', { output_index: 0, item: fn(0, '{"q":"x"}') }),
      event('response.output_item.done', { output_index: 1, item: fn(1, '{"q":"y"}') }),
      event('response.completed', { response: { usage } }),
    ]);
    assert.deepEqual(
      parts.filter((p) => p.type === 'tool-input-delta').map((p) => [p.id, p.delta]),
      [
        ['call_0', '{"q":"x"}'],
        ['call_1', '{"q":"y"}'],
      ],
    );
    assert.deepEqual(
      parts.filter((p) => p.type === 'tool-call').map((p) => [p.toolCallId, p.input]),
      [
        ['call_0', '{"q":"x"}'],
        ['call_1', '{"q":"y"}'],
      ],
    );
    assert.equal(finishOf(parts).finishReason.unified, 'tool-calls');
  });

  test('a refusal is text and finishes as content-filter; an incomplete response finishes as length', async () => {
    const refusal = await partsOf('responses', [
      event('response.output_item.added', { output_index: 0, item: message }),
      event('response.refusal.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'No.' }),
      event('response.refusal.done', { item_id: 'msg_1', output_index: 0, content_index: 0, refusal: 'No.' }),
      event('response.completed', { response: { usage } }),
    ]);
    assert.deepEqual(textOf(refusal), ['No.']);
    assert.equal(finishOf(refusal).finishReason.unified, 'content-filter');
    const cut = await partsOf('responses', [
      text('a'),
      event('response.incomplete', { response: { incomplete_details: { reason: 'max_output_tokens' }, usage } }),
    ]);
    assert.deepEqual(finishOf(cut).finishReason, { unified: 'length', raw: 'max_output_tokens' });
  });

  test('text deltas belong to the item opened at their output index', async () => {
    const parts = await partsOf('responses', [
      event('response.output_item.added', { output_index: 0, item: { type: 'message', id: 'msg_a' } }),
      event('response.output_text.delta', { output_index: 0, content_index: 0, delta: 'Hi' }),
      event('response.output_item.done', { output_index: 0, item: { type: 'message', id: 'msg_a' } }),
      event('response.completed', { response: { usage } }),
    ]);
    assert.deepEqual(
      parts.filter((p) => p.type.startsWith('text-')).map((p) => [p.type, (p as { id: string }).id]),
      [
        ['text-start', 'msg_a'],
        ['text-delta', 'msg_a'],
        ['text-end', 'msg_a'],
      ],
    );
  });

  test('text that is not JSON fails the stream even when the response then completes', async () => {
    const parts = await partsOf('responses', [text('a'), 'data: {"type":\n\n', event('response.completed', { response: { usage } })]);
    assert.equal(finishOf(parts).finishReason.unified, 'error');
  });

  test('an error event, a failed response, or an event of the wrong shape is an error part and finishes as error', async () => {
    const streamError = await partsOf('responses', [text('a'), event('error', { code: 'server_error', message: 'boom' })]);
    assert.deepEqual(
      [textOf(streamError), (streamError.find((p) => p.type === 'error') as { error: { message: string } }).error.message],
      [['a'], 'boom'],
    );
    assert.equal(finishOf(streamError).finishReason.unified, 'error');

    const failed = await partsOf('responses', [
      event('response.failed', { response: { error: { code: 'server_error', message: 'gone' }, usage } }),
    ]);
    assert.equal((failed.find((p) => p.type === 'error') as { error: { message: string } }).error.message, 'gone');
    assert.deepEqual(finishOf(failed).finishReason, { unified: 'error', raw: 'error' });
    assert.equal(finishOf(failed).usage.outputTokens.total, 4);

    for (const bad of [
      { type: 'response.output_text.delta', item_id: 7, output_index: 'first', delta: 42 },
      { type: 'response.output_item.added', item: 'message' },
      { type: 'response.output_item.added', output_index: 0, item: { type: 'function_call', name: 'x' } },
      { type: 'response.reasoning_summary_text.delta', item_id: 'rs', summary_index: 0 },
    ]) {
      const parts = await partsOf('responses', [sse(bad)]);
      assert.equal(
        (parts.find((p) => p.type === 'error') as { error: Error } | undefined)?.error.name,
        'AI_TypeValidationError',
        JSON.stringify(bad),
      );
      assert.equal(finishOf(parts).finishReason.unified, 'error');
    }
  });
});
