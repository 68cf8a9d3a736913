// Every error a route answers before a stream starts: a stable code, its HTTP status, and one
// JSON shape, `{"error": code, "detail": sentence, "field"?: name}`, the same shape as the
// stream's `event: error` frames.

const STATUS = {
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

export type ErrorCode = keyof typeof STATUS;

export function errorResponse(code: ErrorCode, detail: string, field?: string, headers: Record<string, string> = {}): Response {
  return Response.json(field === undefined ? { error: code, detail } : { error: code, detail, field }, {
    status: STATUS[code],
    headers: { 'cache-control': 'no-store', ...headers },
  });
}

/** 429 or 503 with `Retry-After` in whole seconds, with its code for counting. */
export function retryLater(
  code: 'rate_limited' | 'too_many_streams' | 'daily_budget_exceeded' | 'shutting_down' | 'server_busy',
  detail: string,
  seconds: number,
): { code: ErrorCode; response: Response } {
  return { code, response: errorResponse(code, detail, undefined, { 'retry-after': String(Math.max(1, Math.ceil(seconds))) }) };
}
