import { Redis } from 'ioredis';
import { env } from '../env';
import { log } from '../log';
import { processSingleton } from '../singleton';

// The Redis connection every replica shares state through (rate limits, open streams, stops,
// resumable streams), when REDIS_URL is set. A command waits for at most one reconnection while
// Redis is down, and never more than COMMAND_TIMEOUT_MS for an answer, then fails: a request
// never hangs on it. A connection that stops answering is closed (and counts as lost).

const COMMAND_TIMEOUT_MS = 2000;
// Shorter than a command's timeout: a connection that has sent nothing for this long while a
// command waits is closed, so it counts as lost before that command times out and the next
// command (the same request's next limit) never waits on it too.
const SILENT_CONNECTION_MS = 1500;

export function redis(): Redis | undefined {
  return shared()?.client;
}

/** The process's one connection, with whether it is lost (every route bundle sees the same). */
function shared(): { client: Redis; lost: boolean } | undefined {
  const url = env.REDIS_URL;
  if (!url) return undefined;
  return processSingleton('redis', () => {
    const client = new Redis(url, {
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      socketTimeout: SILENT_CONNECTION_MS,
    });
    const state = { client, lost: false };
    client.on('error', (error) => log.warn('redis_error', { error: error.message }));
    // Lost from the first closed connection until one is ready again, through every retry.
    client.on('close', () => (state.lost = true));
    client.on('ready', () => (state.lost = false));
    return state;
  });
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
