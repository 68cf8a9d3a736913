'use client';

import { useChat } from '@ai-sdk/react';
import Link from 'next/link';
import { DefaultChatTransport } from 'ai';
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { ChatMessage } from '@/lib/protocols/ui-stream/messages';
import { DownloadLinks } from '../ui/download-links';
import { ModelPicker } from '../ui/model-picker';
import { MessageView } from './message-view';
import { notifySessionsChanged } from './session-events';

export interface ChatViewProps {
  sessionId: string;
  initialMessages: ChatMessage[];
  /** A chat not stored yet: its URL becomes /chat/{id} once the first message is sent. */
  isNew: boolean;
  /** The offered model ids, the default first. */
  models: string[];
  /** The model the next message goes to: the session's (still offered), else the default. */
  initialModel: string;
}

/** The chat: `useChat` on /api/ui/chat, with the server owning the history. */
export function ChatView({ sessionId, initialMessages, isNew, models, initialModel }: ChatViewProps) {
  const [model, setModel] = useState(initialModel);
  // Read when a request is sent; the transport itself is made once.
  const chosenModel = useRef(model);
  chosenModel.current = model;
  const transport = useMemo(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: '/api/ui/chat',
        // The server keeps the history: send only the new message (or ask for the last answer again).
        // An edited message names the one it replaces (`messageId`). The chosen model goes with
        // each request, and the session remembers it.
        prepareSendMessagesRequest: ({ id, messages, trigger, messageId }) => {
          const model = chosenModel.current;
          return {
            body: trigger === 'regenerate-message' ? { id, trigger, model } : { id, trigger, message: messages.at(-1), messageId, model },
          };
        },
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
  // The reply the reader stopped: by its id, or, stopped before its first word, as the message
  // that follows the one given.
  const [stopped, setStopped] = useState<{ reply?: string; after?: string }>();
  const busy = status === 'submitted' || status === 'streaming';

  const scroller = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  // Shown while the reader has scrolled up from the end: a button back to the newest text.
  const [awayFromEnd, setAwayFromEnd] = useState(false);
  const toEnd = () => {
    const element = scroller.current;
    if (!element) return;
    pinned.current = true;
    setAwayFromEnd(false);
    element.scrollTo({ top: element.scrollHeight, behavior: 'smooth' });
  };
  useEffect(() => {
    // Stay at the bottom while the reply grows, unless the reader scrolled up.
    const element = scroller.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages]);

  async function stopReply() {
    const last = messages.at(-1);
    if (last) setStopped(last.role === 'assistant' ? { reply: last.id } : { after: last.id });
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
      // Not an Escape that closes something else first: a dialog, the menu or the chat drawer
      // (they handle it in the capture phase and mark it), or one that ends composing text.
      if (event.key !== 'Escape' || !busy || event.defaultPrevented || event.isComposing) return;
      if (document.querySelector('dialog[open]')) return;
      void stopReply();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  function submit(event?: FormEvent) {
    event?.preventDefault();
    if (send(draft.trim())) setDraft('');
  }

  /**
   * Sends a message, or an edited one in place of `replaces` and the turns after it; false when
   * there is nothing to send or a reply is still coming.
   */
  function send(text: string, replaces?: string): boolean {
    if (!text || busy) return false;
    setStopped(undefined);
    clearError();
    pinned.current = true;
    void sendMessage(replaces ? { text, messageId: replaces } : { text });
    if (isNew && window.location.pathname !== `/chat/${sessionId}`) {
      window.history.replaceState(null, '', `/chat/${sessionId}`);
      setTimeout(notifySessionsChanged, 300);
    }
    return true;
  }

  /** The last answer again (Regenerate, Retry): a fresh reply, not marked as the one stopped. */
  function again() {
    setStopped(undefined);
    clearError();
    void regenerate();
  }

  function onComposerKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  }

  const lastReply = messages.at(-1)?.role === 'assistant' ? messages.at(-1) : undefined;
  const isStopped = (message: ChatMessage, index: number) =>
    message.role === 'assistant' &&
    (message.id === stopped?.reply || (stopped?.after !== undefined && messages[index - 1]?.id === stopped.after));

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div
        ref={scroller}
        data-testid="messages"
        onScroll={(event) => {
          const el = event.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
          if (awayFromEnd === pinned.current) setAwayFromEnd(!pinned.current);
        }}
        className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-6"
        aria-live="polite"
      >
        {messages.length > 0 && (
          // Kept in view at the top while the chat scrolls, without a row of its own above it.
          <div className="sticky -top-6 z-10 -mx-4 -mt-6 flex justify-end bg-white/90 px-3 py-1 dark:bg-zinc-950/90">
            <DownloadLinks href={`/api/sessions/${encodeURIComponent(sessionId)}/export`} what="this chat" />
          </div>
        )}
        {messages.length === 0 && <FirstRun onPick={(text) => send(text)} />}
        {messages.map((message, index) => (
          <MessageView
            key={message.id}
            message={message}
            stopped={isStopped(message, index)}
            onRegenerate={!busy && !error && message === lastReply ? again : undefined}
            onEdit={!busy && message.role === 'user' ? (text) => send(text, message.id) : undefined}
          />
        ))}
        {status === 'submitted' && (
          <p data-testid="thinking" className="animate-pulse text-sm text-zinc-600 dark:text-zinc-400">
            Waiting for the model…
          </p>
        )}
        {error && (
          <div
            role="alert"
            data-testid="chat-error"
            className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
          >
            <p>{readable(error)}</p>
            <button
              type="button"
              onClick={again}
              className="mt-2 rounded-md border border-red-400 px-3 py-1 font-semibold hover:bg-red-100 dark:hover:bg-red-900"
            >
              Retry
            </button>
          </div>
        )}
      </div>
      <form onSubmit={submit} className="relative border-t border-zinc-200 p-3 dark:border-zinc-800">
        {awayFromEnd && messages.length > 0 && (
          <button
            type="button"
            onClick={toEnd}
            className="absolute -top-14 left-1/2 min-h-11 -translate-x-1/2 rounded-full border border-zinc-300 bg-white px-4 text-sm shadow-md hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
          >
            ↓ Latest
          </button>
        )}
        <div className="mb-2 flex flex-wrap items-center gap-3">
          <ModelPicker models={models} value={model} onChange={setModel} disabled={busy} />
          {status === 'streaming' && (
            <p data-testid="streaming" role="status" className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
              <span aria-hidden className="size-2 animate-pulse rounded-full bg-indigo-500" />
              Writing… (Esc or Stop to end it)
            </p>
          )}
        </div>
        <div className="flex items-end gap-2">
          <label htmlFor="composer" className="sr-only">
            Message
          </label>
          <textarea
            id="composer"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={onComposerKey}
            // A new chat is for typing into.
            autoFocus={isNew}
            rows={2}
            placeholder="Message (Enter to send, Shift+Enter for a new line)"
            className="min-h-[2.75rem] flex-1 resize-y rounded-md border border-zinc-300 bg-transparent px-3 py-2 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700"
          />
          {busy ? (
            <button
              type="button"
              onClick={() => void stopReply()}
              className="rounded-md bg-zinc-800 px-4 py-2 font-semibold text-white hover:bg-zinc-700 dark:bg-zinc-200 dark:text-zinc-900"
            >
              Stop
            </button>
          ) : (
            <button
              type="submit"
              disabled={!draft.trim()}
              className="rounded-md bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-500 disabled:opacity-50"
            >
              Send
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

const SUGGESTIONS = [
  { text: 'What is the price of an espresso machine?', why: 'watch a tool call and its result' },
  { text: 'Explain how tides work, in three short paragraphs', why: 'a longer answer, streamed word by word' },
  { text: 'Give me a checklist for a picnic', why: 'markdown: a list' },
];

/** An empty chat: what to try, and what the other pages are for. */
function FirstRun({ onPick }: { onPick: (text: string) => void }) {
  return (
    <div data-testid="first-run" className="mx-auto max-w-xl space-y-4 pt-6 text-center">
      <h1 className="text-xl font-semibold">What shall we talk about?</h1>
      <ul className="grid gap-2 sm:grid-cols-3">
        {SUGGESTIONS.map((suggestion) => (
          <li key={suggestion.text}>
            <button
              type="button"
              onClick={() => onPick(suggestion.text)}
              className="h-full min-h-11 w-full rounded-lg border border-zinc-200 p-3 text-left text-sm hover:border-indigo-400 hover:bg-indigo-50 dark:border-zinc-800 dark:hover:bg-indigo-950"
            >
              <span className="block font-medium">{suggestion.text}</span>
              <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">{suggestion.why}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/report" className="text-indigo-700 underline dark:text-indigo-400">
          Report
        </Link>{' '}
        writes a structured research brief that fills in field by field;{' '}
        <Link href="/inspector" className="text-indigo-700 underline dark:text-indigo-400">
          Inspector
        </Link>{' '}
        shows every event of a run, as the API streams it.
      </p>
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
