import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { APICallError } from 'ai';
import { followRun, OutcomeTracker, type Outcome } from './outcome';
import type { Run, RunPart, RunWatch } from './run';

// How a run ended, from its parts alone: runs built by hand, no model. What each ending becomes
// on the wire is in lib/protocols/envelope/views.test.ts and lib/protocols/ag-ui/events.test.ts.

const part = (p: Record<string, unknown>) => p as unknown as RunPart;
const usage = (outputTokens: number, inputTokens = 10) => ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens });
const startStep = part({ type: 'start-step', request: {}, warnings: [] });
const text = (...deltas: string[]) => deltas.map((t) => part({ type: 'text-delta', id: 't', text: t }));
const finishStep = (finishReason: string, stepUsage = usage(5)) => part({ type: 'finish-step', finishReason, usage: stepUsage });
const finish = (finishReason: string, totalUsage = usage(5)) =>
  part({ type: 'finish', finishReason, rawFinishReason: finishReason, totalUsage });
const toolCall = part({ type: 'tool-call', toolCallId: 'c1', toolName: 'lookup_price', input: { product: 'Desk lamp' } });

/** A run whose stream hands out `parts`, then ends, or fails with `readError` when given. */
function runOf(parts: RunPart[], options: { maxOutputTokens?: number; readError?: unknown; watch?: RunWatch } = {}): Run {
  let next = 0;
  const stream = new ReadableStream<RunPart>({
    pull(controller) {
      if (next < parts.length) controller.enqueue(parts[next++]!);
      else if (options.readError !== undefined) controller.error(options.readError);
      else controller.close();
    },
  });
  return {
    parts: stream,
    model: 'test',
    maxOutputTokens: options.maxOutputTokens ?? 100,
    ...(options.watch ? { watch: options.watch } : {}),
  };
}

const follow = (parts: RunPart[], options?: { maxOutputTokens?: number; readError?: unknown }) =>
  followRun(runOf(parts, options), () => {});

/** A socket closed mid-body, as undici reports it. */
const terminatedError = () =>
  Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

const rateLimited = () =>
  new APICallError({
    message: 'Rate limit reached for org-secret',
    url: 'http://model.test',
    requestBodyValues: {},
    statusCode: 429,
    isRetryable: true,
  });

describe('a run that finishes', () => {
  test('finished: the total usage and the last step’s text, no failure', async () => {
    const outcome = await follow([startStep, ...text('Hel', 'lo'), finishStep('stop', usage(2)), finish('stop', usage(2))]);
    assert.deepEqual(outcome, { kind: 'finished', usage: usage(2), finalText: 'Hello' });
  });

  test('finished with length: cut by the budget, budget_exceeded naming it', async () => {
    const outcome = await follow([startStep, ...text('cut sho'), finishStep('length', usage(40)), finish('length', usage(40))], {
      maxOutputTokens: 40,
    });
    assert.equal(outcome.kind, 'finished');
    assert.deepEqual(outcome.failure, { error: 'budget_exceeded', detail: 'The reply reached its budget of 40 output tokens' });
    assert.equal(outcome.finalText, 'cut sho');
  });

  test('a tool-calls step loop that spent the budget is budget_exceeded; the final text is the last step’s', async () => {
    const outcome = await follow(
      [
        startStep,
        ...text('Let me look.'),
        toolCall,
        finishStep('tool-calls', usage(30)),
        startStep,
        ...text('Looking again.'),
        toolCall,
        finishStep('tool-calls', usage(20)),
        finish('tool-calls', usage(50)),
      ],
      { maxOutputTokens: 50 },
    );
    assert.equal(outcome.kind, 'finished');
    assert.equal(outcome.failure?.error, 'budget_exceeded');
    assert.equal(outcome.finalText, 'Looking again.');
    assert.deepEqual(outcome.usage, usage(50));
  });

  test('ending on a tool call with budget left (a client tool answers it) is no failure', async () => {
    const outcome = await follow([startStep, toolCall, finishStep('tool-calls', usage(49)), finish('tool-calls', usage(49))], {
      maxOutputTokens: 50,
    });
    assert.deepEqual(outcome, { kind: 'finished', usage: usage(49), finalText: '' });
  });
});

describe('a run that does not finish', () => {
  test('aborted: the reason, and what the completed steps spent', async () => {
    const outcome = await follow([
      startStep,
      ...text('a'),
      finishStep('tool-calls', usage(3)),
      startStep,
      ...text('b'),
      part({ type: 'abort', reason: 'stop pressed' }),
    ]);
    assert.deepEqual(outcome, { kind: 'aborted', reason: 'stop pressed', usage: usage(3) });
  });

  test('aborted without a reason, before any step completed: "aborted", no usage', async () => {
    assert.deepEqual(await follow([startStep, ...text('a'), part({ type: 'abort' })]), { kind: 'aborted', reason: 'aborted' });
  });

  test('an error part fails the run, described for the client, with the error as cause', async () => {
    const error = rateLimited();
    const outcome = await follow([startStep, ...text('a'), part({ type: 'error', error })]);
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.failure.error, 'model_rate_limited');
    assert.equal(outcome.cause, error);
    assert.doesNotMatch(outcome.failure.detail, /org-secret/);
    assert.equal('usage' in outcome, false, 'no step completed');
  });

  test('an error part wins over a finish or an abort after it; the first error is the one kept', async () => {
    const first = rateLimited();
    const outcome = await follow([
      startStep,
      part({ type: 'error', error: first }),
      part({ type: 'error', error: new Error('second') }),
      part({ type: 'abort' }),
      finish('stop'),
    ]);
    assert.equal(outcome.kind, 'failed');
    assert.equal(outcome.cause, first);
    assert.equal(outcome.failure.error, 'model_rate_limited');
  });

  test('an error thrown while reading fails the run, keeping the usage of the completed steps', async () => {
    const dropped = terminatedError();
    const run = runOf([startStep, ...text('a'), finishStep('tool-calls', usage(4)), startStep, ...text('b')], { readError: dropped });
    const outcome = await followRun(run, () => {});
    assert.deepEqual(outcome, {
      kind: 'failed',
      failure: { error: 'model_error', detail: 'The connection to the model provider was lost mid-stream' },
      cause: dropped,
      usage: usage(4),
    });
    assert.equal(run.parts.locked, false, 'the reader is released');
  });

  test('a stream that ends without a finish part is a model error', async () => {
    const outcome = await follow([startStep, ...text('half an ans'), finishStep('stop', usage(6))]);
    assert.deepEqual(outcome, {
      kind: 'failed',
      failure: { error: 'model_error', detail: 'The model stream ended without finishing' },
      usage: usage(6),
    });
  });

  test('usage counts the completed steps only, added up; a step cut mid-way adds nothing', async () => {
    const outcome = await follow([
      startStep,
      ...text('a'),
      finishStep('tool-calls', usage(3, 10)),
      startStep,
      ...text('b'),
      finishStep('tool-calls', usage(4, 20)),
      startStep,
      ...text('c', 'd'),
      part({ type: 'error', error: rateLimited() }),
    ]);
    assert.equal(outcome.kind, 'failed');
    assert.deepEqual(outcome.usage, { inputTokens: 30, outputTokens: 7, totalTokens: 37 });
  });
});

describe('onPart', () => {
  test('sees every part in order, and a promise it returns is awaited before the next part is read', async () => {
    const parts = [startStep, ...text('a', 'b', 'c'), finishStep('stop'), finish('stop')];
    const seen: string[] = [];
    let busy = false;
    const outcome = await followRun(runOf(parts), async (p) => {
      assert.equal(busy, false, 'a part arrived while the last one was still being handled');
      busy = true;
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(p.type === 'text-delta' ? p.text : p.type);
      busy = false;
    });
    assert.deepEqual(seen, ['start-step', 'a', 'b', 'c', 'finish-step', 'finish']);
    assert.equal(outcome.kind, 'finished');
  });

  test('followRun resolves only once the last promise onPart returned has settled', async () => {
    let settled = false;
    await followRun(runOf([startStep, finishStep('stop'), finish('stop')]), (p) =>
      p.type === 'finish' ? new Promise<void>((resolve) => setTimeout(() => resolve(void (settled = true)), 5)) : undefined,
    );
    assert.equal(settled, true);
  });

  test('onPart throwing or rejecting fails the run, and the stream is no longer read', async () => {
    for (const handler of [
      () => {
        throw new Error('adapter broke');
      },
      () => Promise.reject(new Error('adapter broke')),
    ]) {
      const run = runOf([startStep, ...text('a'), finishStep('stop'), finish('stop')]);
      let calls = 0;
      const outcome: Outcome = await followRun(run, () => {
        calls++;
        return handler();
      });
      assert.equal(calls, 1);
      assert.equal(outcome.kind, 'failed');
      assert.deepEqual(outcome.kind === 'failed' && outcome.failure, { error: 'internal', detail: 'Internal server error' });
      assert.equal(run.parts.locked, false);
    }
  });
});

describe('watch', () => {
  test('is told of every part, then of the outcome once', async () => {
    const told: string[] = [];
    const outcomes: Outcome[] = [];
    const watch: RunWatch = { part: (p) => told.push(p.type), end: (outcome) => outcomes.push(outcome) };
    const outcome = await followRun(runOf([startStep, ...text('a'), finishStep('stop'), finish('stop')], { watch }), () => {});
    assert.deepEqual(told, ['start-step', 'text-delta', 'finish-step', 'finish']);
    assert.deepEqual(outcomes, [outcome]);
  });

  test('is told the outcome of a run that failed, and of one whose onPart threw', async () => {
    for (const [run, onPart] of [
      [runOf([startStep], { readError: terminatedError() }), () => {}],
      [
        runOf([startStep, finishStep('stop'), finish('stop')]),
        () => {
          throw new Error('adapter broke');
        },
      ],
    ] as const) {
      const ends: Outcome[] = [];
      const withWatch: Run = { ...run, watch: { part: () => {}, end: (outcome) => ends.push(outcome) } };
      const outcome = await followRun(withWatch, onPart);
      assert.equal(outcome.kind, 'failed');
      assert.deepEqual(ends, [outcome]);
    }
  });
});

describe('OutcomeTracker', () => {
  test('fail() keeps the first error; the outcome can be read at any point', () => {
    const tracker = new OutcomeTracker(10);
    tracker.observe(startStep);
    assert.equal(tracker.outcome().kind, 'failed', 'no finish yet');
    tracker.observe(finishStep('stop', usage(1)));
    tracker.observe(finish('stop', usage(1)));
    assert.equal(tracker.outcome().kind, 'finished');
    const first = new Error('first');
    tracker.fail(first);
    tracker.fail(new Error('second'));
    const outcome = tracker.outcome();
    assert.equal(outcome.kind === 'failed' && outcome.cause, first);
  });

  test('a new step starts its text afresh', () => {
    const tracker = new OutcomeTracker(10);
    for (const p of [startStep, ...text('one'), finishStep('tool-calls'), startStep, ...text('two'), finishStep('stop'), finish('stop')])
      tracker.observe(p);
    const outcome = tracker.outcome();
    assert.equal(outcome.kind === 'finished' && outcome.finalText, 'two');
  });
});
