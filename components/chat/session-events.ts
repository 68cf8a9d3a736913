// Events between the chat's parts on one page: the sidebar refreshes when a chat changes a
// session (new, renamed, deleted, answered), and a new chat starts afresh when asked for (the
// New chat button, or deleting the chat that is open), even where Next.js keeps the page as it is.
const CHANGED = 'streamwright:sessions-changed';
const NEW_CHAT = 'streamwright:new-chat';

export const notifySessionsChanged = () => window.dispatchEvent(new Event(CHANGED));

export function onSessionsChanged(listener: () => void): () => void {
  window.addEventListener(CHANGED, listener);
  return () => window.removeEventListener(CHANGED, listener);
}

export const askForNewChat = () => window.dispatchEvent(new Event(NEW_CHAT));

export function onNewChat(listener: () => void): () => void {
  window.addEventListener(NEW_CHAT, listener);
  return () => window.removeEventListener(NEW_CHAT, listener);
}
