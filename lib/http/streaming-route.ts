import type { z } from 'zod';
import { admitStream, type AdmittedRun, type Admission } from '../admission/admit';
import type { Run } from '../ai/run';
import { requireUser } from '../auth/guard';
import type { AuthUser } from '../db/users';
import { clientAddress } from './client';
import { readInput } from './input';
import { route } from './route';

// Every streaming route is one `streamingRoute`: the user (401), the input (400), then the
// stream's admission (429, 503), each refused before any stream starts. The handler starts the
// run and answers with a protocol adapter's `toResponse`. The admission is released on every
// path: by the run's end once a run has started, here when the handler throws or returns
// without one.

export interface StreamCall<Input> {
  request: Request;
  user: AuthUser;
  input: Input;
  /** The stream's place: chat turns start their run in it (lib/chat). */
  admission: Admission;
  /** A stateless run, tied to this request: a client that leaves aborts the model call at once. */
  startRun(run: AdmittedRun): Run;
  /** Aborts the run: for the adapter to call when the client cancels the body. */
  stop(): void;
}

export interface StreamingRouteOptions<Schema extends z.ZodType> {
  /** As the usage record and the metrics name it: `ui/chat` is /api/ui/chat. */
  endpoint: string;
  input: Schema;
  /** The largest body accepted (64 KiB unless said). */
  maxBytes?: number;
}

export function streamingRoute<Schema extends z.ZodType>(
  { endpoint, input: schema, maxBytes }: StreamingRouteOptions<Schema>,
  handler: (call: StreamCall<z.output<Schema>>) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return route(async (request: Request) => {
    const user = await requireUser(request);
    const input = await readInput(request, schema as z.ZodType<z.output<Schema>>, { maxBytes });
    const admission = await admitStream({
      userId: user.id,
      address: clientAddress(request),
      endpoint,
      requestId: request.headers.get('x-request-id') ?? undefined,
    });
    const stop = () => admission.controller.abort(new DOMException('The client went away', 'AbortError'));
    const startRun: StreamCall<unknown>['startRun'] = (run) => {
      if (request.signal.aborted) stop();
      else request.signal.addEventListener('abort', stop, { once: true });
      return admission.startRun(run);
    };
    try {
      return await handler({ request, user, input, admission, startRun, stop });
    } catch (error) {
      stop();
      admission.release();
      throw error;
    } finally {
      if (!admission.started) admission.release();
    }
  });
}
