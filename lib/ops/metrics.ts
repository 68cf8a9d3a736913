import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LanguageModelUsage } from 'ai';
import { processSingleton } from '../singleton';
import { API_ROUTE_FOLDERS } from './api-routes';
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
 * The labeller for a route tree, given by its route folders (`sessions/[id]/stop`). A dynamic
 * segment `[id]` is `:id`; next-auth's catch-all is one label, `/api/auth/:action`, for its paths
 * one or two levels deep (`csrf`, `callback/credentials`); another catch-all `[...rest]` is
 * `:rest`, for any depth; an optional catch-all (`[[...path]]`, unknown paths) labels nothing.
 * Where two routes match, Next.js's choice wins: a static segment over a dynamic one, a dynamic
 * one over a catch-all.
 */
export function endpointLabeller(folders: readonly string[]): (path: string) => string {
  // Compiled once: this runs for every request.
  const routes = folders
    // A route group's `(name)` is no part of the path.
    .map((folder) => folder.split('/').filter((segment) => segment !== '' && !/^\(.*\)$/.test(segment)))
    .filter((segments) => !segments.some((segment) => segment.startsWith('[[...')))
    .sort(byPrecedence)
    .map((segments) => {
      const parts = segments.map(labelPart);
      const route = ['/api', ...parts.map(({ label }) => label)].join('/');
      return { route, pattern: new RegExp(`^/api${parts.map(({ pattern }) => `/${pattern}`).join('')}$`) };
    });
  return (path) => {
    if (path.startsWith('/_next/')) return 'asset';
    if (!path.startsWith('/api/')) return 'page';
    return routes.find(({ pattern }) => pattern.test(path))?.route ?? 'other';
  };
}

function labelPart(segment: string): { label: string; pattern: string } {
  if (segment === '[...nextauth]') return { label: ':action', pattern: '[^/]+(?:/[^/]+)?' };
  const catchAll = /^\[\.\.\.(.+)\]$/.exec(segment);
  if (catchAll) return { label: `:${catchAll[1]}`, pattern: '[^/]+(?:/[^/]+)*' };
  const dynamic = /^\[(.+)\]$/.exec(segment);
  if (dynamic) return { label: `:${dynamic[1]}`, pattern: '[^/]+' };
  return { label: segment, pattern: segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') };
}

/** Static segments before dynamic ones, dynamic before catch-alls, segment by segment. */
function byPrecedence(a: string[], b: string[]): number {
  const rank = (segment: string | undefined) =>
    segment === undefined ? -1 : segment.startsWith('[...') ? 2 : segment.startsWith('[') ? 1 : 0;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const order = rank(a[i]) - rank(b[i]);
    if (order !== 0) return order;
  }
  return a.join('/').localeCompare(b.join('/'));
}
