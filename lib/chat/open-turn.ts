import { randomUUID } from 'node:crypto';
import { convertToModelMessages, type ToolSet, type UIMessage } from 'ai';
import type { Admission } from '../admission/admit';
import type { AppData } from '../ai/app-data';
import { models } from '../ai/model';
import type { Outcome } from '../ai/outcome';
import { modelProblem, type Run } from '../ai/run';
import { tools } from '../ai/tools';
import { forOwner, type StoredMessage } from '../db/owned';
import { AppError } from '../errors';
import { storeReply } from './reply-store';
import { registerTurn } from './stop';
import { titleFrom } from './title';
import { newMessageId } from '../ids';
import { awaitsReply } from './awaits-reply';

// Opening a chat turn: the user's message and the model's reply, stored so nothing is lost. The
// session is claimed (one turn at a time), what the turn adds is stored with an empty reply
// marked streaming, the prompt is built from the stored history, and the run starts; the reply
// store (reply-store.ts) reads it to its end whatever the client does, and the stop endpoint
// (stop.ts) aborts it.

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
   * stored history, or throws the AppError that refuses the turn.
   */
  | { kind: 'merge'; title: string; merge: (stored: UIMessage[]) => Merge };

export interface Merge {
  added: UIMessage[];
  updated: UIMessage[];
}

/** What a protocol's request asks of a chat turn. */
export interface ChatTurn {
  sessionId: string;
  input: TurnInput;
  maxOutputTokens: number;
  /** The model the request names (offered, checked by its schema); unset, the session's own. */
  model?: string;
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

/**
 * Opens a turn in the user's session, in the stream's place (its controller stops the turn; the
 * place is freed once the reply is stored). Refused with an AppError: `not_found` for another
 * user's session, `session_busy` while a reply streams into it, `invalid_parameter` for an input
 * that does not fit the stored history. A turn that cannot start frees its place at once.
 */
export async function openTurn(userId: string, admission: Admission, turn: ChatTurn): Promise<Turn> {
  try {
    return await claimAndStart(userId, admission, turn);
  } catch (error) {
    admission.controller.abort(error);
    admission.release();
    throw error;
  }
}

async function claimAndStart(userId: string, admission: Admission, turn: ChatTurn): Promise<Turn> {
  const { sessionId, input } = turn;
  const owner = forOwner(userId);
  const title = input.kind === 'message' ? input.text : input.kind === 'merge' ? input.title : '';
  const session = await owner.sessions.ensure(sessionId, titleFrom(title));
  if (!session) throw new AppError('not_found', 'No such chat session');
  const turnId = randomUUID();
  if (!(await owner.sessions.claimTurn(sessionId, turnId))) {
    throw new AppError('session_busy', 'A reply is still streaming into this session; wait for it or stop it');
  }

  let forget = () => {};
  try {
    const model = turnModel(turn.model, session.model);
    const problem = modelProblem(models(), model, 'answer');
    if (problem) throw new AppError('invalid_parameter', `model: ${problem}`, { field: 'model' });
    if (input.kind === 'regenerate') await owner.messages.dropLastReply(sessionId);
    const stored = await owner.messages.list(sessionId);
    // An edited message cuts the history where it stood: it and everything after it go.
    const replaces = input.kind === 'message' ? input.replaces : undefined;
    const cut = replaces === undefined ? stored.length : stored.findIndex((message) => message.id === replaces && message.role === 'user');
    if (cut < 0) throw new AppError('invalid_parameter', 'No message of yours with this id in this chat', { field: 'messageId' });
    const history = toUiMessages(stored.slice(0, cut));
    const change = newMessages(input, history);
    const changed = new Map(change.updated.map((message) => [message.id, message]));
    const conversation = [...history.map((message) => changed.get(message.id) ?? message), ...change.added];
    if (input.kind === 'regenerate' && !awaitsReply(conversation.at(-1))) {
      throw new AppError('invalid_parameter', 'There is no question to answer again', { field: 'trigger' });
    }

    const replyId = newMessageId();
    const { from, added, updated } = { from: stored[cut]?.id, ...change };
    await owner.messages.startTurn(sessionId, { from, added, updated, replyId, model });

    forget = registerTurn(sessionId, admission.controller);
    const prompt = await convertToModelMessages(conversation, { tools, ignoreIncompleteToolCalls: true });
    const { maxOutputTokens, clientTools, appData } = turn;
    const run = admission.startRun({ kind: 'answer', model, prompt, maxOutputTokens, clientTools, appData }, { held: true });
    // Once the reply is stored: the session is free for its next turn, and the stream's place too.
    const onStored = async (outcome: Outcome) => {
      forget();
      admission.release(outcome);
      await owner.sessions.releaseTurn(sessionId, turnId);
    };
    const parts = storeReply(run, { userId, sessionId, replyId, onStored });
    return { replyId, run: { ...run, parts, watch: undefined } };
  } catch (error) {
    forget();
    // A refused turn leaves nothing behind, not even the empty session `ensure` made for it. It
    // goes while the turn still holds it, so no other turn can claim it in between.
    if (error instanceof AppError && (await owner.messages.list(sessionId)).length === 0) await owner.sessions.delete(sessionId);
    else await owner.sessions.releaseTurn(sessionId, turnId);
    throw error;
  }
}

/**
 * The model that answers a turn: the one it names, else the session's while it is still offered,
 * else the default. The session then remembers it (startTurn).
 */
function turnModel(named: string | undefined, remembered: string | null): string {
  const catalogue = models();
  return named ?? (remembered !== null && catalogue.offers(remembered) ? remembered : catalogue.defaultId);
}

/** What the turn's input adds to the stored history, and which stored messages it changes. */
function newMessages(input: TurnInput, history: UIMessage[]): Merge {
  switch (input.kind) {
    case 'message':
      return { added: [{ id: input.id ?? newMessageId(), role: 'user', parts: [{ type: 'text', text: input.text }] }], updated: [] };
    case 'regenerate':
      return { added: [], updated: [] };
    case 'merge':
      return input.merge(history);
  }
}

/** Stored messages as the model's history; replies that produced nothing are left out. */
function toUiMessages(history: StoredMessage[]): UIMessage[] {
  return history
    .filter((message) => message.parts.length > 0)
    .map((message) => ({ id: message.id, role: message.role, parts: message.parts as UIMessage['parts'] }));
}
