import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import type { Run, RunPart } from '../../ai/run';
import { toResponse } from './response';
import { structuredView } from './structured-view';
import { parseFrames } from '../../../tests/support/sse';
import { streamOf } from '../../../tests/support/streams';

const Schema = z.object({ title: z.string(), score: z.number().max(1) });
const part = (p: Record<string, unknown>) => p as unknown as RunPart;
const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2 };

/** Streams the JSON in the given pieces, waiting `gapMs` before each piece after the first. */
async function transcript(pieces: string[], debounceMs: number, gapMs = 0) {
  async function* parts() {
    yield part({ type: 'start-step', request: {}, warnings: [] });
    for (const [i, text] of pieces.entries()) {
      if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
      yield part({ type: 'text-delta', id: 't', text });
    }
    yield part({ type: 'finish', finishReason: 'stop', totalUsage: usage });
  }
  const run: Run = { parts: streamOf(parts()), model: 'test', maxOutputTokens: 100 };
  const view = structuredView({ schema: Schema, debounceMs });
  return parseFrames(await toResponse(run, { view }).text());
}

const PIECES = ['{"ti', 'tle":"Ti', 'des"', ', "sco', 're": 0.', '5}'];

test('each change of the partial object is one frame; unchanged partials are not repeated', async () => {
  assert.deepEqual(await transcript(PIECES, 0), [
    { data: { title: 'Ti' } },
    { data: { title: 'Tides' } },
    { data: { title: 'Tides', score: 0 } },
    { data: { title: 'Tides', score: 0.5 } },
    { event: 'result', data: { title: 'Tides', score: 0.5 } },
    { event: 'done', data: {} },
  ]);
});

test('debounce merges frames that come close together but never holds the first', async () => {
  const frames = await transcript(PIECES, 10_000, 5);
  assert.deepEqual(frames, [
    { data: { title: 'Ti' } },
    { data: { title: 'Tides', score: 0.5 } },
    { event: 'result', data: { title: 'Tides', score: 0.5 } },
    { event: 'done', data: {} },
  ]);
});

test('a held frame is sent when the debounce window ends, not only at the end', async () => {
  const started = Date.now();
  async function* parts() {
    yield part({ type: 'text-delta', id: 't', text: '{"title":"A' });
    yield part({ type: 'text-delta', id: 't', text: 'B' });
    await new Promise((r) => setTimeout(r, 300));
    yield part({ type: 'text-delta', id: 't', text: '", "score": 1}' });
    yield part({ type: 'finish', finishReason: 'stop', totalUsage: usage });
  }
  const body = toResponse(
    { parts: streamOf(parts()), model: 'test', maxOutputTokens: 100 },
    { view: structuredView({ schema: Schema, debounceMs: 50 }) },
  ).body!;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const arrivals: Array<[number, string]> = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    arrivals.push([Date.now() - started, decoder.decode(value)]);
  }
  const second = arrivals.find(([, text]) => text.includes('"AB"'));
  assert.ok(second, 'the held partial was sent');
  assert.ok(second[0] < 250, `sent after the 50 ms window, not after the 300 ms pause (${second[0]} ms)`);
});

test('a final object that fails the schema ends with a validation error carrying the issues', async () => {
  const frames = await transcript(['{"title":"X","score":3}'], 0);
  assert.deepEqual(frames.slice(-2), [
    {
      event: 'error',
      data: {
        error: 'validation',
        detail: 'The final object does not match the schema',
        issues: [{ path: 'score', message: 'Too big: expected number to be <=1' }],
      },
    },
    { event: 'done', data: {} },
  ]);
});

test('a reply that is not JSON at all is a validation error', async () => {
  const frames = await transcript(['Sorry, I cannot do that.'], 0);
  assert.deepEqual(frames, [
    {
      event: 'error',
      data: {
        error: 'validation',
        detail: 'The final object does not match the schema',
        issues: [{ path: '', message: 'The model did not return valid JSON' }],
      },
    },
    { event: 'done', data: {} },
  ]);
});
