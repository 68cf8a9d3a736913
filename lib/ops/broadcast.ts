import type { Redis } from 'ioredis';
import { log } from '../log';
import { redis, redisSubscriber } from './redis';

// Word to every replica, over Redis pub/sub when REDIS_URL is set: "stop the turn in this session",
// "this API key has just been revoked". One subscribed connection per process carries every
// channel. Without Redis there is one replica, and the sender acts on its own process itself.

type Handler = (message: string) => void;

// On globalThis, so every route bundle shares one connection and one set of channels.
interface Shared {
  subscriber?: Redis;
  handlers: Map<string, Handler>;
}
const state = globalThis as unknown as { streamwrightBroadcast?: Shared };
const shared: Shared = (state.streamwrightBroadcast ??= { handlers: new Map() });

/**
 * Calls `handler` with each message any replica (this one too) sends on `channel`. Repeat calls
 * for a channel do nothing; a subscription that failed is tried again by the next call.
 */
export function listen(channel: string, handler: Handler): void {
  if (shared.handlers.has(channel)) return;
  shared.subscriber ??= subscribe();
  if (!shared.subscriber) return;
  shared.handlers.set(channel, handler);
  shared.subscriber.subscribe(channel).catch((error: unknown) => {
    shared.handlers.delete(channel);
    log.warn('broadcast_unavailable', { channel, error });
  });
}

/**
 * Sends `message` to every replica listening on `channel`: false without Redis (then this is the
 * only replica). Throws when Redis cannot be reached.
 */
export async function broadcast(channel: string, message: string): Promise<boolean> {
  const client = redis();
  if (!client) return false;
  await client.publish(channel, message);
  return true;
}

function subscribe(): Redis | undefined {
  const subscriber = redisSubscriber();
  subscriber?.on('message', (channel: string, message: string) => shared.handlers.get(channel)?.(message));
  return subscriber;
}
