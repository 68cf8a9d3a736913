import { APICallError, RetryError } from 'ai';
import { causeChain } from '../errors';
import { isOutOfQuota, retryAfterMs, retryDelayMs } from './provider-fetch';

// Why a run failed, in words that are safe to send to the client. Raw provider messages can
// carry account details (a masked key, an organisation id), so clients get the status and a
// plain sentence; the full error goes to the log.

export type FailureCode = 'budget_exceeded' | 'model_error' | 'model_rate_limited' | 'validation' | 'internal';

export interface Failure {
  error: FailureCode;
  detail: string;
  issues?: ReadonlyArray<{ path: string; message: string }>;
  /** `model_rate_limited`: the seconds the provider asked to wait, when it said. */
  retry_after?: number;
}

export const INTERNAL_FAILURE: Failure = { error: 'internal', detail: 'Internal server error' };

export function budgetExceeded(budget: number): Failure {
  return { error: 'budget_exceeded', detail: `The reply reached its budget of ${budget} output tokens` };
}

/** A failure reported by the model layer (provider, network, stream); anything else is internal. */
export function describeModelFailure(error: unknown): Failure {
  const cause = RetryError.isInstance(error) ? error.lastError : error;
  const silent = causeChain(cause).find((candidate) => candidate instanceof Error && candidate.name === 'ModelSilentError') as
    Error | undefined;
  if (silent) return { error: 'model_error', detail: `The model stopped responding (${silent.message})` };
  if (APICallError.isInstance(cause) && cause.statusCode === 429 && isOutOfQuota(cause.responseBody)) {
    return { error: 'model_error', detail: 'The model provider answered HTTP 429: the account is out of quota' };
  }
  if (APICallError.isInstance(cause) && cause.statusCode === 429) {
    const wait = retryAfterMs(cause.responseHeaders) ?? retryDelayMs(cause.responseBody);
    const seconds = wait === undefined ? undefined : Math.max(1, Math.ceil(wait / 1000));
    return {
      error: 'model_rate_limited',
      detail: `The model provider is rate limiting this server (HTTP 429)${seconds === undefined ? '' : `; it asks to retry in ${seconds} s`}`,
      ...(seconds === undefined ? {} : { retry_after: seconds }),
    };
  }
  if (isLostConnection(cause) || (APICallError.isInstance(cause) && isLostConnection(cause.cause))) {
    return { error: 'model_error', detail: 'The connection to the model provider was lost mid-stream' };
  }
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode;
    if (status === undefined) return { error: 'model_error', detail: 'The model provider could not be reached' };
    return { error: 'model_error', detail: `The model provider answered HTTP ${status}: ${statusMeaning(status)}` };
  }
  if (cause instanceof Error && cause.name.startsWith('AI_')) {
    return { error: 'model_error', detail: 'The model provider sent a response that could not be used' };
  }
  return INTERNAL_FAILURE;
}

function statusMeaning(status: number): string {
  if (status === 401 || status === 403) return 'the server’s model credentials were refused';
  if (status === 404) return 'the model was not found';
  if (status === 529) return 'the provider is overloaded';
  if (status >= 500) return 'the provider failed';
  return 'the request was refused';
}

// undici reports a socket closed mid-body as a TypeError ("terminated") with a socket cause. A
// refused connection lost nothing: no answer had begun, so it is a provider that cannot be reached.
function isLostConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error.cause as { code?: string } | undefined)?.code ?? (error as { code?: string }).code;
  return error.message === 'terminated' || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET';
}
