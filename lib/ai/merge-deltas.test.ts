import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergingEventStream } from './merge-deltas';

/** Feeds the reads through the merging stream; returns what came out of each read. */
async function throughMerge(reads: string[]): Promise<string[]> {
  const merge = mergingEventStream();
  const writer = merge.writable.getWriter();
  const reader = merge.readable.getReader();
  const decoder = new TextDecoder();
  const out: string[] = [];
  let next = reader.read();
  const quiet = () => new Promise<'quiet'>((resolve) => setTimeout(() => resolve('quiet'), 5));
  for (const read of reads) {
    void writer.write(new TextEncoder().encode(read));
    // Whatever a read completes must come out before the next read arrives.
    let text = '';
    for (let got = await Promise.race([next, quiet()]); got !== 'quiet' && !got.done; got = await Promise.race([next, quiet()])) {
      text += decoder.decode(got.value);
      next = reader.read();
    }
    out.push(text);
  }
  void writer.close();
  for (let got = await next; !got.done; got = await reader.read()) out.push(decoder.decode(got.value));
  return out;
}

const chat = (delta: object, extra: object = {}) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;
const textOf = (sse: string) =>
  sse
    .split('\n\n')
    .filter(Boolean)
    .map((event) => JSON.parse(event.slice(6)).choices?.[0]?.delta?.content ?? '');

test('chat text deltas that arrive in one read become one event; later reads are not held back', async () => {
  const [first, second] = await throughMerge([
    chat({ content: 'a' }) + chat({ content: 'b' }) + chat({ content: 'c' }),
    chat({ content: 'd' }),
  ]);
  assert.deepEqual(textOf(first!), ['abc']);
  assert.deepEqual(textOf(second!), ['d']);
});

test('anything but a plain text delta passes through unchanged and in order', async () => {
  const role = chat({ role: 'assistant', content: '' });
  const tool = chat({ tool_calls: [{ index: 0, id: 't', function: { name: 'f', arguments: '{' } }] });
  const finish = `data: ${JSON.stringify({ id: 'c1', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`;
  const usage = `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 1 } })}\n\n`;
  const reads = [
    role + chat({ content: 'x' }) + chat({ content: 'y' }) + tool + chat({ content: 'z' }) + finish + usage + 'data: [DONE]\n\n',
  ];
  const [out] = await throughMerge(reads);
  assert.equal(out, role + chat({ content: 'xy' }) + tool + chat({ content: 'z' }) + finish + usage + 'data: [DONE]\n\n');
});

test('deltas of different choices or replies are not merged', async () => {
  const other = `data: ${JSON.stringify({ id: 'c2', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'b' }, finish_reason: null }] })}\n\n`;
  const [out] = await throughMerge([chat({ content: 'a' }) + other]);
  assert.deepEqual(textOf(out!), ['a', 'b']);
});

test('an event cut by the end of a read waits for its rest; CRLF framing is understood', async () => {
  const whole = (chat({ content: 'a' }) + chat({ content: 'b' })).replaceAll('\n', '\r\n');
  const cut = whole.length - 10;
  const [first, second] = await throughMerge([whole.slice(0, cut), whole.slice(cut)]);
  assert.deepEqual(textOf(first!), ['a']);
  assert.deepEqual(textOf(second!), ['b']);
});

test('Responses API text deltas of one item merge, with or without their event: lines; other events pass through', async () => {
  for (const named of [false, true]) {
    const line = (type: string) => (named ? `event: ${type}\n` : '');
    const delta = (text: string, seq: number) =>
      `${line('response.output_text.delta')}data: ${JSON.stringify({ type: 'response.output_text.delta', item_id: 'm1', output_index: 0, content_index: 0, delta: text, sequence_number: seq, logprobs: [] })}\n\n`;
    const done = `${line('response.output_text.done')}data: ${JSON.stringify({ type: 'response.output_text.done', item_id: 'm1', text: 'hey you' })}\n\n`;
    const [out] = await throughMerge([delta('hey', 1) + delta(' you', 2) + done]);
    assert.equal(out, delta('hey you', 1) + done);
  }
});

test('malformed events and bare-CR streams pass through as they came', async () => {
  const [malformed] = await throughMerge([`data: {not json\n\n${chat({ content: 'a' })}`]);
  assert.equal(malformed, `data: {not json\n\n${chat({ content: 'a' })}`);
  const [bare] = await throughMerge([chat({ content: 'a' }).replaceAll('\n', '\r')]);
  assert.equal(bare, chat({ content: 'a' }).replaceAll('\n', '\r'));
});
