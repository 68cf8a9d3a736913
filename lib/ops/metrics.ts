import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LanguageModelUsage } from 'ai';
import { processSingleton } from '../singleton';
import { API_ROUTE_FOLDERS } from './api-routes';
import { routeMatcher } from './route-match';
import { onRequestEnd } from './lifecycle';

// Prometheus metrics, served at /api/metrics. One registry per process (lib/singleton.ts), so the
// route bundles and the serving script (scripts/serve.mjs, through `recordRequest`) share it.

function create() {
  const registry = new Registry();
  const metric = { registers: [registry] };
  return {
    registry,
    requests: new Counter({
      name: 'streamwright_http_requests_total',
      help: 'HTTP requests by endpoint and status',
      labelNames: ['endpoint', 'status'],
      ...metric,
    }),
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
    errors: new Counter({
      name: 'streamwright_stream_errors_total',
      help: 'Streams that ended in an error, by kind',
      labelNames: ['kind'],
      ...metric,
    }),
    rejections: new Counter({
      name: 'streamwright_rate_limit_rejections_total',
      help: 'Requests refused by a limit, by reason',
      labelNames: ['reason'],
      ...metric,
    }),
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

/**
 * A path as a low-cardinality label: its API route (`/api/sessions/:id/stop`), `page`, `asset` or
 * `other`, so callers cannot grow the registry. The routes are the route files under app/api
 * (lib/ops/api-routes.ts, written from the tree by scripts/api-routes.mjs).
 */
export const endpointOf = endpointLabeller(API_ROUTE_FOLDERS);

/**
 * The labeller for a route tree, given by its route folders (`sessions/[id]/stop`): the route a
 * path reaches (./route-match.ts) with each dynamic segment `[id]` as `:id` and each catch-all
 * `[...rest]` as `:rest`, but next-auth's, which keeps its older name `/api/auth/:action`. A path that
 * only an optional catch-all (`[[...path]]`, unknown paths) takes is `other`.
 */
export function endpointLabeller(folders: readonly string[]): (path: string) => string {
  const routeOf = routeMatcher(folders.filter((folder) => !folder.includes('[[...')));
  const labels = new Map(folders.map((folder) => [folder, labelOf(folder)]));
  return (path) => {
    if (path.startsWith('/_next/')) return 'asset';
    if (!path.startsWith('/api/')) return 'page';
    const folder = routeOf(path);
    return folder === undefined ? 'other' : labels.get(folder)!;
  };
}

function labelOf(folder: string): string {
  const segments = folder
    .split('/')
    .filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment))
    .map((segment) => (segment === '[...nextauth]' ? ':action' : segment.replace(/^\[(?:\.\.\.)?(.+)\]$/, ':$1')));
  return ['/api', ...segments].join('/');
}
