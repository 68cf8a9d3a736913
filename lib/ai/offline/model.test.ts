import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { Output, streamText } from 'ai';
import { OfflineModel, tokenize } from './model';
import { ResearchReport } from '../report';
import { tools } from '../tools';

const model = new OfflineModel({ tokenDelayMs: 0 });
const user = (text: string): LanguageModelV4CallOptions['prompt'][number] => ({ role: 'user', content: [{ type: 'text', text }] });

async function partsOf(options: Partial<LanguageModelV4CallOptions> & Pick<LanguageModelV4CallOptions, 'prompt'>) {
  const { stream } = await model.doStream(options as LanguageModelV4CallOptions);
  const parts: LanguageModelV4StreamPart[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  return parts;
}
const deltas = (parts: LanguageModelV4StreamPart[]) => parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
const finishOf = (parts: LanguageModelV4StreamPart[]) =>
  parts.find((p) => p.type === 'finish') as Extract<LanguageModelV4StreamPart, { type: 'finish' }>;

describe('the offline model', () => {
  test('tokenize keeps every character and cuts words into small pieces', () => {
    const text = "Hello!  I'm Streamwright's model.\nNew line";
    const tokens = tokenize(text);
    assert.equal(tokens.join(''), text);
    assert.ok(tokens.every((t) => t.trim().length <= 6));
  });

  test('the same prompt always gets the same reply, and says it is the offline model', async () => {
    const first = deltas(await partsOf({ prompt: [user('Tell me about tides')] })).join('');
    const second = deltas(await partsOf({ prompt: [user('Tell me about tides')] })).join('');
    assert.equal(first, second);
    assert.match(first, /offline model/);
    assert.match(first, /Tell me about tides/);
  });

  test('maxOutputTokens cuts the reply and finishes with length; usage counts what was sent', async () => {
    const parts = await partsOf({ prompt: [user('Tell me about tides')], maxOutputTokens: 4 });
    assert.equal(deltas(parts).length, 4);
    const finish = finishOf(parts);
    assert.equal(finish.finishReason.unified, 'length');
    assert.equal(finish.usage.outputTokens.total, 4);
    assert.ok((finish.usage.inputTokens.total ?? 0) > 0);
  });

  test('a price question with lookup_price offered becomes a tool call', async () => {
    const parts = await partsOf({
      prompt: [user('How much does the standing desk cost?')],
      tools: [{ type: 'function', name: 'lookup_price', inputSchema: {} }],
    });
    const call = parts.find((p) => p.type === 'tool-call');
    assert.deepEqual(call, {
      type: 'tool-call',
      toolCallId: 'call_offline_1',
      toolName: 'lookup_price',
      input: '{"product":"Standing desk"}',
    });
    assert.equal(finishOf(parts).finishReason.unified, 'tool-calls');
  });

  test('without the tool offered, a price question is answered in prose', async () => {
    const parts = await partsOf({ prompt: [user('How much does the standing desk cost?')] });
    assert.equal(
      parts.some((p) => p.type === 'tool-call'),
      false,
    );
  });

  test('a tool loop through streamText runs the real tool and answers from it', async () => {
    const result = streamText({ model, prompt: 'What is the price of a USB-C hub?', tools, stopWhen: () => false });
    assert.equal(
      await result.text,
      "According to the catalogue, the USB-C hub costs 39.99 USD. (Answered by Streamwright's offline model from the lookup_price tool.)",
    );
    assert.equal((await result.steps).length, 2);
  });

  test('with a JSON schema requested it writes a valid ResearchReport', async () => {
    const result = streamText({ model, prompt: 'Wind farms', output: Output.object({ schema: ResearchReport }) });
    const report = await result.output;
    assert.equal(report.title, 'Research brief: Wind farms');
    assert.ok(report.key_findings.length === 3);
    assert.ok(report.confidence_score >= 0 && report.confidence_score <= 1);
  });

  test('earlier turns of a conversation reach the reply', async () => {
    const parts = await partsOf({
      prompt: [
        user('What is a tide?'),
        { role: 'assistant', content: [{ type: 'text', text: 'A rise of the sea.' }] },
        user('And a wave?'),
      ],
    });
    assert.match(deltas(parts).join(''), /Earlier in this conversation you asked: “What is a tide\?”/);
  });

  test('tokens are paced, and an abort stops the stream at once', async () => {
    const slow = new OfflineModel({ tokenDelayMs: 40 });
    const controller = new AbortController();
    const { stream } = await slow.doStream({
      prompt: [user('Tell me about tides')],
      abortSignal: controller.signal,
    } as LanguageModelV4CallOptions);
    const reader = stream.getReader();
    const started = Date.now();
    let received = 0;
    await assert.rejects(async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (value.type === 'text-delta' && ++received === 3) controller.abort(new Error('stop pressed'));
      }
    }, /stop pressed/);
    assert.equal(received, 3);
    assert.ok(Date.now() - started >= 70, 'the second and third tokens waited for their turn');
  });

  test('doGenerate returns the same reply in one piece', async () => {
    const result = await model.doGenerate({ prompt: [user('Hello there')] } as LanguageModelV4CallOptions);
    const streamed = deltas(await partsOf({ prompt: [user('Hello there')] })).join('');
    assert.deepEqual(result.content, [{ type: 'text', text: streamed }]);
  });
});
