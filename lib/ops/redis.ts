import { Redis } from 'ioredis';
import { env } from '../env';
import { log } from '../log';

// The Redis connection every replica shares state through (rate limits, open streams, stops,
// resumable streams), when REDIS_URL is set. A command waits for at most one reconnection while
// Redis is down, and never more than COMMAND_TIMEOUT_MS for an answer, then fails: a request
// never hangs on it. A connection that stops answering is closed (and counts as lost).

const COMMAND_TIMEOUT_MS = 2000;

const holder = globalThis as unknown as { streamwrightRedis?: { client: Redis; lost: boolean } };

export function redis(): Redis | undefined {
  return shared()?.client;
}

function shared() {
  if (!env.REDIS_URL) return undefined;
  if (!holder.streamwrightRedis) {
    const client = new Redis(env.REDIS_URL, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      socketTimeout: COMMAND_TIMEOUT_MS,
    });
    const state = { client, lost: false };
    client.on('error', (error) => log.warn('redis_error', { error: error.message }));
    // Lost from the first closed connection until one is ready again, through every retry.
    client.on('close', () => (state.lost = true));
    client.on('ready', () => (state.lost = false));
    holder.streamwrightRedis = state;
  }
  return holder.streamwrightRedis;
}

/**
 * The client unless its connection has been lost and not yet made again: for state this replica
 * can keep by itself meanwhile (rate counts, open-stream counts, reply journals), rather than
 * waiting for each command to fail. A connection still being made for the first time counts as
 * up, so a replica that has just started does not count apart from the others.
 */
export function connectedRedis(): Redis | undefined {
  const state = shared();
  return state && !state.lost && state.client.status !== 'end' ? state.client : undefined;
}

/** Redis is configured but its connection is lost (see `connectedRedis`). */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor() {
    super('The Redis connection is lost');
  }
}

/** A client of its own for subscriptions (a subscribed connection can run nothing else). */
export function redisSubscriber(options: { autoResubscribe?: boolean } = {}): Redis | undefined {
  const subscriber = redis()?.duplicate(options);
  subscriber?.on('error', (error) => log.warn('redis_error', { error: error.message }));
  return subscriber;
}
