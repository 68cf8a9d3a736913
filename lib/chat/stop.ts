import { forOwner } from '../db/owned';
import { broadcast, listen } from '../ops/broadcast';
import { processSingleton } from '../singleton';

// Stopping a chat turn: the turns streaming in this process, by session, and word to the other
// replicas (through Redis) for a turn one of them runs.

// One registry per process, shared by every route bundle.
const activeTurns = processSingleton('turns', () => new Map<string, AbortController>());

/** Every replica that runs turns hears the stops asked of the others. */
const STOP_CHANNEL = 'sw:stop';

/** Registers a turn streaming here; the returned function forgets it once the turn has ended. */
export function registerTurn(sessionId: string, controller: AbortController): () => void {
  listen(STOP_CHANNEL, (stopped) => void abortHere(stopped));
  activeTurns.set(sessionId, controller);
  return () => {
    if (activeTurns.get(sessionId) === controller) activeTurns.delete(sessionId);
  };
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
