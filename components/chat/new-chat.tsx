'use client';

import { useEffect, useState } from 'react';
import { ChatView } from './chat-view';
import { onNewChat } from './session-events';

/**
 * A chat not stored yet. Its id is made here, in the browser, each time a new chat is asked for:
 * an id from the server would come back with a cached page, and a chat started under it (or
 * deleted meanwhile) would reappear.
 */
export function NewChat({ models }: { models: string[] }) {
  const [id, setId] = useState(newId);
  useEffect(() => onNewChat(() => setId(newId())), []);
  // A new chat starts on the default model (listed first).
  return <ChatView key={id} sessionId={id} initialMessages={[]} isNew models={models} initialModel={models[0] ?? ''} />;
}

/** A random UUID; `crypto.randomUUID` needs a secure context, `getRandomValues` does not. */
function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
