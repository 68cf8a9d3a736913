import { TypeValidationError, type LanguageModelV4Usage } from '@ai-sdk/provider';

// Reading the fields of a parsed event without a schema: each wire checks the fields it uses,
// where it uses them, and reports an event of the wrong shape as the stock provider does.

export type Json = Record<string, unknown>;

export const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

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
