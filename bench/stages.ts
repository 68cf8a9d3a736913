import { experimental_streamTextLowMemory as streamText } from 'ai';
import type { LanguageModelV4, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { partStream } from '../lib/ai/openai/lean-model';
import { envelopeStream, textView } from '../lib/protocols/envelope';

// What each stage between the model's bytes and the client's costs per token, in one process,
// with no HTTP: `npx tsx bench/stages.ts`. Streams run side by side, and each gets one token per
// event-loop turn, as at a real model's pace, so nothing merges. Each line adds one stage to the
// one above it; the difference between two lines is that stage's cost. Prints µs of CPU per
// token (median of rounds).

const STREAMS = 200;
const TOKENS = 200;
const ROUNDS = 5;
const encoder = new TextEncoder();

/** A Chat Completions body that sends one token per macrotask. */
function body(): ReadableStream<Uint8Array> {
  let sent = -1;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (sent === TOKENS) return controller.close();
      const delta = sent === -1 ? { role: 'assistant', content: '' } : { content: ` t${sent}` };
      controller.enqueue(encoder.encode(`data: ${JSON.stringify({ id: 'c', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`));
      sent++;
    },
  });
}

/** A pass-through stage, as the provider's fetch puts one on every answer to watch for silence. */
const passThrough = () => new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, controller) => controller.enqueue(chunk) });

const model = (watched: boolean): LanguageModelV4 => ({
  specificationVersion: 'v4',
  provider: 'bench',
  modelId: 'bench',
  supportedUrls: {},
  doGenerate: () => Promise.reject(new Error('stream only')),
  doStream: async () => ({ stream: partStream(watched ? body().pipeThrough(passThrough()) : body(), 'chat', []) }),
});

async function drain(stream: ReadableStream<unknown>) {
  const reader = stream.getReader();
  while (!(await reader.read()).done);
}

const run = (watched: boolean) => streamText({ model: model(watched), prompt: 'hello', maxRetries: 0 });

const STAGES: Array<[string, () => ReadableStream<unknown>]> = [
  ['the body, read', () => body()],
  ['+ lean parse into parts', () => partStream(body(), 'chat', [])],
  ['+ streamText (single consumer)', () => run(false).stream as ReadableStream<unknown>],
  ['+ the SSE envelope (text frames)', () => envelopeStream({ parts: run(false).stream, model: 'bench', budget: 1e6 }, textView, () => {})],
  ['+ a pass-through stage on the body (silence watch)', () => envelopeStream({ parts: run(true).stream, model: 'bench', budget: 1e6 }, textView, () => {})],
];

async function cpuPerToken(make: () => ReadableStream<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: STREAMS }, () => drain(make())));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / (STREAMS * TOKENS);
}

for (const [name, make] of STAGES) await cpuPerToken(make); // warm up
for (const [name, make] of STAGES) {
  const rounds: number[] = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await cpuPerToken(make));
  rounds.sort((a, b) => a - b);
  console.log(`${rounds[Math.floor(ROUNDS / 2)]!.toFixed(2).padStart(7)} µs  ${name}`);
}
