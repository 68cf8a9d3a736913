import assert from 'node:assert/strict';
import type { LanguageModelUsage } from 'ai';
import { after, afterEach, describe, test } from 'node:test';
import type { Admission, StreamRequest } from './admit';
import type { ErrorCode } from '../errors';
import { scratchDatabase } from '../../tests/support/scratch-database';
import { processSingleton } from '../singleton';

// Who may open a stream, in this process (no Redis), with an SQLite file for the daily budget.
// lib/env.ts reads the settings once as it loads, so they are set before any app module is.

const database = scratchDatabase('admission');
Object.assign(process.env, {
  LOG_LEVEL: 'silent',
  MODEL: 'offline',
  OFFLINE_TOKEN_DELAY_MS: '0',
  MAX_CONCURRENT_STREAMS: '2',
  MAX_OPEN_STREAMS: '4',
  RATE_LIMIT_PER_MINUTE: '5',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '6',
  DAILY_TOKEN_BUDGET: '1000',
  DAILY_INPUT_TOKEN_BUDGET: '5000',
});
delete process.env.REDIS_URL;

// The server's lifecycle, made before the app loads, under the key scripts/serve.mjs uses: the tests
// drain it and count the streams it holds.
const lifecycle = processSingleton('lifecycle', () => ({ draining: false, open: new Set<AbortController>() }));

const { admitStream } = await import('./admit');
const { AppError, ERROR_STATUS } = await import('../errors');
const { metrics } = await import('../ops/metrics');
const { followRun } = await import('../ai/outcome');
const { db } = await import('../db/client');
const { flushUsage, recordRun, unwrittenUsage } = await import('../db/usage');

let users = 0;
let addresses = 0;
const newUserId = () => `user-${++users}`;
/** Each request comes from an address of its own unless one is given. */
const request = (userId: string, address = `198.51.100.${++addresses}`): StreamRequest => ({ userId, address, endpoint: 'test' });

/** Every admission a test takes, released after it (release twice does nothing). */
const taken: Admission[] = [];
async function admit(userId: string, address?: string): Promise<Admission> {
  const admission = await admitStream(request(userId, address));
  taken.push(admission);
  return admission;
}

afterEach(() => {
  for (const admission of taken.splice(0)) admission.release();
  lifecycle.draining = false;
});

after(async () => {
  await flushUsage();
  await db().$disconnect();
  database.remove();
});

const rejections = async (reason: ErrorCode) =>
  (await metrics.rejections.get()).values.find((value) => value.labels.reason === reason)?.value ?? 0;
const openStreamsGauge = async () => (await metrics.openStreams.get()).values[0]?.value ?? 0;

/** Asserts the admission is refused with `code` and counted once in the rejections metric. */
async function refused(code: ErrorCode, userId: string, address?: string) {
  const before = await rejections(code);
  const error = await admitStream(request(userId, address)).then(
    (admission) => {
      taken.push(admission);
      assert.fail(`admitted; expected ${code}`);
    },
    (error: unknown) => error,
  );
  assert.ok(error instanceof AppError, `an AppError, not ${String(error)}`);
  assert.equal(error.code, code);
  assert.equal(await rejections(code), before + 1, `${code} counted once in metrics.rejections`);
  return error;
}

describe('admitStream', () => {
  test('an admitted stream holds a place (user and process) until it is released', async () => {
    const userId = newUserId();
    const gauge = await openStreamsGauge();
    const admission = await admit(userId);
    assert.equal(admission.started, false);
    assert.equal(admission.controller.signal.aborted, false);
    assert.equal(lifecycle.open.size, 1);
    assert.ok(lifecycle.open.has(admission.controller), 'the process holds its controller');
    assert.equal(await openStreamsGauge(), gauge + 1);
    admission.release();
    assert.equal(lifecycle.open.size, 0);
    assert.equal(await openStreamsGauge(), gauge);
  });

  test('too_many_streams at MAX_CONCURRENT_STREAMS, with retryAfter; other users go on', async () => {
    const userId = newUserId();
    await admit(userId);
    await admit(userId);
    const error = await refused('too_many_streams', userId);
    assert.equal(error.options.retryAfter, 1);
    assert.equal(ERROR_STATUS[error.code], 429);
    assert.match(error.detail, /2 streams open/);
    await admit(newUserId());
    assert.equal(lifecycle.open.size, 3, 'the refused stream took no place in the process');
  });

  test('a released place can be taken again', async () => {
    const userId = newUserId();
    const first = await admit(userId);
    await admit(userId);
    first.release();
    await admit(userId);
    await refused('too_many_streams', userId);
  });

  test('release twice frees one place', async () => {
    const userId = newUserId();
    const gauge = await openStreamsGauge();
    const first = await admit(userId);
    await admit(userId);
    first.release();
    first.release();
    assert.equal(await openStreamsGauge(), gauge + 1, 'the open-streams gauge went down once');
    await admit(userId);
    await refused('too_many_streams', userId);
  });

  test('rate_limited past RATE_LIMIT_PER_MINUTE for one user, from any address', async () => {
    const userId = newUserId();
    for (let i = 0; i < 5; i++) (await admit(userId)).release();
    const error = await refused('rate_limited', userId);
    assert.ok(error.options.retryAfter! > 0 && error.options.retryAfter! <= 60, `retryAfter ${error.options.retryAfter}`);
    assert.equal(ERROR_STATUS[error.code], 429);
    await admit(newUserId());
  });

  test('rate_limited past RATE_LIMIT_PER_ADDRESS_PER_MINUTE for one address, whoever the user', async () => {
    const address = '192.0.2.7';
    for (let i = 0; i < 6; i++) (await admit(newUserId(), address)).release();
    const error = await refused('rate_limited', newUserId(), address);
    assert.ok(error.options.retryAfter! > 0 && error.options.retryAfter! <= 60, `retryAfter ${error.options.retryAfter}`);
    await admit(newUserId(), '192.0.2.8');
  });

  test('shutting_down while the server drains, and no place is taken', async () => {
    const userId = newUserId();
    lifecycle.draining = true;
    const error = await refused('shutting_down', userId);
    assert.equal(error.options.retryAfter, 5);
    assert.equal(ERROR_STATUS[error.code], 503);
    assert.equal(lifecycle.open.size, 0);
    lifecycle.draining = false;
    await admit(userId);
    await admit(userId);
  });

  test('server_busy at MAX_OPEN_STREAMS; the refused user keeps none of the place it took', async () => {
    const [a, b, c] = [newUserId(), newUserId(), newUserId()];
    const held = [await admit(a), await admit(a), await admit(b), await admit(b)];
    assert.equal(lifecycle.open.size, 4);
    const error = await refused('server_busy', c);
    assert.equal(error.options.retryAfter, 1);
    assert.equal(ERROR_STATUS[error.code], 503);
    held[0]!.release();
    held[1]!.release();
    // c's place from the refused request was given back: c may still open two.
    await admit(c);
    await admit(c);
    await refused('server_busy', newUserId());
  });

  test("daily_budget_exceeded once today's output tokens reach DAILY_TOKEN_BUDGET", async () => {
    const { id: userId } = await db().user.create({ data: { email: 'budget@example.com', passwordHash: 'unused' } });
    const usage = (inputTokens: number, outputTokens: number) =>
      ({ inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }) as never;
    // Yesterday's spending does not count.
    const yesterday = new Date();
    yesterday.setUTCHours(0, 0, 0, 0);
    yesterday.setTime(yesterday.getTime() - 3_600_000);
    await db().tokenUsage.create({
      data: { userId, endpoint: 'test', model: 'offline', inputTokens: 0, outputTokens: 5000, totalTokens: 5000, createdAt: yesterday },
    });
    recordRun({ userId, endpoint: 'test', model: 'offline', outcome: 'complete' }, usage(10, 999));
    await flushUsage();
    (await admit(userId)).release();
    // A row still waiting to be written counts at once.
    recordRun({ userId, endpoint: 'test', model: 'offline', outcome: 'complete' }, usage(0, 1));
    assert.equal(unwrittenUsage(userId).length, 1);
    const error = await refused('daily_budget_exceeded', userId);
    assert.match(error.detail, /1000 output tokens/);
    assert.equal(ERROR_STATUS[error.code], 429);
    const untilMidnight = error.options.retryAfter!;
    assert.ok(untilMidnight > 0 && untilMidnight <= 86_400, `retryAfter ${untilMidnight}`);
    // And once written, from the database.
    await flushUsage();
    assert.equal(unwrittenUsage(userId).length, 0);
    await refused('daily_budget_exceeded', userId);
    assert.equal(lifecycle.open.size, 0);
  });

  test('daily_budget_exceeded once today’s input tokens reach DAILY_INPUT_TOKEN_BUDGET', async () => {
    const { id: userId } = await db().user.create({ data: { email: 'input-budget@example.com', passwordHash: 'unused' } });
    await db().tokenUsage.create({
      data: { userId, endpoint: 'test', model: 'offline', inputTokens: 5000, outputTokens: 0, totalTokens: 5000 },
    });
    const error = await refused('daily_budget_exceeded', userId);
    assert.match(error.detail, /5000 input tokens/);
  });

  test('a run written to the database while it is read from memory counts once, in the budget and the usage report', async () => {
    const { id: userId } = await db().user.create({ data: { email: 'written-meanwhile@example.com', passwordHash: 'unused' } });
    const { forOwner } = await import('../db/owned');
    const counts = { inputTokens: 7, outputTokens: 11, totalTokens: 18 } as LanguageModelUsage;
    recordRun({ userId, endpoint: 'test', model: 'offline', outcome: 'complete' }, counts);
    // The batch's insert has landed, and the row is still in memory: the moment a flush passes through.
    const [row] = unwrittenUsage(userId);
    await db().tokenUsage.create({ data: row! });
    const midnight = new Date(new Date().setUTCHours(0, 0, 0, 0));
    const owner = forOwner(userId).tokenUsage;
    assert.deepEqual(await owner.spentSince(midnight), { inputTokens: 7, outputTokens: 11 });
    assert.equal((await owner.runsSince(midnight)).length, 1);
    assert.equal((await owner.totals()).runs, 1);
    // As the flush would leave it: written once, nothing in memory.
    await db().tokenUsage.delete({ where: { id: row!.id } });
    await flushUsage();
    assert.deepEqual(await owner.spentSince(midnight), { inputTokens: 7, outputTokens: 11 });
  });

  test('startRun starts a run whose end frees the place by itself', async () => {
    const userId = newUserId();
    const gauge = await openStreamsGauge();
    const admission = await admit(userId);
    const run = admission.startRun({ kind: 'answer', prompt: 'Hello there', maxOutputTokens: 200 });
    assert.equal(admission.started, true);
    assert.equal(run.model, 'offline');
    await admit(userId);
    await refused('too_many_streams', userId); // the running stream holds its place
    let text = '';
    const outcome = await followRun(run, (part) => {
      if (part.type === 'text-delta') text += part.text;
    });
    assert.ok(outcome.kind === 'finished', outcome.kind);
    assert.match(text, /offline model/);
    assert.equal(lifecycle.open.has(admission.controller), false, 'the process place is freed');
    assert.equal(await openStreamsGauge(), gauge + 1, 'only the other admission is still open');
    await admit(userId);
    // What it spent is recorded for the user, under the stream's endpoint.
    assert.deepEqual(
      unwrittenUsage(userId).map(({ endpoint, model, outputTokens, outcome }) => ({ endpoint, model, outputTokens, outcome })),
      [{ endpoint: 'test', model: 'offline', outputTokens: outcome.usage.outputTokens, outcome: 'complete' }],
    );
  });

  test('startRun with held keeps the place after the run ends, until release', async () => {
    const userId = newUserId();
    const admission = await admit(userId);
    const run = admission.startRun({ kind: 'answer', prompt: 'Hello there', maxOutputTokens: 200 }, { held: true });
    await admit(userId);
    const outcome = await followRun(run, () => {});
    assert.equal(outcome.kind, 'finished');
    assert.equal(unwrittenUsage(userId).length, 1, 'the run is recorded as it ends, before its release');
    assert.ok(lifecycle.open.has(admission.controller), 'still held in the process');
    await refused('too_many_streams', userId);
    admission.release(outcome);
    assert.equal(lifecycle.open.has(admission.controller), false);
    await admit(userId);
  });

  test('aborting the controller stops the run, and its end frees the place', async () => {
    const userId = newUserId();
    const admission = await admit(userId);
    const run = admission.startRun({ kind: 'answer', prompt: 'Hello there', maxOutputTokens: 200 });
    admission.controller.abort(new DOMException('Stopped', 'AbortError'));
    const outcome = await followRun(run, () => {});
    assert.equal(outcome.kind, 'aborted');
    assert.deepEqual(
      unwrittenUsage(userId).map((row) => row.outcome),
      ['stopped'],
      'one usage row, stopped',
    );
    assert.equal(lifecycle.open.has(admission.controller), false);
    await admit(userId);
    await admit(userId);
  });
});
