import { startRun, type RunRequest } from '../ai/run';
import { envelopeStream, type ViewFactory } from '../protocols/envelope';
import { SSE_HEADERS } from '../protocols/sse';

/**
 * Starts a run for a request and answers with its SSE envelope. The model call is tied to the
 * request: a client that disconnects aborts it at once.
 */
export function streamEnvelope(
  request: Request,
  run: Omit<RunRequest, 'abortSignal'>,
  view: ViewFactory,
): Response {
  const controller = new AbortController();
  const stop = () => controller.abort(new DOMException('The client went away', 'AbortError'));
  if (request.signal.aborted) stop();
  else request.signal.addEventListener('abort', stop, { once: true });

  const started = startRun({ ...run, abortSignal: controller.signal });
  return new Response(envelopeStream(started, view, stop), {
    headers: { ...SSE_HEADERS, 'x-streamwright-model': started.model },
  });
}
