import { timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';
import { errorResponse } from '@/lib/http/errors';
import { metrics } from '@/lib/ops/metrics';
import { route } from '@/lib/http/route';

/** Prometheus metrics, for a scraper holding METRICS_TOKEN; without the setting, not served. */
async function get(request: Request) {
  if (!env.METRICS_TOKEN) return errorResponse('not_found', 'No such endpoint');
  const given = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
  if (!sameSecret(given, env.METRICS_TOKEN)) {
    return errorResponse('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>', undefined, { 'www-authenticate': 'Bearer' });
  }
  return new Response(await metrics.registry.metrics(), {
    headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' },
  });
}

function sameSecret(given: string, expected: string): boolean {
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

export const GET = route(get);
