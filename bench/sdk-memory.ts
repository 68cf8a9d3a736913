import { experimental_streamTextLowMemory as streamText } from 'ai';
import type { LanguageModelV4 } from '@ai-sdk/provider';

// Memory one open run holds inside the AI SDK alone: N runs through the same single-consumer
// streamText the product uses, on a model that has sent one token and then waits, each with a
// read pending, as an idle stream is. No server, no HTTP, no framework. Run with --expose-gc;
// prints the heap held per run in KB.

const N = 500;

const waitingModel: LanguageModelV4 = {
  specificationVersion: 'v4',
  provider: 'bench',
  modelId: 'waiting',
  supportedUrls: {},
  doGenerate: () => Promise.reject(new Error('stream only')),
  doStream: async () => ({
    stream: new ReadableStream({
      start(controller) {
        controller.enqueue({ type: 'stream-start', warnings: [] });
        controller.enqueue({ type: 'text-start', id: '0' });
        controller.enqueue({ type: 'text-delta', id: '0', delta: ' t0' });
      },
    }),
  }),
};

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
const openRuns = (count: number) =>
  Array.from({ length: count }, () => {
    const reader = streamText({ model: waitingModel, prompt: 'hello' }).stream.getReader();
    const readAll = async () => {
      while (!(await reader.read()).done);
    };
    void readAll();
    return reader;
  });
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

// Warm-up: code compiled and caches filled before the baseline.
for (const reader of openRuns(50)) await reader.cancel();
await settle();
gc();
const before = process.memoryUsage().heapUsed;
const readers = openRuns(N);
await settle();
gc();
const held = (process.memoryUsage().heapUsed - before) / N / 1024;
for (const reader of readers) await reader.cancel();
console.log(JSON.stringify({ kbPerRun: held }));
