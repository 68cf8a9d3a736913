import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarize, USAGE_DAYS } from './usage-report';

// The usage report's arithmetic: UTC days, the 30-day window, per-model grouping, outcomes.

const today = new Date('2026-12-04T00:00:00Z');
const row = (createdAt: string, model: string, outcome: string, inputTokens: number, outputTokens: number) => ({
  model,
  outcome,
  inputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  createdAt: new Date(createdAt),
});

test('runs are summed per UTC day and model, within the 30 days that end today', () => {
  const { days, runs } = summarize(
    [
      row('2026-12-04T23:59:59Z', 'b', 'complete', 1, 2),
      row('2026-12-04T00:00:00Z', 'a', 'stopped', 10, 20),
      row('2026-12-04T08:00:00Z', 'a', 'complete', 100, 200),
      row('2026-12-03T23:59:59Z', 'a', 'failed', 1000, 0),
      row('2026-11-05T00:00:00Z', 'a', 'complete', 5, 5), // the window's first day
      row('2026-11-04T23:59:59Z', 'a', 'complete', 9, 9), // before it: not counted
      row('2026-12-02T12:00:00Z', 'a', 'something newer', 0, 0), // an outcome not known here counts as complete
    ],
    today,
  );
  assert.equal(days.length, USAGE_DAYS);
  assert.equal(days[0]?.date, '2026-11-05');
  assert.equal(days.at(-1)?.date, '2026-12-04');
  assert.deepEqual(days.at(-1), {
    date: '2026-12-04',
    runs: 3,
    input_tokens: 111,
    output_tokens: 222,
    total_tokens: 333,
    models: [
      { model: 'a', runs: 2, input_tokens: 110, output_tokens: 220, total_tokens: 330 },
      { model: 'b', runs: 1, input_tokens: 1, output_tokens: 2, total_tokens: 3 },
    ],
  });
  assert.deepEqual(days.at(-2)?.models, [{ model: 'a', runs: 1, input_tokens: 1000, output_tokens: 0, total_tokens: 1000 }]);
  assert.equal(days[0]?.input_tokens, 5);
  assert.deepEqual(runs, { complete: 4, stopped: 1, failed: 1 });
  assert.equal(days.filter((day) => day.runs > 0).length, 4);
});
