import { ERROR_STATUS, type AppError, type ErrorCode } from '../errors';

// Every error a route answers before a stream starts: a stable code, its HTTP status, and one
// JSON shape, `{"error": code, "detail": sentence, "field"?: name}`, the same shape as the
// stream's `event: error` frames.

export function errorResponse(code: ErrorCode, detail: string, field?: string, headers: Record<string, string> = {}): Response {
  return Response.json(field === undefined ? { error: code, detail } : { error: code, detail, field }, {
    status: ERROR_STATUS[code],
    headers: { 'cache-control': 'no-store', ...headers },
  });
}

/** The answer to an AppError thrown below the routes. */
export function appErrorResponse({ code, detail, options }: AppError): Response {
  const retryAfter: Record<string, string> =
    options.retryAfter === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(options.retryAfter))) };
  return errorResponse(code, detail, options.field, { ...retryAfter, ...options.headers });
}
