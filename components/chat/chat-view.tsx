'use client';

import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChatMessage } from '@/lib/protocols/ui-stream';
import { MessageView } from './message-view';
import { notifySessionsChanged } from './session-events';

export interface ChatViewProps {
  sessionId: string;
  initialMessages: ChatMessage[];
  /** A chat not stored yet: its URL becomes /chat/{id} once the first message is sent. */
  isNew: boolean;
}

/** The chat: `useChat` on /api/ui/chat, with the server owning the history. */
export function ChatView({ sessionId, initialMessages, isNew }: ChatViewProps) {
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: '/api/ui/chat',
        // The server keeps the history: send only the new message (or ask for the last answer again).
        prepareSendMessagesRequest: ({ id, messages, trigger }) => ({
          body: trigger === 'regenerate-message' ? { id, trigger } : { id, trigger, message: messages.at(-1) },
        }),
      }),
    [],
  );
  const { messages, sendMessage, status, stop, regenerate, error, clearError } = useChat<ChatMessage>({
    id: sessionId,
    messages: initialMessages,
    transport,
    // A reply still streaming when the page (re)loads is read again from its start and followed.
    resume: !isNew,
    onFinish: () => notifySessionsChanged(),
  });
  const [draft, setDraft] = useState('');
  const [stoppedId, setStoppedId] = useState<string>();
  const busy = status === 'submitted' || status === 'streaming';

  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    // Stay at the bottom while the reply grows, unless the reader scrolled up.
    const element = scroller.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  async function stopReply() {
    const last = messages.at(-1);
    if (last?.role === 'assistant') setStoppedId(last.id);
    // The server keeps generating when a client leaves, so stopping is asked of the server; its
    // stream then ends by itself with exactly the text it stored. Listening stops here only if
    // the server had nothing to stop, or takes too long.
    const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/stop`, { method: 'POST' }).catch(() => undefined);
    const stopped = response?.ok && ((await response.json()) as { stopped: boolean }).stopped;
    if (!stopped) await stop();
    else setTimeout(() => void stop(), 1500);
  }

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key === 'Escape' && busy) void stopReply();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function submit(event?: FormEvent) {
    event?.preventDefault();
    const text = draft.trim();
    if (!text || busy) return;
    setDraft('');
    setStoppedId(undefined);
    clearError();
    pinned.current = true;
    void sendMessage({ text });
    if (isNew && window.location.pathname !== `/chat/${sessionId}`) {
      window.history.replaceState(null, '', `/chat/${sessionId}`);
      setTimeout(notifySessionsChanged, 300);
    }
  }

  function onComposerKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  const lastReply = messages.at(-1)?.role === 'assistant' ? messages.at(-1) : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div
        ref={scroller}
        data-testid="messages"
        onScroll={(event) => {
          const el = event.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
        }}
        className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-6"
        aria-live="polite"
      >
        {messages.length === 0 && (
          <p className="text-center text-sm text-zinc-500 dark:text-zinc-400">
            Ask anything. Try “What is the price of an espresso machine?” to see a tool call.
          </p>
        )}
        {messages.map((message) => (
          <MessageView key={message.id} message={message} stopped={message.id === stoppedId} />
        ))}
        {status === 'submitted' && (
          <p data-testid="thinking" className="animate-pulse text-sm text-zinc-600 dark:text-zinc-400">
            Waiting for the model…
          </p>
        )}
        {error && (
          <div role="alert" data-testid="chat-error" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            <p>{readable(error)}</p>
            <button type="button" onClick={() => { clearError(); void regenerate(); }} className="mt-2 rounded-md border border-red-400 px-3 py-1 font-semibold hover:bg-red-100 dark:hover:bg-red-900">
              Retry
            </button>
          </div>
        )}
      </div>
      <form onSubmit={submit} className="border-t border-zinc-200 p-3 dark:border-zinc-800">
        <div className="flex items-end gap-2">
          <label htmlFor="composer" className="sr-only">
            Message
          </label>
          <textarea
            id="composer"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onComposerKey}
            rows={2}
            placeholder="Message (Enter to send, Shift+Enter for a new line)"
            className="min-h-[2.75rem] flex-1 resize-y rounded-md border border-zinc-300 bg-transparent px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
          />
          {busy ? (
            <button type="button" onClick={() => void stopReply()} className="rounded-md bg-zinc-800 px-4 py-2 font-semibold text-white hover:bg-zinc-700 dark:bg-zinc-200 dark:text-zinc-900">
              Stop
            </button>
          ) : (
            <button type="submit" disabled={!draft.trim()} className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500 disabled:opacity-50">
              Send
            </button>
          )}
        </div>
        {!busy && lastReply && !error && (
          <button type="button" onClick={() => void regenerate()} className="mt-2 text-sm text-zinc-600 underline hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            Regenerate the last reply
          </button>
        )}
      </form>
    </div>
  );
}

/** The error's sentence: API errors arrive as their JSON body, stream errors as text. */
function readable(error: Error): string {
  try {
    const body = JSON.parse(error.message) as { detail?: string };
    if (body.detail) return body.detail;
  } catch {
    // not JSON
  }
  return error.message || 'Something went wrong.';
}
