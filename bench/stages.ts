import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogle } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { experimental_streamTextLowMemory as streamText, type LanguageModel } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';
import { partStream } from '../lib/ai/openai/lean-model';
import { providerFetch } from '../lib/ai/provider-fetch';
import { toResponse } from '../lib/protocols/envelope/response';
import { textView } from '../lib/protocols/envelope/views';
import { encodeFrame, type Frame } from '../lib/protocols/sse';

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

/** A model's wire: the events before the tokens, one token's event, the events after them. */
interface Wire {
  start: Frame[];
  token(text: string): Frame;
  end: Frame[];
}

const chatCompletions: Wire = {
  start: [
    {
      data: {
        id: 'c',
        created: 0,
        model: 'bench',
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
    },
  ],
  token: (text) => ({
    data: { id: 'c', created: 0, model: 'bench', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] },
  }),
  end: [],
};

/** Anthropic's Messages streaming events. */
const anthropicMessages: Wire = {
  start: [
    {
      event: 'message_start',
      data: {
        type: 'message_start',
        message: {
          id: 'm',
          type: 'message',
          role: 'assistant',
          model: 'bench',
          content: [],
          stop_reason: null,
          usage: { input_tokens: 1, output_tokens: 0 },
        },
      },
    },
    { event: 'content_block_start', data: { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } } },
  ],
  token: (text) => ({ event: 'content_block_delta', data: { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } } }),
  end: [
    { event: 'content_block_stop', data: { type: 'content_block_stop', index: 0 } },
    { event: 'message_delta', data: { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: TOKENS } } },
    { event: 'message_stop', data: { type: 'message_stop' } },
  ],
};

/** Gemini's streamGenerateContent, as SSE. */
const geminiStream: Wire = {
  start: [],
  token: (text) => ({ data: { candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }] } }),
  end: [
    {
      data: {
        candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 1, candidatesTokenCount: TOKENS, totalTokenCount: TOKENS + 1 },
      },
    },
  ],
};

/** A body on a wire that sends one event per macrotask: its opening, each token, its close. */
function body(wire: Wire = chatCompletions): ReadableStream<Uint8Array> {
  const frames = [...wire.start, ...Array.from({ length: TOKENS }, (_, i) => wire.token(` t${i}`)), ...wire.end];
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent === frames.length) return controller.close();
      controller.enqueue(encoder.encode(encodeFrame(frames[sent++]!)));
    },
  });
}

/** The body as the provider's fetch hands it on: watched for silence (lib/ai/provider-fetch.ts). */
const watchedFetch = (wire?: Wire) =>
  providerFetch({
    idleMs: 60_000,
    maxRetryWaitMs: 0,
    fetch: async () => new Response(body(wire), { headers: { 'content-type': 'text/event-stream' } }),
  });
const watchedBody = async () => (await watchedFetch()('http://bench/v1/chat/completions')).body!;

/** @ai-sdk/openai's own Chat Completions model, answered by `body()` with no network. */
const stock = createOpenAI({ apiKey: 'bench', fetch: watchedFetch() }).chat('bench');
/** The native providers, as lib/ai/model.ts builds them, each answered on its own wire. */
const anthropic = createAnthropic({ apiKey: 'bench', fetch: watchedFetch(anthropicMessages) }).messages('bench');
const google = createGoogle({ apiKey: 'bench', fetch: watchedFetch(geminiStream) }).chat('bench');

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

const run = (watched: boolean, chosen: LanguageModel = model(watched)) =>
  streamText({ model: chosen, prompt: 'hello', maxRetries: 0, maxOutputTokens: 4096 });

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
  [
    'the same with @ai-sdk/anthropic on Messages events',
    () => toResponse({ parts: run(true, anthropic).stream, model: 'bench', maxOutputTokens: 1e6 }, { view: textView }).body!,
  ],
  [
    'the same with @ai-sdk/google on streamGenerateContent',
    () => toResponse({ parts: run(true, google).stream, model: 'bench', maxOutputTokens: 1e6 }, { view: textView }).body!,
  ],
];

async function cpuPerToken(make: () => ReadableStream<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: STREAMS }, () => drain(make())));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (STREAMS * TOKENS);
}

/** Each stage must carry the last token through, not fail early and look cheap. */
async function carriesEveryToken(make: () => ReadableStream<unknown>): Promise<boolean> {
  const decoder = new TextDecoder();
  let seen = '';
  const reader = make().getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    seen += read.value instanceof Uint8Array ? decoder.decode(read.value, { stream: true }) : JSON.stringify(read.value);
  }
  return seen.includes(` t${TOKENS - 1}`);
}

for (const [name, make] of STAGES) {
  if (!(await carriesEveryToken(make))) throw new Error(`${name}: the last token never came through`);
  await cpuPerToken(make); // warm up
}
for (const [name, make] of STAGES) {
  const rounds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await cpuPerToken(make));
  rounds.sort((a, b) => a - b);
  console.log(`${rounds[Math.floor(ROUNDS / 2)]!.toFixed(2).padStart(7)} µs  ${name}`);
}
