import { Redis } from 'ioredis';
import { env } from '../env';
import { log } from '../log';

// The Redis connection every replica shares state through (rate limits, open streams, stops,
// resumable streams), when REDIS_URL is set. A command waits for at most one reconnection while
// Redis is down, then fails, so a request never hangs on it.

const holder = globalThis as unknown as { streamwrightRedis?: Redis };

export function redis(): Redis | undefined {
  if (!env.REDIS_URL) return undefined;
  if (!holder.streamwrightRedis) {
    const client = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000 });
    client.on('error', (error) => log.warn('redis_error', { error: error.message }));
    holder.streamwrightRedis = client;
  }
  return holder.streamwrightRedis;
}

/**
 * The client unless it is known to be down (lost and reconnecting, or closed): for state this
 * replica can keep by itself meanwhile (open-stream counts, reply journals), rather than waiting
 * for each command to fail.
 */
export function connectedRedis(): Redis | undefined {
  const client = redis();
  return client && !['reconnecting', 'close', 'end'].includes(client.status) ? client : undefined;
}

/** A client of its own for subscriptions (a subscribed connection can run nothing else). */
export function redisSubscriber(): Redis | undefined {
  const client = redis();
  return client?.duplicate();
}
