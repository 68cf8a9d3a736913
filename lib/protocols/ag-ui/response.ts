import { followRun } from '../../ai/outcome';
import type { Run } from '../../ai/run';
import { log } from '../../log';
import { SSE_HEADERS, sseStream } from '../sse';
import { AgUiEvents, type AgUiRun } from './events';

/**
 * A run as AG-UI's SSE binding: one JSON event per `data:` line, frames ended by `\n\n` (the
 * reference client splits on that alone), first `RUN_STARTED`, last `RUN_FINISHED` or `RUN_ERROR`.
 */
export function toResponse(run: Run, { headers, ...thread }: Omit<AgUiRun, 'model'> & { headers?: Record<string, string> }): Response {
  const body = sseStream(async (write) => {
    const events = new AgUiEvents({ ...thread, model: run.model }, (event) => write({ data: event }));
    events.start();
    const outcome = await followRun(run, (part) => events.part(part));
    if (outcome.kind === 'failed' && outcome.failure.error === 'internal') {
      log.error('run_failed', { model: run.model, error: outcome.cause });
    }
    events.end(outcome);
  });
  return new Response(body, { headers: { ...SSE_HEADERS, 'x-streamwright-model': run.model, ...headers } });
}
