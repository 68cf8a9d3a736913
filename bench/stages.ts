import { createOpenAI } from '@ai-sdk/openai';
import { experimental_streamTextLowMemory as streamText, type LanguageModel } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { partStream } from '../lib/ai/openai/lean-model';
import { providerFetch } from '../lib/ai/provider-fetch';
import { toResponse } from '../lib/protocols/envelope/response';
import { textView } from '../lib/protocols/envelope/views';
import { encodeFrame } from '../lib/protocols/sse';

// What each stage between the model's bytes and the client's costs per token, in one process,
// with no HTTP: `npx tsx bench/stages.ts`. Streams run side by side, and each gets one token per
// event-loop turn, as at a real model's pace, so nothing merges. Each line adds one stage to the
// one above it; the difference between two lines is that stage's cost. Prints µs of CPU per
// token (median of rounds).

const STREAMS = 200;
const TOKENS = 200;
const ROUNDS = 5;
const encoder = new TextEncoder();

const ANSWER_TO = { url: 'http://bench/v1/chat/completions', requestBody: {} };

/** A Chat Completions body that sends one token per macrotask. */
function body(): ReadableStream<Uint8Array> {
  let sent = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent === TOKENS) return controller.close();
      const delta = sent === -1 ? { role: 'assistant', content: '' } : { content: ` t${sent}` };
      controller.enqueue(
        encoder.encode(encodeFrame({ data: { id: 'c', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: null }] } })),
      );
      sent++;
    },
  });
}

/** The body as the provider's fetch hands it on: watched for silence (lib/ai/provider-fetch.ts). */
const watchedFetch = providerFetch({
  idleMs: 60_000,
  maxRetryWaitMs: 0,
  fetch: async () => new Response(body(), { headers: { 'content-type': 'text/event-stream' } }),
});
const watchedBody = async () => (await watchedFetch('http://bench/v1/chat/completions')).body!;

/** @ai-sdk/openai's own Chat Completions model, answered by `body()` with no network. */
const stock = createOpenAI({ apiKey: 'bench', fetch: watchedFetch }).chat('bench');

const model = (watched: boolean): LanguageModelV4 => ({
  specificationVersion: 'v4',
  provider: 'bench',
  modelId: 'bench',
  supportedUrls: {},
  doGenerate: () => Promise.reject(new Error('stream only')),
  doStream: async () => ({ stream: partStream(watched ? await watchedBody() : body(), 'chat', [], ANSWER_TO) }),
});

async function drain(stream: ReadableStream<unknown>) {
  const reader = stream.getReader();
  while (!(await reader.read()).done);
}

const run = (watched: boolean, chosen: LanguageModel = model(watched)) => streamText({ model: chosen, prompt: 'hello', maxRetries: 0 });

const STAGES: Array<[string, () => ReadableStream<unknown>]> = [
  ['the body, read', () => body()],
  ['+ lean parse into parts', () => partStream(body(), 'chat', [], ANSWER_TO)],
  ['+ streamText (single consumer)', () => run(false).stream as ReadableStream<unknown>],
  [
    '+ the SSE envelope (text frames)',
    () => toResponse({ parts: run(false).stream, model: 'bench', maxOutputTokens: 1e6 }, { view: textView }).body!,
  ],
  [
    "+ the provider fetch's silence watch on the body",
    () => toResponse({ parts: run(true).stream, model: 'bench', maxOutputTokens: 1e6 }, { view: textView }).body!,
  ],
  [
    'the same with the stock provider instead of the lean parse',
    () => toResponse({ parts: run(true, stock).stream, model: 'bench', maxOutputTokens: 1e6 }, { view: textView }).body!,
  ],
];

async function cpuPerToken(make: () => ReadableStream<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: STREAMS }, () => drain(make())));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (STREAMS * TOKENS);
}

for (const [, make] of STAGES) await cpuPerToken(make); // warm up
for (const [name, make] of STAGES) {
  const rounds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await cpuPerToken(make));
  rounds.sort((a, b) => a - b);
  console.log(`${rounds[Math.floor(ROUNDS / 2)]!.toFixed(2).padStart(7)} µs  ${name}`);
}
