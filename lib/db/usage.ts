import { createIdGenerator, type LanguageModelUsage } from 'ai';
import { log } from '../log';
import { unavailableStore } from '../errors';
import { onShutdown } from '../ops/lifecycle';
import { db, isForeignKeyViolation } from './client';

// What each run spent, written in batches: a run's usage joins a queue that reaches the database
// in one insert every FLUSH_MS (sooner once BATCH_SIZE rows wait), rather than one insert per run
// as it ends, which under load was a large share of a stream's cost. Reads add the rows still
// waiting, so a user sees what they spent at once; each row has its id from the start, so a
// read leaves out of the database's answer the rows it already took from memory, and a row
// written meanwhile counts once. A shutdown writes the rest before exit.

export interface TokenCounts {
  inputTokens: number | null;
  outputTokens: number | null;
  totalTokens: number | null;
}

export function countsOf(usage: LanguageModelUsage | undefined): TokenCounts | null {
  if (!usage) return null;
  return { inputTokens: usage.inputTokens ?? null, outputTokens: usage.outputTokens ?? null, totalTokens: usage.totalTokens ?? null };
}

/** How a run ended, as its usage row keeps it (a stored reply's status uses the same words). */
export type RunOutcome = 'complete' | 'stopped' | 'failed';

interface UsageRow {
  id: string;
  userId: string;
  endpoint: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  outcome: RunOutcome;
  createdAt: Date;
}

const newUsageId = createIdGenerator({ prefix: 'use', size: 16 });

const FLUSH_MS = 200;
const BATCH_SIZE = 500;
/** Rows kept for a database that is away, at most; past that the oldest are given up (logged). */
const MAX_WAITING = 50_000;

/** Rows not yet written, and the batch being written (still counted by reads until it is in). */
let waiting: UsageRow[] = [];
let writing: UsageRow[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let lastWrite: Promise<void> = Promise.resolve();
let flushQueued = false;

/**
 * Notes one run: how it ended and what its finished steps spent (none: zeros). A failure to write
 * is logged, never passed to the run.
 */
export function recordRun(
  run: { userId: string; endpoint: string; model: string; outcome: RunOutcome },
  usage: LanguageModelUsage | undefined,
): void {
  const counts = countsOf(usage);
  waiting.push({
    id: newUsageId(),
    ...run,
    inputTokens: counts?.inputTokens ?? 0,
    outputTokens: counts?.outputTokens ?? 0,
    totalTokens: counts?.totalTokens ?? 0,
    createdAt: new Date(),
  });
  if (waiting.length >= BATCH_SIZE && !flushQueued) void flushUsage();
  else timer ??= setTimeout(() => void flushUsage(), FLUSH_MS);
}

/** Writes every waiting row; resolves once they (and any batch before them) are in. */
export function flushUsage(): Promise<void> {
  clearTimeout(timer);
  timer = undefined;
  flushQueued = true;
  lastWrite = lastWrite.then(async () => {
    flushQueued = false;
    if (waiting.length === 0) return;
    writing = waiting;
    waiting = [];
    try {
      await insertUsage(writing);
    } catch (error) {
      if (unavailableStore(error) === 'database') {
        // The database is away for a moment: the rows wait for the next try.
        waiting = [...writing, ...waiting];
        const dropped = waiting.length - MAX_WAITING;
        if (dropped > 0) log.error('usage_not_recorded', { rows: dropped, error });
        if (dropped > 0) waiting = waiting.slice(dropped);
        timer ??= setTimeout(() => void flushUsage(), 1000);
      } else {
        log.error('usage_not_recorded', { rows: writing.length, error });
      }
    } finally {
      writing = [];
    }
  });
  return lastWrite;
}

onShutdown(flushUsage);

/**
 * One insert for the batch. A row of a user deleted meanwhile (a run that ended after its account
 * was deleted, here or on another replica) fails the whole insert on its foreign key: the rows
 * of the users that still exist are then written, the others dropped with their account.
 */
async function insertUsage(rows: UsageRow[]): Promise<void> {
  try {
    await db().tokenUsage.createMany({ data: rows });
  } catch (error) {
    if (!isForeignKeyViolation(error)) throw error;
    const users = [...new Set(rows.map((row) => row.userId))];
    const existing = new Set((await db().user.findMany({ where: { id: { in: users } }, select: { id: true } })).map((user) => user.id));
    const kept = rows.filter((row) => existing.has(row.userId));
    if (kept.length === rows.length) throw error;
    log.info('usage_of_deleted_users_dropped', { rows: rows.length - kept.length });
    if (kept.length > 0) await db().tokenUsage.createMany({ data: kept });
  }
}

/** Drops a user's rows that wait to be written (their account has just been deleted). */
export function forgetUsage(userId: string): void {
  waiting = waiting.filter((row) => row.userId !== userId);
}

/** A user's rows that are not in the database yet, created at or after `since`. */
export function unwrittenUsage(userId: string, since?: Date): UsageRow[] {
  return [...writing, ...waiting].filter((row) => row.userId === userId && (!since || row.createdAt >= since));
}
