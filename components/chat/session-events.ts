// The sidebar refreshes when a chat changes a session (new, renamed, deleted, answered).
const EVENT = 'streamwright:sessions-changed';

export const notifySessionsChanged = () => window.dispatchEvent(new Event(EVENT));

export function onSessionsChanged(listener: () => void): () => void {
  window.addEventListener(EVENT, listener);
  return () => window.removeEventListener(EVENT, listener);
}
