import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LanguageModelUsage } from 'ai';
import { processSingleton } from '../singleton';
import { onRequestEnd } from './lifecycle';

// Prometheus metrics, served at /api/metrics. One registry per process (lib/singleton.ts), so the
// route bundles and the serving script (scripts/serve.mjs, through `recordRequest`) share it.

function create() {
  const registry = new Registry();
  const metric = { registers: [registry] };
  return {
    registry,
    requests: new Counter({ name: 'streamwright_http_requests_total', help: 'HTTP requests by endpoint and status', labelNames: ['endpoint', 'status'], ...metric }),
    openStreams: new Gauge({ name: 'streamwright_open_streams', help: 'Streams open now', ...metric }),
    timeToFirstToken: new Histogram({
      name: 'streamwright_time_to_first_token_seconds',
      help: 'From admitting a stream to its first token',
      labelNames: ['endpoint'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      ...metric,
    }),
    streamDuration: new Histogram({
      name: 'streamwright_stream_duration_seconds',
      help: 'From admitting a stream to the end of its run',
      labelNames: ['endpoint', 'outcome'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      ...metric,
    }),
    tokens: new Counter({ name: 'streamwright_tokens_total', help: 'Model tokens by direction', labelNames: ['direction'], ...metric }),
    errors: new Counter({ name: 'streamwright_stream_errors_total', help: 'Streams that ended in an error, by kind', labelNames: ['kind'], ...metric }),
    rejections: new Counter({ name: 'streamwright_rate_limit_rejections_total', help: 'Requests refused by a limit, by reason', labelNames: ['reason'], ...metric }),
  };
}

export const metrics = processSingleton('metrics', create);

/** Lets the serving script count every request, whatever answered it. */
export function installRequestCounter(): void {
  onRequestEnd((path, status) => metrics.requests.inc({ endpoint: endpointOf(path), status: String(status) }));
}

export function countTokens(usage: LanguageModelUsage | undefined): void {
  if (usage?.inputTokens) metrics.tokens.inc({ direction: 'input' }, usage.inputTokens);
  if (usage?.outputTokens) metrics.tokens.inc({ direction: 'output' }, usage.outputTokens);
}

// The API's routes, as labels: anything else is `other`, so callers cannot grow the registry.
// Compiled once: this runs for every request.
const ROUTES = [
  '/api/stream', '/api/stream/text', '/api/stream/structured', '/api/stream/events', '/api/chat', '/api/ui/chat',
  '/api/ui/chat/:id/stream', '/api/ui/report', '/api/ag-ui', '/api/reports', '/api/reports/:id', '/api/sessions',
  '/api/sessions/:id', '/api/sessions/:id/stop', '/api/keys', '/api/keys/:id', '/api/me', '/api/health',
  '/api/ready', '/api/metrics', '/api/auth/signup',
].map((route) => ({ route, pattern: new RegExp(`^${route.replaceAll(':id', '[^/]+')}$`) }));

/** A path as a low-cardinality label: an API route, `page`, `asset` or `other`. */
export function endpointOf(path: string): string {
  if (path.startsWith('/_next/')) return 'asset';
  if (!path.startsWith('/api/')) return 'page';
  const known = ROUTES.find(({ pattern }) => pattern.test(path));
  if (known) return known.route;
  // next-auth's own routes, one or two levels deep (/api/auth/csrf, /api/auth/callback/credentials).
  return /^\/api\/auth\/[^/]+(\/[^/]+)?$/.test(path) ? '/api/auth/:action' : 'other';
}
