import { startRun, type Run, type RunRequest } from '../ai/run';
import type { Outcome } from '../ai/outcome';
import { recordRun, type RunOutcome } from '../db/usage';
import { env } from '../env';
import { AppError } from '../errors';
import { isDraining, trackStream } from '../ops/lifecycle';
import { metrics } from '../ops/metrics';
import { checkDailyBudget } from './daily-budget';
import { acquireStream, releaseStream } from './open-streams';
import { limitStreams } from './rate-limits';
import { streamTelemetry } from './telemetry';

// Who may open a stream now. Every streaming request passes here after its input is checked:
// not while the server shuts down, within the per-user and per-address rates, within the user's
// daily token budget, below the user's cap on open streams, and below this process's cap on open
// streams (what its memory holds). A refusal is an AppError; an admitted stream holds its place
// until its run ends.

export interface StreamRequest {
  userId: string;
  /** The client's address, for the per-address rate. */
  address: string;
  /** The endpoint, as the usage record and the metrics name it (`ui/chat` is /api/ui/chat). */
  endpoint: string;
  requestId?: string;
}

/** A run as its stream asks for it: the admission adds the signal, the usage record and the watch. */
export type AdmittedRun = Omit<RunRequest, 'abortSignal' | 'watch'>;

/** A stream's place. Its run is started here, so the place is freed when the run ends. */
export interface Admission {
  /** The run stops when this aborts: the client left a stateless stream, stop was pressed, or shutdown. */
  readonly controller: AbortController;
  /** Whether `startRun` was called: a run started frees the place itself when it ends. */
  readonly started: boolean;
  /**
   * Starts the stream's run: what it spends is recorded for the user, its parts are watched for
   * the metrics, and its end frees the place; with `held`, the caller frees it (a chat turn, once
   * its reply is stored, so shutdown waits for the store).
   */
  startRun(request: AdmittedRun, options?: { held?: boolean }): Run;
  /** Frees the place, with how the run ended; repeat calls do nothing. */
  release(outcome?: Outcome): void;
}

export async function admitStream(stream: StreamRequest): Promise<Admission> {
  const { userId } = stream;
  try {
    if (isDraining()) throw new AppError('shutting_down', 'The server is restarting; try again in a moment', { retryAfter: 5 });
    await limitStreams(userId, stream.address);
    await checkDailyBudget(userId);
    const held = await acquireStream(userId);
    if (!held)
      throw new AppError('too_many_streams', `You have ${env.MAX_CONCURRENT_STREAMS} streams open; wait for one to end`, { retryAfter: 1 });
    const controller = new AbortController();
    const untrack = trackStream(controller);
    if (!untrack) {
      void releaseStream(userId, held);
      throw new AppError('server_busy', 'This server holds as many streams as it can; retry in a moment', { retryAfter: 1 });
    }
    return admitted(stream, controller, () => (untrack(), void releaseStream(userId, held)));
  } catch (error) {
    if (error instanceof AppError) metrics.rejections.inc({ reason: error.code });
    throw error;
  }
}

const RUN_OUTCOME: Record<Outcome['kind'], RunOutcome> = { finished: 'complete', aborted: 'stopped', failed: 'failed' };

function admitted(stream: StreamRequest, controller: AbortController, free: () => void): Admission {
  const telemetry = streamTelemetry(stream);
  let started = false;
  let released = false;
  const release = (outcome?: Outcome) => {
    if (released) return;
    released = true;
    free();
    telemetry.end(outcome);
  };
  return {
    controller,
    get started() {
      return started;
    },
    startRun(request, options = {}) {
      started = true;
      const run: Run = startRun({
        ...request,
        abortSignal: controller.signal,
        watch: {
          part: telemetry.part,
          // followRun tells the end once: the run's one usage row, with its outcome.
          end: (outcome) => {
            const { userId, endpoint } = stream;
            recordRun({ userId, endpoint, model: run.model, outcome: RUN_OUTCOME[outcome.kind] }, outcome.usage);
            if (!options.held) release(outcome);
          },
        },
      });
      return run;
    },
    release,
  };
}
