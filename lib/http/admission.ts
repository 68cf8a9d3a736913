import { randomUUID } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { env } from '../env';
import { forOwner } from '../db/owned';
import type { Outcome } from '../ai/outcome';
import type { RunPart } from '../ai/run';
import { log } from '../log';
import { countTokens, endpointOf, metrics } from '../ops/metrics';
import { isDraining, trackStream } from '../ops/lifecycle';
import { connectedRedis, redis } from '../ops/redis';
import { clientAddress } from './client';
import { retryLater } from './errors';

// Who may open a stream now. Every streaming request passes here after its input is checked:
// not while the server shuts down, within the per-user and per-address rates, within the user's
// daily token budget, below the user's cap on open streams, and below this process's cap on open
// streams (what its memory holds). Counts live in Redis when
// REDIS_URL is set (shared by every replica), else in this process.

export type Admitted =
  | {
      ok: true;
      /** The stream's run stops when this aborts: the client left, stop was pressed, or shutdown. */
      controller: AbortController;
      /** Sees each part of the run (for the time to first token). */
      observe: (part: RunPart) => void;
      /**
       * Frees the stream's place once the run has ended, with how it ended (repeat calls do
       * nothing); logs the stream and counts it in the metrics.
       */
      release: (outcome?: Outcome) => void;
    }
  | { ok: false; response: Response };

const perUser = limiter('streams:user', env.RATE_LIMIT_PER_MINUTE, 60);
const perAddress = limiter('streams:address', env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE, 60);
const authAttempts = limiter('auth:address', env.AUTH_ATTEMPTS_PER_15_MINUTES, 15 * 60);

/** The refusal once today's input or output tokens reach their budget (UTC days; 0: no budget). */
async function dailyBudgetSpent(userId: string): Promise<ReturnType<typeof retryLater> | undefined> {
  const budgets = { input: env.DAILY_INPUT_TOKEN_BUDGET, output: env.DAILY_TOKEN_BUDGET };
  if (budgets.input === 0 && budgets.output === 0) return undefined;
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const spent = await forOwner(userId).tokenUsage.spentSince(midnight);
  const over = (['input', 'output'] as const).find(
    (kind) => budgets[kind] > 0 && spent[`${kind}Tokens`] >= budgets[kind],
  );
  if (!over) return undefined;
  const untilTomorrow = (midnight.getTime() + 86_400_000 - Date.now()) / 1000;
  return retryLater('daily_budget_exceeded', `You have spent today's budget of ${budgets[over]} ${over} tokens`, untilTomorrow);
}

export async function admitStream(request: Request, userId: string): Promise<Admitted> {
  if (isDraining()) return refuse(retryLater('shutting_down', 'The server is restarting; try again in a moment', 5));
  const limited = (await overLimit(perUser, userId)) ?? (await overLimit(perAddress, clientAddress(request)));
  if (limited !== undefined) {
    return refuse(retryLater('rate_limited', 'Too many requests; slow down and retry after the time given', limited));
  }
  const overBudget = await dailyBudgetSpent(userId);
  if (overBudget) return refuse(overBudget);
  const store = await openStreams.acquire(userId);
  if (!store) {
    return refuse(
      retryLater('too_many_streams', `You have ${env.MAX_CONCURRENT_STREAMS} streams open; wait for one to end`, 1),
    );
  }
  const controller = new AbortController();
  const untrack = trackStream(controller);
  if (!untrack) {
    void openStreams.release(userId, store);
    return refuse(retryLater('server_busy', 'This server holds as many streams as it can; retry in a moment', 1));
  }
  const endpoint = endpointOf(new URL(request.url).pathname);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let firstToken: number | undefined;
  let released = false;
  metrics.openStreams.inc();
  const observe = (part: RunPart) => {
    if (firstToken !== undefined || (part.type !== 'text-delta' && part.type !== 'reasoning-delta' && part.type !== 'tool-input-start')) return;
    firstToken = seconds();
    metrics.timeToFirstToken.observe({ endpoint }, firstToken);
  };
  const release = (outcome?: Outcome) => {
    if (released) return;
    released = true;
    untrack();
    void openStreams.release(userId, store);
    metrics.openStreams.dec();
    const kind = outcome?.kind ?? 'refused';
    const error = outcome?.kind === 'failed' ? outcome.failure.error : outcome?.kind === 'finished' ? outcome.failure?.error : undefined;
    const usage = outcome?.usage;
    metrics.streamDuration.observe({ endpoint, outcome: kind }, seconds());
    if (error) metrics.errors.inc({ kind: error });
    countTokens(usage);
    // Ids, counts and kinds only: never the prompt, the reply or who the user is beyond their id.
    log.info('stream_end', {
      request_id: request.headers.get('x-request-id') ?? undefined,
      endpoint,
      user_id: userId,
      outcome: kind,
      error,
      duration_ms: Math.round(seconds() * 1000),
      ttft_ms: firstToken === undefined ? undefined : Math.round(firstToken * 1000),
      input_tokens: usage?.inputTokens,
      output_tokens: usage?.outputTokens,
    });
  };
  return { ok: true, controller, observe, release };
}

/** Sign-in and sign-up attempts from one address: a 429 once they run past the limit. */
export async function limitAuthAttempt(request: Request): Promise<Response | undefined> {
  const limited = await overLimit(authAttempts, clientAddress(request));
  if (limited === undefined) return undefined;
  return retryLater('rate_limited', 'Too many sign-in attempts from this address; retry after the time given', limited).response;
}

function refuse(refusal: { code: string; response: Response }): Admitted {
  metrics.rejections.inc({ reason: refusal.code });
  return { ok: false, response: refusal.response };
}

/** A rate of `points` per `seconds`: shared through Redis when set, else in this process. */
interface Limit {
  shared?: RateLimiterRedis;
  local: RateLimiterMemory;
}

/** A limit of `points` per `seconds`, or none when the setting is 0. */
function limiter(keyPrefix: string, points: number, seconds: number): Limit | undefined {
  if (points === 0) return undefined;
  const local = new RateLimiterMemory({ keyPrefix, points, duration: seconds });
  const client = redis();
  // A command waits while the connection is first made (a replica that has just started must not
  // count apart from the others); a command that fails counts in this process instead.
  const shared = client
    ? new RateLimiterRedis({ storeClient: client, keyPrefix: `sw:${keyPrefix}`, points, duration: seconds, rejectIfRedisNotReady: false, insuranceLimiter: local })
    : undefined;
  return { shared, local };
}

/** Seconds to wait when `key` is over the limit, or undefined when it may go on. */
async function overLimit(limit: Limit | undefined, key: string): Promise<number | undefined> {
  if (!limit) return undefined;
  // While Redis is known to be down, each replica counts in memory at once rather than waiting.
  const store = limit.shared && connectedRedis() ? limit.shared : limit.local;
  try {
    await store.consume(key);
    return undefined;
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return rejection.msBeforeNext / 1000;
    log.error('rate_limit_failed', { error: rejection });
    return undefined;
  }
}

/**
 * Each user's open streams. In Redis, a sorted set per user holds one member per stream, scored by
 * when its lease ends, so the streams of a replica that died drop out on their own; otherwise a
 * count in this process. A stream is released in the store that counted it.
 */
const LEASE_MS = 15 * 60_000;
const openStreams = {
  local: new Map<string, number>(),

  /** Where the stream was counted (and its member), or false when the user is at the cap. */
  async acquire(userId: string): Promise<{ store: 'redis'; member: string } | { store: 'local' } | false> {
    const max = env.MAX_CONCURRENT_STREAMS;
    // While Redis is down, count in this process at once rather than wait for it to fail.
    const client = connectedRedis();
    if (client) {
      const key = `sw:open:${userId}`;
      const member = randomUUID();
      try {
        const now = Date.now();
        const replies = await client
          .multi()
          .zremrangebyscore(key, '-inf', now)
          .zadd(key, now + LEASE_MS, member)
          .zcard(key)
          .pexpire(key, LEASE_MS)
          .exec();
        const failed = replies?.find(([error]) => error)?.[0];
        if (!replies || failed) throw failed ?? new Error('Redis transaction discarded');
        const count = replies[2]![1] as number;
        if (max === 0 || count <= max) return { store: 'redis', member };
        await client.zrem(key, member);
        return false;
      } catch (error) {
        log.warn('open_streams_unshared', { error }); // Redis is down: count in this process
        // A transaction that timed out may still run later: take its member out again after it.
        void client.zrem(key, member).catch(() => {});
      }
    }
    const count = this.local.get(userId) ?? 0;
    if (max > 0 && count >= max) return false;
    this.local.set(userId, count + 1);
    return { store: 'local' };
  },

  async release(userId: string, held: { store: 'redis'; member: string } | { store: 'local' }): Promise<void> {
    if (held.store === 'redis') {
      await redis()
        ?.zrem(`sw:open:${userId}`, held.member)
        .catch((error: unknown) => log.warn('open_streams_unshared', { error }));
      return;
    }
    const count = (this.local.get(userId) ?? 1) - 1;
    if (count <= 0) this.local.delete(userId);
    else this.local.set(userId, count);
  },
};
