import { INTERNAL_FAILURE, type Failure } from '../../ai/failure';
import { followRun } from '../../ai/outcome';
import type { Run } from '../../ai/run';
import { log } from '../../log';
import { SSE_HEADERS, sseStream } from '../sse';
import type { Emit, View, ViewFactory } from './views';

// The guide's SSE envelope. One writer reads the run's parts and ends every stream the same way;
// the endpoint's view decides which frames the parts become. Every stream ends with
// `event: done`, after an `event: error` when the run failed.

export interface EnvelopeOptions {
  /** The endpoint's view: which frames the parts become. */
  view: ViewFactory;
  /** Called when the client cancels the body: a stateless run ends with its client, a chat turn goes on to be stored. */
  stop?: () => void;
  headers?: Record<string, string>;
}

/** A run as the SSE envelope. */
export function toResponse(run: Run, { view, stop, headers }: EnvelopeOptions): Response {
  const body = sseStream((emit) => writeFrames(run, view(emit), emit), stop);
  return new Response(body, { headers: { ...SSE_HEADERS, 'x-streamwright-model': run.model, ...headers } });
}

async function writeFrames(run: Run, view: View, emit: Emit): Promise<void> {
  let failure: Failure | undefined;
  try {
    const outcome = await followRun(run, (part) => view.onPart(part));
    if (outcome.kind === 'failed') {
      failure = outcome.failure;
      // Internal errors reach the client as a fixed sentence; the log keeps the real one.
      if (failure.error === 'internal') log.error('run_failed', { model: run.model, error: outcome.cause });
    } else if (outcome.kind === 'finished') {
      view.onComplete({ text: outcome.finalText, usage: outcome.usage, budgetExceeded: outcome.failure !== undefined });
      failure = outcome.failure;
    }
    // aborted: the client left (or stopped the run); nothing more to say.
  } catch (error) {
    log.error('envelope_failed', { model: run.model, error });
    failure = INTERNAL_FAILURE;
  }
  view.onEnd?.(failure);
  if (failure) emit({ event: 'error', data: failure });
  emit({ event: 'done', data: {} });
}
