import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { env } from '../env';
import { AppError } from '../errors';
import { log } from '../log';
import { connectedRedis, redis } from '../ops/redis';
import { processSingleton } from '../singleton';

// Requests per minute (streams, by user and by address) and sign-in attempts per 15 minutes (by
// address). Counts live in Redis when REDIS_URL is set, shared by every replica, else in this
// process; while Redis is down each replica counts in memory.

// One set of counters per process, shared by every route bundle.
const { perUser, perAddress, authAttempts } = processSingleton('rate-limits', () => ({
  perUser: limiter('streams:user', env.RATE_LIMIT_PER_MINUTE, 60),
  perAddress: limiter('streams:address', env.RATE_LIMIT_PER_ADDRESS_PER_MINUTE, 60),
  authAttempts: limiter('auth:address', env.AUTH_ATTEMPTS_PER_15_MINUTES, 15 * 60),
}));

/** Throws `rate_limited` when the user or the address is past its rate of streams. */
export async function limitStreams(userId: string, address: string): Promise<void> {
  const wait = (await overLimit(perUser, userId)) ?? (await overLimit(perAddress, address));
  if (wait !== undefined) {
    throw new AppError('rate_limited', 'Too many requests; slow down and retry after the time given', { retryAfter: wait });
  }
}

/** Counts a sign-in or sign-up attempt from an address; throws `rate_limited` past the limit. */
export async function limitAuthAttempt(address: string): Promise<void> {
  const wait = await overLimit(authAttempts, address);
  if (wait !== undefined) {
    throw new AppError('rate_limited', 'Too many sign-in attempts from this address; retry after the time given', { retryAfter: wait });
  }
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
    ? new RateLimiterRedis({
        storeClient: client,
        keyPrefix: `sw:${keyPrefix}`,
        points,
        duration: seconds,
        rejectIfRedisNotReady: false,
        insuranceLimiter: local,
      })
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
