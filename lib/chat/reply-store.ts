import { followRun, type Outcome } from '../ai/outcome';
import type { Run, RunPart } from '../ai/run';
import { forOwner, type MessageStatus } from '../db/owned';
import { countsOf } from '../db/usage';
import { messageOf, unavailableStore } from '../errors';
import { log } from '../log';
import { ReplyRecorder } from './recorder';

// A chat reply is stored whatever the client does. The server reads the run to its end itself,
// records the reply's parts and stores them with how the run ended: complete, stopped, or failed
// with its failure code. The client gets each part while it listens; one that leaves only stops
// receiving.

export interface StoredReply {
  userId: string;
  sessionId: string;
  replyId: string;
  /** Runs once the reply is stored (or could not be): frees the session for its next turn. */
  onStored: (outcome: Outcome) => Promise<void>;
}

/**
 * Reads the run to its end on the server, storing the reply, and returns the parts for the
 * client. The client's copy ends only after the reply is stored, so a client that reads the end
 * can read the session back at once.
 */
export function storeReply(run: Run, reply: StoredReply): ReadableStream<RunPart> {
  let client: ReadableStreamDefaultController<RunPart> | undefined;
  const forward = (part: RunPart) => {
    try {
      client?.enqueue(part);
    } catch {
      client = undefined; // the client's stream is gone
    }
  };
  const stream = new ReadableStream<RunPart>(
    {
      start(controller) {
        client = controller;
      },
      cancel() {
        client = undefined;
      },
    },
    { highWaterMark: Number.POSITIVE_INFINITY },
  );

  void (async () => {
    const recorder = new ReplyRecorder();
    let errorSent = false;
    const outcome = await followRun(run, (part) => {
      recorder.add(part);
      if (part.type === 'error') errorSent = true;
      forward(part);
    });
    // A failure thrown while reading the run (a connection lost, a provider gone silent) reaches
    // the client as the error part it would otherwise never see, so its stream ends the same way.
    if (outcome.kind === 'failed' && !errorSent && outcome.cause !== undefined) forward({ type: 'error', error: outcome.cause });
    try {
      const { status, failureCode } = storedStatus(outcome);
      const parts = recorder.finish();
      await untilStored(() =>
        forOwner(reply.userId).messages.finishReply(reply.sessionId, reply.replyId, {
          parts,
          status,
          usage: outcome.kind === 'finished' ? countsOf(outcome.usage) : null,
          failureCode,
        }),
      );
    } catch (error) {
      log.error('reply_not_stored', { sessionId: reply.sessionId, replyId: reply.replyId, error });
    } finally {
      await untilStored(() => reply.onStored(outcome)).catch((error) =>
        log.error('turn_not_released', { sessionId: reply.sessionId, error }),
      );
      try {
        client?.close();
      } catch {
        // already closed by the client
      }
    }
  })();

  return stream;
}

/**
 * Runs a write, again while the database cannot be reached (a restart, a failover), for about 20
 * seconds: the reply is only in this process's memory until it is stored.
 */
async function untilStored(write: () => Promise<void>): Promise<void> {
  for (const wait of [250, 500, 1000, 2000, 4000, 4000, 4000, 4000]) {
    try {
      return await write();
    } catch (error) {
      if (unavailableStore(error) !== 'database') throw error;
      log.warn('reply_store_retry', { wait_ms: wait, error: messageOf(error) });
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
  return write();
}

function storedStatus(outcome: Outcome): { status: MessageStatus; failureCode?: string } {
  switch (outcome.kind) {
    case 'finished':
      return outcome.failure ? { status: 'failed', failureCode: outcome.failure.error } : { status: 'complete' };
    case 'aborted':
      return { status: 'stopped' };
    case 'failed':
      return { status: 'failed', failureCode: outcome.failure.error };
  }
}
