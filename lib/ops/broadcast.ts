import type { Redis } from 'ioredis';
import { log } from '../log';
import { processSingleton } from '../singleton';
import { connectedRedis, redis, redisSubscriber, RedisUnavailableError } from './redis';

// Word to every replica, over Redis pub/sub when REDIS_URL is set: "stop the turn in this session",
// "this API key has just been revoked". One subscribed connection per process carries every
// channel. Without Redis there is one replica, and the sender acts on its own process itself.

type Handler = (message: string) => void;

// One per process, so every route bundle shares one connection and one set of channels.
interface Shared {
  subscriber?: Redis;
  handlers: Map<string, Handler>;
}
const shared = processSingleton<Shared>('broadcast', () => ({ handlers: new Map() }));

/** Calls `handler` with each message any replica (this one too) sends on `channel`. Repeat calls do nothing. */
export function listen(channel: string, handler: Handler): void {
  if (shared.handlers.has(channel)) return;
  shared.subscriber ??= subscriber();
  if (!shared.subscriber) return;
  shared.handlers.set(channel, handler);
  // Before the connection is ready, `ready` subscribes it.
  if (shared.subscriber.status === 'ready') subscribe(shared.subscriber, [channel]);
}

/**
 * Sends `message` to every replica listening on `channel`: false without Redis (then this is the
 * only replica). Throws while Redis cannot be reached.
 */
export async function broadcast(channel: string, message: string): Promise<boolean> {
  if (!redis()) return false;
  const client = connectedRedis();
  if (!client) throw new RedisUnavailableError();
  await client.publish(channel, message);
  return true;
}

function subscriber(): Redis | undefined {
  const connection = redisSubscriber({ autoResubscribe: false });
  if (!connection) return undefined;
  connection.on('message', (channel: string, message: string) => shared.handlers.get(channel)?.(message));
  // Every channel again on each new connection, the first one too.
  connection.on('ready', () => subscribe(connection, [...shared.handlers.keys()]));
  return connection;
}

function subscribe(connection: Redis, channels: string[]) {
  if (channels.length === 0) return;
  connection.subscribe(...channels).catch((error: unknown) => {
    log.warn('broadcast_unavailable', { channels, error });
    // A new connection subscribes every channel again (`ready`).
    if (connection.status === 'ready') connection.disconnect(true);
  });
}
