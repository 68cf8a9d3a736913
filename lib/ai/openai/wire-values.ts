import { APICallError, TypeValidationError, type LanguageModelV4Usage } from '@ai-sdk/provider';
import { createProviderStreamError } from '@ai-sdk/provider-utils';
import { isPlainObject } from '../../errors';
import type { AnswerTo } from './lean-model';

// Reading the fields of a parsed event without a schema: each wire checks the fields it uses,
// where it uses them, and reports an event of the wrong shape as the stock provider does.

export type Json = Record<string, unknown>;

export const isRecord: (value: unknown) => value is Json = isPlainObject;

/** An event that is JSON but not of the shape its wire promises. */
export function invalidEvent(value: unknown, problem: string): TypeValidationError {
  return new TypeValidationError({ value, cause: new TypeError(problem) });
}

export const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** What a stream that never reported usage spent: unknown. */
export const NO_USAGE: LanguageModelV4Usage = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};

/**
 * An error the model reports in its stream (`{ message, type, code }`). Before any output it is
 * the call's failure, an APICallError with the HTTP status its code stands for (a rate limit is a
 * 429), as the stock provider reports it; after output began, a stream error part.
 */
export function modelStreamError(error: Json, frame: Json, beforeOutput: boolean, to: AnswerTo): unknown {
  const message = typeof error.message === 'string' ? error.message : 'The model failed mid-stream';
  const code = typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : undefined;
  const type = optionalString(error.type);
  const statusCode = statusOf(code, type);
  const isRetryable =
    code !== 'insufficient_quota' &&
    type !== 'insufficient_quota' &&
    (statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500);
  if (!beforeOutput) return createProviderStreamError({ message, type, code, statusCode, isRetryable, data: frame });
  return new APICallError({
    message,
    url: to.url,
    requestBodyValues: to.requestBody,
    statusCode,
    responseHeaders: to.responseHeaders,
    responseBody: JSON.stringify({ error: { message, type, code } }),
    isRetryable,
    data: frame,
  });
}

/** The HTTP status an OpenAI error code or type stands for; 500 when it names none. */
function statusOf(code: string | undefined, type: string | undefined): number {
  const numeric = Number(code);
  if (Number.isInteger(numeric) && numeric >= 400 && numeric <= 599) return numeric;
  const words = `${code ?? ''} ${type ?? ''}`.toLowerCase();
  const named: Array<[string[], number]> = [
    [['insufficient_quota', 'rate_limit'], 429],
    [['authentication'], 401],
    [['permission'], 403],
    [['not_found'], 404],
    [['invalid', 'bad_request', 'context_length'], 400],
    [['overload'], 503],
    [['timeout'], 504],
  ];
  return named.find(([terms]) => terms.some((term) => words.includes(term)))?.[1] ?? 500;
}
