import { randomUUID } from 'node:crypto';
import { env } from '../env';
import { log } from '../log';
import { connectedRedis, redis } from '../ops/redis';
import { processSingleton } from '../singleton';

// Each user's open streams. In Redis, a sorted set per user holds one member per stream, scored by
// when its lease ends, so the streams of a replica that died drop out on their own; otherwise a
// count in this process. A stream is released in the store that counted it.

export type HeldStream = { store: 'redis'; member: string } | { store: 'local' };

const LEASE_MS = 15 * 60_000;
// The count in this process, shared by every route bundle.
const local = processSingleton('open-streams', () => new Map<string, number>());

/** Where the stream was counted (and its member), or false when the user is at the cap. */
export async function acquireStream(userId: string): Promise<HeldStream | false> {
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
  const count = local.get(userId) ?? 0;
  if (max > 0 && count >= max) return false;
  local.set(userId, count + 1);
  return { store: 'local' };
}

export async function releaseStream(userId: string, held: HeldStream): Promise<void> {
  if (held.store === 'redis') {
    await redis()
      ?.zrem(`sw:open:${userId}`, held.member)
      .catch((error: unknown) => log.warn('open_streams_unshared', { error }));
    return;
  }
  const count = (local.get(userId) ?? 1) - 1;
  if (count <= 0) local.delete(userId);
  else local.set(userId, count);
}
