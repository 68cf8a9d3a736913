import type { Outcome } from '../ai/outcome';
import { startRun, type Run, type RunRequest } from '../ai/run';
import { requireUser } from '../auth/guard';
import type { AuthUser } from '../db/users';
import { recordTokenUsage } from '../db/usage';
import { envelopeStream, type ViewFactory } from '../protocols/envelope';
import { SSE_HEADERS } from '../protocols/sse';
import { admitStream, type Admitted } from './admission';
import { readInput } from './input';
import { route } from './route';
import { StreamInput } from './schemas';

/**
 * Answers with a run's SSE envelope. `stop` runs when the client goes away; `onEnd` once the run
 * has ended, whatever the client did.
 */
export function envelopeResponse(
  run: Run,
  view: ViewFactory,
  options: { stop?: () => void; onEnd?: (outcome?: Outcome) => void; headers?: Record<string, string> } = {},
): Response {
  return new Response(envelopeStream(run, view, options.stop ?? (() => {}), options.onEnd), {
    headers: { ...SSE_HEADERS, 'x-streamwright-model': run.model, ...options.headers },
  });
}

/**
 * A stateless run for one request (the guide's endpoints): tied to the request, so a client that
 * disconnects aborts the model call at once; what it spent is recorded for the user.
 */
export function streamEnvelope(
  request: Request,
  user: AuthUser,
  admitted: Extract<Admitted, { ok: true }>,
  endpoint: string,
  run: Omit<RunRequest, 'abortSignal' | 'onUsage'>,
  view: ViewFactory,
  headers?: Record<string, string>,
): Response {
  const { controller, observe, release } = admitted;
  const stop = () => controller.abort(new DOMException('The client went away', 'AbortError'));
  if (request.signal.aborted) stop();
  else request.signal.addEventListener('abort', stop, { once: true });

  const started = startRun({
    ...run,
    abortSignal: controller.signal,
    onUsage: (usage) => recordTokenUsage(user.id, endpoint, started.model, usage),
  });
  const observed: ViewFactory = (emit) => {
    const shown = view(emit);
    return { ...shown, onPart: (part) => (observe(part), shown.onPart(part)) };
  };
  return envelopeResponse(started, observed, { stop, onEnd: release, headers });
}

/**
 * A guide endpoint that answers a prompt in prose (`q`, `max_tokens`, GET or POST) with one
 * envelope view: the handler behind /api/stream, /api/stream/text and /api/stream/events.
 */
export function answerEndpoint(endpoint: string, view: ViewFactory) {
  return route(async (request: Request): Promise<Response> => {
    const auth = await requireUser(request);
    if (!auth.ok) return auth.response;
    const input = await readInput(request, StreamInput);
    if (!input.ok) return input.response;
    const admitted = await admitStream(request, auth.user.id);
    if (!admitted.ok) return admitted.response;
    const { q, max_tokens } = input.data;
    return streamEnvelope(request, auth.user, admitted, endpoint, { kind: 'answer', prompt: q, maxOutputTokens: max_tokens }, view);
  });
}
