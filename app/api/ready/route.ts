import { messageOf } from '@/lib/errors';
import { db } from '@/lib/db/client';
import { log } from '@/lib/log';
import { isDraining, isFull } from '@/lib/ops/lifecycle';
import { redis } from '@/lib/ops/redis';
import { route } from '@/lib/http/route';

/**
 * Readiness: 200 while the server can take traffic; 503 while it shuts down, while it holds as
 * many streams as it may (MAX_OPEN_STREAMS), or when the database (or Redis, when configured) does
 * not answer within two seconds.
 */
async function get() {
  if (isDraining()) return answer(503, { status: 'draining' });
  if (isFull()) return answer(503, { status: 'full' });
  const checks = { database: check(db().$queryRawUnsafe('SELECT 1')), ...(redis() ? { redis: check(redis()!.ping()) } : {}) };
  const results = Object.fromEntries(await Promise.all(Object.entries(checks).map(async ([name, ok]) => [name, await ok])));
  const ready = Object.values(results).every((result) => result === 'ok');
  return answer(ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable', checks: results });
}

async function check(probe: Promise<unknown>): Promise<'ok' | 'unreachable'> {
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 2 s')), 2000).unref());
  try {
    await Promise.race([probe, timeout]);
    return 'ok';
  } catch (error) {
    log.warn('readiness_check_failed', { error: messageOf(error) });
    return 'unreachable';
  }
}

const answer = (status: number, body: unknown) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

export const GET = route(get);
