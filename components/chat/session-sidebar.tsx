'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { refusal } from '../auth/sign-in';
import { useDialogs } from '../ui/dialogs';
import { useJson } from '../ui/use-json';
import { askForNewChat, notifySessionsChanged, onSessionsChanged } from './session-events';

interface SessionSummary {
  id: string;
  title: string;
  updated_at: string;
  /** In search results: the text around the first message that matched. */
  match?: string;
}

/** How long a deleted chat can be brought back before it is deleted on the server. */
const UNDO_MS = 6000;

/** The user's chat sessions, newest first: search, open, rename, delete (with undo), start a new one. */
export function SessionSidebar() {
  const { data, reload } = useJson<{ sessions: SessionSummary[] }>('/api/sessions?limit=100');
  const pathname = usePathname();
  const router = useRouter();
  const dialogs = useDialogs();
  const [query, setQuery] = useState('');
  const search = useSearch(query);
  const deletion = useUndoableDelete(async (session) => {
    const response = await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' }).catch(() => undefined);
    notifySessionsChanged();
    if (!response?.ok && response?.status !== 404) {
      await dialogs.confirm({
        title: 'The chat could not be deleted',
        body: response ? await refusal(response) : 'The server could not be reached.',
        confirmLabel: 'OK',
      });
    }
  });
  const reloadSearch = search.reload;
  useEffect(
    () =>
      onSessionsChanged(() => {
        reload();
        reloadSearch();
      }),
    [reload, reloadSearch],
  );
  // The deleted row took the focus with it: a keyboard user lands on Undo instead of the page's start.
  const undoButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (deletion.pending && (document.activeElement === null || document.activeElement === document.body)) undoButton.current?.focus();
  }, [deletion.pending]);
  const shown = (sessions: SessionSummary[]) => sessions.filter((session) => session.id !== deletion.pending?.session.id);

  async function rename(session: SessionSummary) {
    const title = await dialogs.ask({
      title: 'Rename the chat',
      confirmLabel: 'Rename',
      field: { label: 'Title', value: session.title, maxLength: 200 },
    });
    if (!title) return;
    await fetch(`/api/sessions/${encodeURIComponent(session.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title }),
    });
    notifySessionsChanged();
  }

  function remove(session: SessionSummary) {
    const wasOpen = pathname === `/chat/${session.id}`;
    deletion.start(session, wasOpen);
    if (wasOpen) {
      askForNewChat();
      router.push('/chat');
    }
  }

  function undo() {
    const undone = deletion.undo();
    if (undone?.wasOpen) router.push(`/chat/${undone.session.id}`);
  }

  const row = (session: SessionSummary) => (
    <SessionRow
      key={session.id}
      session={session}
      current={pathname === `/chat/${session.id}`}
      onRename={() => void rename(session)}
      onDelete={() => remove(session)}
    />
  );

  return (
    <nav aria-label="Chats" className="flex h-full flex-col gap-2 p-3">
      <Link
        href="/chat"
        onClick={askForNewChat}
        className="rounded-md bg-indigo-600 px-3 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500"
      >
        New chat
      </Link>
      <label htmlFor="chat-search" className="sr-only">
        Search chats
      </label>
      <input
        id="chat-search"
        type="search"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
        placeholder="Search chats"
        autoComplete="off"
        className="min-h-11 rounded-md border border-zinc-300 bg-transparent px-3 text-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 md:min-h-9 dark:border-zinc-700"
      />
      <div data-testid="session-list" className="min-h-0 flex-1 space-y-3 overflow-y-auto text-sm">
        {search.active ? (
          <section aria-label="Search results" data-testid="search-results">
            <h2 className="px-2 pb-1 text-xs font-semibold text-zinc-500 dark:text-zinc-400" aria-live="polite">
              {search.results === undefined ? 'Searching…' : search.results.length === 0 ? 'No chat matches' : 'Matching chats'}
            </h2>
            <ul className="space-y-1">{shown(search.results ?? []).map(row)}</ul>
            {search.more && (
              <button
                type="button"
                onClick={search.loadMore}
                className="mt-1 min-h-11 w-full rounded-md text-sm text-indigo-700 hover:bg-zinc-100 md:min-h-8 dark:text-indigo-400 dark:hover:bg-zinc-800"
              >
                More results
              </button>
            )}
          </section>
        ) : (
          groupByDay(shown(data?.sessions ?? [])).map(({ label, items }) => (
            <section key={label} aria-label={label}>
              <h2 className="px-2 pb-1 text-xs font-semibold text-zinc-500 dark:text-zinc-400">{label}</h2>
              <ul className="space-y-1">{items.map(row)}</ul>
            </section>
          ))
        )}
      </div>
      {/* On the page itself, not in the list: on a phone the drawer closes when the open chat is deleted. */}
      {deletion.pending &&
        createPortal(
          <div
            role="status"
            data-testid="undo-delete"
            className="fixed bottom-24 left-1/2 z-50 flex w-[min(22rem,calc(100vw-2rem))] -translate-x-1/2 items-center gap-2 rounded-md bg-zinc-900 px-3 py-2 text-sm text-white shadow-lg md:bottom-4 md:left-4 md:w-56 md:translate-x-0 dark:bg-zinc-100 dark:text-zinc-900"
          >
            <span className="min-w-0 flex-1 truncate">Deleted “{deletion.pending.session.title}”</span>
            <button
              ref={undoButton}
              type="button"
              onClick={undo}
              className="min-h-11 rounded px-2 font-semibold text-indigo-300 hover:underline md:min-h-8 dark:text-indigo-700"
            >
              Undo
            </button>
          </div>,
          document.body,
        )}
    </nav>
  );
}

function SessionRow({
  session,
  current,
  onRename,
  onDelete,
}: {
  session: SessionSummary;
  current: boolean;
  onRename: () => void;
  onDelete: () => void;
}) {
  // A repeated title's number stays in view when the rest is cut short.
  const [, base, number] = /^(.*?)( \(\d+\))?$/s.exec(session.title) ?? [];
  return (
    <li
      className={`group flex items-center gap-1 rounded-md ${current ? 'bg-zinc-100 dark:bg-zinc-800' : 'hover:bg-zinc-50 dark:hover:bg-zinc-900'}`}
    >
      <Link
        href={`/chat/${session.id}`}
        aria-current={current ? 'page' : undefined}
        title={session.title}
        className="flex min-h-11 min-w-0 flex-1 flex-col justify-center px-2 py-1"
      >
        <span data-testid="session-title" className="flex min-w-0">
          <span className="truncate">{base}</span>
          {number && <span className="shrink-0 whitespace-pre">{number}</span>}
        </span>
        {session.match && (
          <span data-testid="search-match" className="line-clamp-2 text-xs text-zinc-600 dark:text-zinc-400">
            {session.match}
          </span>
        )}
        <time dateTime={session.updated_at} className="text-xs text-zinc-600 dark:text-zinc-400">
          {whenShort(session.updated_at)}
        </time>
      </Link>
      <button
        type="button"
        onClick={onRename}
        aria-label={`Rename ${session.title}`}
        className="min-h-11 min-w-11 shrink-0 rounded text-zinc-600 hover:text-zinc-900 md:min-h-8 md:min-w-8 dark:text-zinc-400 dark:hover:text-zinc-100"
      >
        ✎
      </button>
      <button
        type="button"
        onClick={onDelete}
        aria-label={`Delete ${session.title}`}
        className="min-h-11 min-w-11 shrink-0 rounded text-zinc-600 hover:text-red-700 md:min-h-8 md:min-w-8 dark:text-zinc-400"
      >
        ✕
      </button>
    </li>
  );
}

/** Chats matching `query` on the server (title or message text), a page at a time, asked for once typing pauses. */
function useSearch(query: string) {
  // The results are kept with the query they answer, so a changed query shows none until its own arrive.
  const [found, setFound] = useState<{ term: string; sessions: SessionSummary[]; cursor: string | null }>();
  const [version, setVersion] = useState(0);
  const term = query.trim();
  const page = useCallback(
    (after?: string) =>
      fetch(`/api/sessions?${new URLSearchParams({ q: term, limit: '20', ...(after ? { cursor: after } : {}) })}`).then((response) =>
        response.ok ? (response.json() as Promise<{ sessions: SessionSummary[]; next_cursor: string | null }>) : undefined,
      ),
    [term],
  );
  useEffect(() => {
    if (!term) return;
    let live = true;
    const timer = setTimeout(() => {
      page()
        .then((body) => {
          if (live && body) setFound({ term, sessions: body.sessions, cursor: body.next_cursor });
        })
        .catch(() => {});
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [term, page, version]);
  const current = found?.term === term ? found : undefined;
  return {
    active: term !== '',
    results: current?.sessions,
    more: current?.cursor != null,
    loadMore: () =>
      void page(current?.cursor ?? undefined).then((body) => {
        if (body) setFound({ term, sessions: [...(current?.sessions ?? []), ...body.sessions], cursor: body.next_cursor });
      }),
    reload: useCallback(() => setVersion((v) => v + 1), []),
  };
}

/**
 * A delete that waits UNDO_MS before it reaches the server, so it can be undone. A second delete,
 * or leaving the page, sends the waiting one at once.
 */
function useUndoableDelete(commit: (session: SessionSummary) => Promise<void>) {
  const [pending, setPending] = useState<{ session: SessionSummary; wasOpen: boolean }>();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  // The entry waiting, read by timers and the pagehide listener (state lags behind them).
  const waiting = useRef<{ session: SessionSummary; wasOpen: boolean }>(undefined);

  const flush = () => {
    clearTimeout(timer.current);
    const due = waiting.current;
    waiting.current = undefined;
    setPending(undefined);
    if (due) void commit(due.session);
  };
  useEffect(() => {
    // A page closed or reloaded still deletes what it said it would.
    const onLeave = () => {
      const due = waiting.current;
      if (due) void fetch(`/api/sessions/${encodeURIComponent(due.session.id)}`, { method: 'DELETE', keepalive: true });
      waiting.current = undefined;
    };
    window.addEventListener('pagehide', onLeave);
    return () => {
      window.removeEventListener('pagehide', onLeave);
      onLeave();
    };
  }, []);

  return {
    pending,
    start(session: SessionSummary, wasOpen: boolean) {
      flush();
      const entry = { session, wasOpen };
      waiting.current = entry;
      setPending(entry);
      timer.current = setTimeout(flush, UNDO_MS);
    },
    undo() {
      clearTimeout(timer.current);
      const undone = waiting.current;
      waiting.current = undefined;
      setPending(undefined);
      return undone;
    },
  };
}

const dayStart = (date: Date) => new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();

/** Sessions (newest first) under Today, Yesterday, Previous 7 days and Earlier, in the reader's time zone. */
function groupByDay(sessions: SessionSummary[]): Array<{ label: string; items: SessionSummary[] }> {
  const today = dayStart(new Date());
  const labelOf = (session: SessionSummary) => {
    const days = Math.round((today - dayStart(new Date(session.updated_at))) / 86_400_000);
    return days <= 0 ? 'Today' : days === 1 ? 'Yesterday' : days < 7 ? 'Previous 7 days' : 'Earlier';
  };
  const groups: Array<{ label: string; items: SessionSummary[] }> = [];
  for (const session of sessions) {
    const label = labelOf(session);
    if (groups.at(-1)?.label !== label) groups.push({ label, items: [] });
    groups.at(-1)!.items.push(session);
  }
  return groups;
}

/** The time for today's chats, else the date: enough to tell two chats of one title apart. */
function whenShort(iso: string): string {
  const date = new Date(iso);
  return dayStart(date) === dayStart(new Date())
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
