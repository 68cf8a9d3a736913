// The one error every layer below the routes throws when a request cannot go on, and the helpers
// that read any error: its message, its chain of causes, and whether it means a store is down.
// Only the routes (lib/http/route.ts) turn an AppError into an HTTP answer.

/** Every code a request can be refused with, and the HTTP status it is answered with. */
export const ERROR_STATUS = {
  invalid_parameter: 400,
  invalid_json: 400,
  invalid_body: 400,
  nesting_too_deep: 400,
  unauthorized: 401,
  cors_forbidden: 403,
  cross_site_request: 403,
  not_found: 404,
  method_not_allowed: 405,
  session_busy: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  too_many_streams: 429,
  daily_budget_exceeded: 429,
  internal: 500,
  shutting_down: 503,
  server_busy: 503,
  database_unavailable: 503,
  redis_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  /** The request field at fault, for `invalid_parameter`. */
  field?: string;
  /** Seconds the client should wait before trying again (429, 503). */
  retryAfter?: number;
  /** Other headers the answer carries (`allow`, `www-authenticate`). */
  headers?: Record<string, string>;
}

/** A request refused for a reason the client can act on: a stable code and a sentence. */
export class AppError extends Error {
  override name = 'AppError';

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(detail);
  }
}

/** An error's message, whatever was thrown. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** An error and the errors it was caused by, nearest first (ten at the most). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (
    let current = error;
    current !== undefined && current !== null && chain.length < 10;
    current = (current as { cause?: unknown }).cause
  ) {
    chain.push(current);
    if (typeof current !== 'object') break;
  }
  return chain;
}

/** A JSON object: not null, not an array. */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const DATABASE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'P1001',
  'P1002',
  'P1017',
  'P2024',
]);

/** Which store a failure comes from when it is one that cannot be reached, else undefined. */
export function unavailableStore(error: unknown): 'database' | 'redis' | undefined {
  const chain = causeChain(error).filter(isObject);
  const text = chain.map((e) => `${String(e.name)}: ${String(e.message)}`).join(' | ');
  // ioredis, once a command has waited for its one reconnection or its answer (lib/ops/redis.ts).
  if (/max retries per request limit|Connection is closed|Stream isn't writeable|Command timed out|RedisUnavailableError/i.test(text))
    return 'redis';
  const codes = chain.flatMap((e) => [e.code, e.kind, e.errorCode, (e.cause as Record<string, unknown> | undefined)?.kind]);
  if (codes.some((code) => typeof code === 'string' && DATABASE_CODES.has(code))) return 'database';
  if (
    /DatabaseNotReachable|ConnectionClosed|Can't reach database|Connection terminated|ECONNREFUSED|ECONNRESET|connection timeout/i.test(
      text,
    )
  ) {
    return 'database';
  }
  return undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
