import { randomUUID } from 'node:crypto';
import { convertToModelMessages, type ToolSet, type UIMessage } from 'ai';
import type { AppData } from '../ai/app-data';
import { currentModel } from '../ai/model';
import { followRun, type Outcome } from '../ai/outcome';
import { startRun, type Run, type RunPart } from '../ai/run';
import { tools } from '../ai/tools';
import { forOwner, type MessageStatus, type StoredMessage } from '../db/owned';
import { countsOf, recordTokenUsage } from '../db/usage';
import type { Admitted } from '../http/admission';
import { errorResponse } from '../http/errors';
import { messageOf, unavailableStore } from '../errors';
import { log } from '../log';
import { broadcast, listen } from '../ops/broadcast';
import { ReplyRecorder } from './recorder';
import { titleFrom } from './title';
import { awaitsReply, newMessageId } from './ui-messages';

// One chat turn: the user's message and the model's reply, stored so nothing is lost. The server
// reads the run to its end whatever the client does: a client that leaves only stops receiving,
// the reply is still stored complete; the stop endpoint aborts the model and the partial reply is
// stored as stopped; a failure stores what arrived as failed, with its kind.

export type TurnInput =
  /**
   * The user's new message, stored under the client's `id` when it is free. With `replaces`, it
   * takes the place of that stored user message, and the turns after it are deleted.
   */
  | { kind: 'message'; text: string; id?: string; replaces?: string }
  /** Answer the last user message again, in place of the reply it had. */
  | { kind: 'regenerate' }
  /**
   * A client that keeps its own copy of the thread (AG-UI): `merge` says what it adds to the
   * stored history, or answers the error that stops the turn.
   */
  | { kind: 'merge'; title: string; merge: (stored: UIMessage[]) => Merge };

export type Merge = { ok: true; added: UIMessage[]; updated: UIMessage[] } | { ok: false; response: Response };

export interface TurnRequest {
  userId: string;
  /** The stream's place (lib/http/admission.ts): its controller stops the turn, freed at the end. */
  admitted: Extract<Admitted, { ok: true }>;
  sessionId: string;
  input: TurnInput;
  /** Which endpoint started it, for the usage record. */
  endpoint: string;
  maxOutputTokens: number;
  /** Tools the client runs itself, and data its application shares (AG-UI). */
  clientTools?: ToolSet;
  appData?: AppData;
}

export interface Turn {
  /** The stored reply's id; the UI stream uses it as the message id. */
  replyId: string;
  /** The run as the client sees it: its parts stop coming (but the run goes on) if the client leaves. */
  run: Run;
}

export type OpenedTurn = { ok: true; turn: Turn } | { ok: false; response: Response };


// Turns streaming in this process, by session, so the stop endpoint can abort them. Kept on
// globalThis so every route bundle shares one registry.
const registry = globalThis as unknown as { streamwrightTurns?: Map<string, AbortController> };
const activeTurns = (registry.streamwrightTurns ??= new Map());

export async function openTurn(request: TurnRequest): Promise<OpenedTurn> {
  try {
    return await open(request);
  } catch (error) {
    request.admitted.release(); // the stream never started: free its place (repeat calls do nothing)
    throw error;
  }
}

async function open(request: TurnRequest): Promise<OpenedTurn> {
  listenForStops();
  const { userId, sessionId, input, admitted } = request;
  const owner = forOwner(userId);
  const title = input.kind === 'message' ? input.text : input.kind === 'merge' ? input.title : '';
  if (!(await owner.sessions.ensure(sessionId, titleFrom(title)))) {
    admitted.release();
    return { ok: false, response: errorResponse('not_found', 'No such chat session') };
  }
  const turnId = randomUUID();
  if (!(await owner.sessions.claimTurn(sessionId, turnId))) {
    admitted.release();
    return {
      ok: false,
      response: errorResponse('session_busy', 'A reply is still streaming into this session; wait for it or stop it'),
    };
  }

  // Frees the session for the next turn, and the user's stream place: when this one ends, or if
  // it cannot start.
  const release = async (outcome?: Outcome) => {
    activeTurns.delete(sessionId);
    admitted.release(outcome);
    await owner.sessions.releaseTurn(sessionId, turnId);
  };
  // A refused turn leaves nothing behind, not even the empty session `ensure` made for it.
  const refuse = async (response: Response): Promise<OpenedTurn> => {
    await release();
    if ((await owner.messages.list(sessionId)).length === 0) await owner.sessions.delete(sessionId);
    return { ok: false, response };
  };

  try {
    if (input.kind === 'regenerate') await owner.messages.dropLastReply(sessionId);
    const stored = await owner.messages.list(sessionId);
    // An edited message cuts the history where it stood: it and everything after it go.
    const replaces = input.kind === 'message' && input.replaces !== undefined ? input.replaces : undefined;
    const cut = replaces === undefined ? stored.length : stored.findIndex((message) => message.id === replaces && message.role === 'user');
    if (cut < 0) return await refuse(errorResponse('invalid_parameter', 'No message of yours with this id in this chat', 'messageId'));
    const history = toUiMessages(stored.slice(0, cut));
    const change = newMessages(input, history);
    if (!change.ok) return await refuse(change.response);
    const changed = new Map(change.updated.map((message) => [message.id, message]));
    const conversation = [...history.map((message) => changed.get(message.id) ?? message), ...change.added];
    if (input.kind === 'regenerate' && !awaitsReply(conversation.at(-1))) {
      return await refuse(errorResponse('invalid_parameter', 'There is no question to answer again', 'trigger'));
    }

    const replyId = newMessageId();
    const { label } = currentModel();
    await owner.messages.startTurn(sessionId, {
      from: stored[cut]?.id,
      added: change.added,
      updated: change.updated,
      replyId,
      model: label,
    });

    const { controller } = admitted;
    activeTurns.set(sessionId, controller);
    const prompt = await convertToModelMessages(conversation, { tools, ignoreIncompleteToolCalls: true });
    const run = startRun({
      kind: 'answer',
      prompt,
      maxOutputTokens: request.maxOutputTokens,
      abortSignal: controller.signal,
      onUsage: (usage) => recordTokenUsage(userId, request.endpoint, label, usage),
      clientTools: request.clientTools,
      appData: request.appData,
    });
    return { ok: true, turn: { replyId, run: { ...run, parts: driveToEnd(run, userId, sessionId, replyId, admitted.observe, release) } } };
  } catch (error) {
    await release();
    throw error;
  }
}

/** What the turn's input adds to the stored history, and which stored messages it changes. */
function newMessages(input: TurnInput, history: UIMessage[]): Merge {
  switch (input.kind) {
    case 'message':
      return { ok: true, added: [{ id: input.id ?? newMessageId(), role: 'user', parts: [{ type: 'text', text: input.text }] }], updated: [] };
    case 'regenerate':
      return { ok: true, added: [], updated: [] };
    case 'merge':
      return input.merge(history);
  }
}

/**
 * Stops the turn streaming into a session: here, or (with Redis) on whichever replica runs it.
 * False when nothing is streaming into it.
 */
export async function stopTurn(userId: string, sessionId: string): Promise<boolean> {
  if (abortHere(sessionId)) return true;
  if (!(await forOwner(userId).sessions.isStreaming(sessionId))) return false;
  return broadcast(STOP_CHANNEL, sessionId);
}

/** Stops every turn streaming into the user's sessions (their account is being deleted). */
export async function stopUserTurns(userId: string): Promise<void> {
  const sessions = await forOwner(userId).sessions.streaming();
  await Promise.all(sessions.map((sessionId) => stopTurn(userId, sessionId)));
}

function abortHere(sessionId: string): boolean {
  const controller = activeTurns.get(sessionId);
  controller?.abort(new DOMException('Stopped by the user', 'AbortError'));
  return controller !== undefined;
}

/** Every replica that runs turns hears the stops asked of the others. */
const STOP_CHANNEL = 'sw:stop';
const listenForStops = () => listen(STOP_CHANNEL, (sessionId) => void abortHere(sessionId));

/**
 * Reads the run to its end on the server, storing the reply, and hands each part to the client
 * while it listens. The client's copy ends only after the reply is stored, so a client that
 * reads `done` can read the session back at once.
 */
function driveToEnd(
  run: Run,
  userId: string,
  sessionId: string,
  replyId: string,
  observe: (part: RunPart) => void,
  release: (outcome: Outcome) => Promise<void>,
) {
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
      observe(part);
      recorder.add(part);
      if (part.type === 'error') errorSent = true;
      forward(part);
    });
    // A failure thrown while reading the run (a connection lost, a provider gone silent) reaches
    // the client as the error part it would otherwise never see, so its stream ends the same way.
    if (outcome.kind === 'failed' && !errorSent && outcome.cause !== undefined) forward({ type: 'error', error: outcome.cause });
    try {
      const { status, errorKind } = storedStatus(outcome);
      const parts = recorder.finish();
      await untilStored(() =>
        forOwner(userId).messages.finishReply(sessionId, replyId, {
          parts,
          status,
          usage: outcome.kind === 'finished' ? countsOf(outcome.usage) : null,
          errorKind,
        }),
      );
    } catch (error) {
      log.error('reply_not_stored', { sessionId, replyId, error });
    } finally {
      await untilStored(() => release(outcome)).catch((error) => log.error('turn_not_released', { sessionId, error }));
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

function storedStatus(outcome: Outcome): { status: MessageStatus; errorKind?: string } {
  switch (outcome.kind) {
    case 'finished':
      return outcome.failure ? { status: 'failed', errorKind: outcome.failure.error } : { status: 'complete' };
    case 'aborted':
      return { status: 'stopped' };
    case 'failed':
      return { status: 'failed', errorKind: outcome.failure.error };
  }
}

/** Stored messages as the model's history; replies that produced nothing are left out. */
function toUiMessages(history: StoredMessage[]): UIMessage[] {
  return history
    .filter((message) => message.parts.length > 0)
    .map((message) => ({ id: message.id, role: message.role, parts: message.parts as UIMessage['parts'] }));
}
